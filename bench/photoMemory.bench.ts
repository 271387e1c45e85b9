/**
 * Peak memory by photo size: `vopop generate` (the built CLI, end to end: read, decode with the
 * residue-free decoder, detect, render, encode, write, purge) in a fresh child process per
 * photo, because a process's peak never goes down. The peak is the child's own `maxRSS`,
 * reported by a hook loaded with `--import` as it exits.
 *
 * The photos are portrait.jpg scaled up to each size (a face filling a portrait frame, as in a
 * phone photo), as baseline and progressive JPEG, PNG and WebP, plus the adversarial case of a
 * tiny PNG that declares a large image (flat colour, no face: the run ends in `NO_FACE`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { photoDecodeLimits } from '@vopop/core';
import { facesDir } from '../fixtures/faces/facesDir';
import { type BenchSuite, table } from './harness';

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, '..', 'packages', 'cli', 'dist', 'cli.js');
const peakMarker = 'vopop-bench-peak-rss-kib';
/** Printed by the child as it exits: its own peak resident set size. */
const peakHook = `data:text/javascript,${encodeURIComponent(
  `process.on('exit', () => process.stderr.write('\\n${peakMarker} ' + process.resourceUsage().maxRSS + '\\n'));`,
)}`;
const goalMiB = 600;

interface PhotoCase {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly make: (file: string) => Promise<unknown>;
  readonly extension: string;
}

/** portrait.jpg (820×1024) scaled to `megapixels` at its own aspect ratio. */
function portraitSize(megapixels: number): { width: number; height: number } {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 820) / 1024));
  return { width, height: Math.floor((megapixels * 1e6) / width) };
}

function portraitCase(megapixels: number, format: 'jpeg' | 'progressive' | 'png' | 'webp', label?: string): PhotoCase {
  const { width, height } = portraitSize(megapixels);
  const extension = format === 'progressive' ? 'jpg' : format === 'jpeg' ? 'jpg' : format;
  return {
    name: label ?? `${megapixels} MP ${format === 'progressive' ? 'progressive JPEG' : format.toUpperCase()}`,
    width,
    height,
    extension,
    make: (file) => {
      const resized = sharp(join(facesDir, 'portrait.jpg')).resize(width, height);
      if (format === 'png') return resized.png({ compressionLevel: 6 }).toFile(file);
      if (format === 'webp') return resized.webp({ quality: 85 }).toFile(file);
      return resized.jpeg({ quality: 90, progressive: format === 'progressive' }).toFile(file);
    },
  };
}

/** A phone's portrait photo: the pixels stored sideways, EXIF orientation 6 turns them upright. */
function sidewaysCase(megapixels: number, progressive: boolean): PhotoCase {
  const { width, height } = portraitSize(megapixels);
  return {
    name: `${megapixels} MP ${progressive ? 'progressive ' : ''}JPEG stored sideways, EXIF orientation 6 (the limit)`,
    width,
    height,
    extension: 'jpg',
    make: async (file) => {
      const sideways = await sharp(join(facesDir, 'portrait.jpg')).resize(width, height).rotate(270).png().toBuffer();
      return sharp(sideways).jpeg({ quality: 90, progressive }).withMetadata({ orientation: 6 }).toFile(file);
    },
  };
}

interface Row {
  readonly photo: PhotoCase;
  readonly bytes: number;
  readonly peakMiB: number;
  readonly exitCode: number | null;
  readonly outcome: string;
  readonly seconds: number;
}

function generate(photo: PhotoCase, file: string, output: string): Row {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--import', peakHook, cli, 'generate', file, '--consent', '--json', '-o', output],
    { encoding: 'utf8', maxBuffer: 16 << 20, timeout: 600_000 },
  );
  const seconds = (performance.now() - started) / 1000;
  const peak = new RegExp(`${peakMarker} (\\d+)`).exec(run.stderr ?? '');
  if (!peak) throw new Error(`photoMemory: no peak reported for ${photo.name}: ${run.stderr}`);
  let outcome = 'video written';
  try {
    const reply = JSON.parse(run.stdout) as { error?: { code?: string } };
    if (reply.error) outcome = reply.error.code ?? 'error';
  } catch {
    outcome = `no JSON reply (${run.signal ?? run.status})`;
  }
  return {
    photo,
    bytes: statSync(file).size,
    peakMiB: Number(peak[1]) / 1024,
    exitCode: run.status,
    outcome,
    seconds,
  };
}

