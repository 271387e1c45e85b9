/**
 * Which decoder: sharp (libvips, prebuilt native) against the pure-JS jpeg-js and pngjs, on the
 * face fixtures and on a phone-sized 12 MP JPEG, interleaved in one run; plus each decoder's
 * peak RSS, measured in a fresh child process per decoder because a process's peak never
 * goes down. The third row per image is the SDK's `NodeImageDecoder` (sharp plus the header
 * checks, sniffing and the scope's hold and purge), to show what the wrapper costs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EphemeralScope } from '@vopop/core';
import { NodeImageDecoder } from '../packages/node-adapter/src/decode/nodeImageDecoder';
import { facesDir as faces } from '../fixtures/faces/facesDir';
import {
  type BenchSection,
  type BenchSuite,
  type Sample,
  compareInterleaved,
  ms,
  ratio,
  table,
} from './harness';

const here = dirname(fileURLToPath(import.meta.url));
const adapterPackage = resolve(here, '..', 'packages', 'node-adapter', 'package.json');
// The decoders are the adapter's (dev) dependencies, so resolve them from there.
const adapterRequire = createRequire(adapterPackage);

interface RawOut {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}
interface SharpPipeline {
  autoOrient(): SharpPipeline;
  toColourspace(space: string): SharpPipeline;
  ensureAlpha(): SharpPipeline;
  raw(options: { depth: 'uchar' }): SharpPipeline;
  resize(width: number, height: number): SharpPipeline;
  jpeg(options: { quality: number }): SharpPipeline;
  toBuffer(): Promise<Buffer>;
  toBuffer(options: { resolveWithObject: true }): Promise<{ data: Buffer; info: object }>;
}
type SharpFn = ((input: Uint8Array, options?: object) => SharpPipeline) & {
  cache(enable: boolean): unknown;
};
const sharp = adapterRequire('sharp') as SharpFn;
const jpegJs = adapterRequire('jpeg-js') as {
  decode(bytes: Uint8Array, options: { useTArray: true; formatAsRGBA: true }): RawOut;
};
const pngJs = adapterRequire('pngjs') as { PNG: { sync: { read(bytes: Buffer): RawOut } } };

async function sharpDecode(bytes: Uint8Array): Promise<void> {
  // The same options as NodeImageDecoder, so that the comparison isolates the wrapper.
  const { data } = await sharp(bytes, { failOn: 'error', limitInputPixels: 40_000_000, pages: 1 })
    .autoOrient()
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  data.fill(0);
}

const decoder = new NodeImageDecoder();
async function sdkDecode(bytes: Uint8Array): Promise<void> {
  const scope = new EphemeralScope({ label: 'bench' });
  await decoder.decode(bytes, scope);
  scope.purge();
}

interface Input {
  readonly name: string;
  readonly bytes: Buffer;
  readonly kind: 'jpeg' | 'png';
}

/** A child decodes `file` `runs` times and reports its RSS before the first decode and at peak. */
function childRss(decoderName: 'sharp' | 'jpeg-js' | 'pngjs', file: string, runs: number) {
  const script = `
    const { createRequire } = require('node:module');
    const { readFileSync } = require('node:fs');
    const req = createRequire(${JSON.stringify(adapterPackage)});
    const name = ${JSON.stringify(decoderName)};
    const lib = req(name);
    const bytes = readFileSync(${JSON.stringify(file)});
    if (name === 'sharp') lib.cache(false);
    const before = process.memoryUsage().rss;
    (async () => {
      for (let i = 0; i < ${runs}; i++) {
        if (name === 'sharp') {
          const out = await lib(bytes).autoOrient().toColourspace('srgb').ensureAlpha()
            .raw({ depth: 'uchar' }).toBuffer();
          out.fill(0);
        } else if (name === 'jpeg-js') {
          lib.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 2048 }).data.fill(0);
        } else {
          lib.PNG.sync.read(bytes).data.fill(0);
        }
      }
      // VmHWM, not resourceUsage().maxRSS: Linux carries the forking parent's peak across exec.
      const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
      process.stdout.write(JSON.stringify({ before, peak: Number(hwm[1]) * 1024 }));
    })();
  `;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`RSS child for ${decoderName} failed: ${result.stderr}`);
  const { before, peak } = JSON.parse(result.stdout) as { before: number; peak: number };
  return { beforeMiB: before / 2 ** 20, peakMiB: peak / 2 ** 20 };
}