const suite: BenchSuite = async () => {
  const limitMp = photoDecodeLimits.maxPixels / 1e6;
  const cases: PhotoCase[] = [
    {
      name: 'astronaut.png (fixture)',
      width: 512,
      height: 512,
      extension: 'png',
      make: (file) => sharp(join(facesDir, 'astronaut.png')).png().toFile(file),
    },
    portraitCase(1, 'jpeg'),
    portraitCase(12, 'jpeg'),
    portraitCase(limitMp, 'jpeg', `${limitMp} MP JPEG (the limit)`),
    portraitCase(limitMp, 'progressive', `${limitMp} MP progressive JPEG (the limit)`),
    portraitCase(limitMp, 'webp', `${limitMp} MP WebP (the limit)`),
    sidewaysCase(limitMp, false),
    sidewaysCase(limitMp, true),
    portraitCase(12, 'png'),
    portraitCase(limitMp, 'png', `${limitMp} MP PNG (the limit)`),
    (() => {
      const side = Math.floor(Math.sqrt(photoDecodeLimits.maxPixels));
      return {
        name: `flat ${side}×${side} PNG (tiny file, no face, the limit)`,
        width: side,
        height: side,
        extension: 'png',
        make: (file: string) =>
          sharp({ create: { width: side, height: side, channels: 3, background: { r: 200, g: 180, b: 160 } } })
            .png({ compressionLevel: 9 })
            .toFile(file),
      };
    })(),
    portraitCase(24, 'jpeg', '24 MP JPEG (over the limit)'),
  ];
  const directory = mkdtempSync(join(tmpdir(), 'vopop-photo-memory-'));
  const rows: Row[] = [];
  try {
    for (const [i, photo] of cases.entries()) {
      const file = join(directory, `photo-${i}.${photo.extension}`);
      await photo.make(file);
      process.stderr.write(`photoMemory: ${photo.name}…\n`);
      rows.push(generate(photo, file, join(directory, `video-${i}.mp4`)));
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }

  const worst = Math.max(...rows.filter((r) => r.photo.width * r.photo.height <= photoDecodeLimits.maxPixels).map((r) => r.peakMiB));
  const markdown = [
    'Peak resident memory of one `vopop generate` run (the built CLI, residue-free decoder, default',
    'template, wasm backend) in a fresh child process per photo, read from the child\'s own',
    '`maxRSS` as it exits. The photos are portrait.jpg scaled up to each size, so the face fills a',
    'portrait frame as in a phone photo. Decode limit in this run: ' +
      `${limitMp} MP (\`photoDecodeLimits.maxPixels\`); goal: at most ${goalMiB} MiB for any photo the limits accept.`,
    '',
    table(
      ['photo', 'pixels', 'file', 'peak RSS (MiB)', 'outcome', 'wall (s)'],
      rows.map((r) => [
        r.photo.name,
        `${r.photo.width}×${r.photo.height} (${((r.photo.width * r.photo.height) / 1e6).toFixed(1)} MP)`,
        r.bytes >= 1 << 20 ? `${(r.bytes / (1 << 20)).toFixed(1)} MiB` : `${(r.bytes / 1024).toFixed(0)} KiB`,
        r.peakMiB.toFixed(0),
        `${r.outcome} (exit ${r.exitCode})`,
        r.seconds.toFixed(1),
      ]),
    ),
    '',
    `Largest peak within the limits: ${worst.toFixed(0)} MiB (${worst <= goalMiB ? 'within' : 'OVER'} the ${goalMiB} MiB goal).`,
  ].join('\n');
  return [{ title: 'Peak memory by photo size (`vopop generate`)', markdown }];
};

export default suite;