const span = (values: readonly number[]): string =>
  `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;

const suite: BenchSuite = async () => {
  sharp.cache(false);
  const read = (file: string) => readFileSync(join(faces, file));
  const portrait = read('portrait.jpg');
  // A phone-sized photo: portrait.jpg scaled to 12 MP. Scaling adds no detail, so it compresses
  // better than a real 12 MP photo; the decode work per pixel is what it measures.
  const phone = await sharp(portrait).resize(3000, 4000).jpeg({ quality: 90 }).toBuffer();
  const inputs: Input[] = [
    { name: 'portrait.jpg (820×1024)', bytes: portrait, kind: 'jpeg' },
    { name: 'three_people.jpg (1049×861)', bytes: read('three_people.jpg'), kind: 'jpeg' },
    { name: '12 MP JPEG (3000×4000)', bytes: phone, kind: 'jpeg' },
    { name: 'astronaut.png (512×512)', bytes: read('astronaut.png'), kind: 'png' },
  ];

  const rows: string[][] = [];
  const pureRatios: number[] = [];
  const sdkRatios: number[] = [];
  for (const input of inputs) {
    const big = input.bytes.length === phone.length;
    const pureName = input.kind === 'jpeg' ? 'jpeg-js' : 'pngjs';
    const pure =
      input.kind === 'jpeg'
        ? () => void jpegJs.decode(input.bytes, { useTArray: true, formatAsRGBA: true }).data.fill(0)
        : () => void pngJs.PNG.sync.read(input.bytes).data.fill(0);
    const options = big ? { warmup: 1, runs: 5 } : { warmup: 2, runs: 11 };
    // Two comparisons, each against sharp: the pure-JS decoders leave hundreds of MB of
    // garbage that would otherwise be collected during whichever case runs after them.
    const versusPure = await compareInterleaved({ sharp: () => sharpDecode(input.bytes), pure }, options);
    // The wrapper's cost is small next to the decode, so this comparison gets more runs.
    const versusSdk = await compareInterleaved(
      { sharp: () => sharpDecode(input.bytes), sdk: () => sdkDecode(input.bytes) },
      big ? { warmup: 1, runs: 11 } : { warmup: 2, runs: 21 },
    );
    const row = (name: string, value: Sample, base: Sample) => [
      input.name,
      name,
      ms(value.median),
      ms(value.min),
      ms(base.median),
      ratio(value.median, base.median),
    ];
    pureRatios.push(versusPure.pure.median / versusPure.sharp.median);
    sdkRatios.push(versusSdk.sdk.median / versusSdk.sharp.median);
    rows.push(
      row(pureName, versusPure.pure, versusPure.sharp),
      row('NodeImageDecoder', versusSdk.sdk, versusSdk.sharp),
    );
  }

  const dir = mkdtempSync(join(tmpdir(), 'vopop-bench-decoding-'));
  const rssRows: string[][] = [];
  try {
    const phoneFile = join(dir, 'phone.jpg');
    writeFileSync(phoneFile, phone);
    const pngFile = join(faces, 'astronaut.png');
    for (const [label, file, names] of [
      ['12 MP JPEG', phoneFile, ['sharp', 'jpeg-js']],
      ['astronaut.png', pngFile, ['sharp', 'pngjs']],
    ] as const) {
      const measured = names.map((name) => ({ name, ...childRss(name, file, 5) }));
      const sharpPeak = measured[0]!.peakMiB - measured[0]!.beforeMiB;
      for (const m of measured) {
        const growth = m.peakMiB - m.beforeMiB;
        rssRows.push([label, m.name, m.beforeMiB.toFixed(0), m.peakMiB.toFixed(0), growth.toFixed(0), ratio(growth, sharpPeak)]);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const sections: BenchSection[] = [
    {
      title: 'Decoding: sharp vs pure JS',
      markdown: [
        'Bytes → tight 8-bit RGBA. Each row is one interleaved comparison against sharp (same',
        'pipeline as the SDK: auto-orient, sRGB, alpha, 8-bit raw); the ratio is the median over',
        'sharp\'s median in that comparison. jpeg-js and pngjs apply no EXIF orientation and no',
        'colour management and cannot read WebP, so they do less work than sharp does.',
        '`NodeImageDecoder` adds sniffing, the header and limit checks, the scope\'s hold and a',
        'verified purge (zero-fill and read-back) of the pixels.',
        '',
        table(['image', 'decoder', 'median ms', 'min ms', 'sharp median ms', 'ratio vs sharp'], rows),
        '',
        `In this run the pure-JS decoders took ${span(pureRatios)} × sharp's median time and`,
        `\`NodeImageDecoder\` ${span(sdkRatios)} ×. ` +
          (Math.min(...pureRatios) > 1
            ? 'sharp was faster on every image, which is why the adapter decodes with it.'
            : 'sharp was NOT faster on every image: revisit the choice in docs/decoding.md.'),
      ].join('\n'),
    },
    {
      title: 'Decoding: peak memory',
      markdown: [
        'One fresh Node process per decoder, 5 decodes of the same file; RSS after loading the',
        'decoder and its peak RSS (`VmHWM`). Growth is peak minus start; its ratio is over sharp\'s.',
        '',
        table(['image', 'decoder', 'RSS at start MiB', 'peak RSS MiB', 'growth MiB', 'growth ratio'], rssRows),
        '',
        `The pure-JS decoders' growth was ${span(rssRows.filter((r) => r[1] !== 'sharp').map((r) => Number(r[5])))} × sharp's.`,
      ].join('\n'),
    },
  ];
  return sections;
};

export default suite;
