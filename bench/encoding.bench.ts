/**
 * Video encoding and decoding in Node through `@napi-rs/webcodecs` + mediabunny (the SDK's
 * `createNodeVideoEncoder` and `decodeVideoFile`), at the template size (720×1280) and the
 * face size (512×512). Each encode case is interleaved with its baseline: creating and closing
 * the same VideoFrames without encoding (what feeding the encoder costs by itself). Real time
 * is 30 frames/s: a 3 s template at 30 fps must encode in under 3 s.
 *
 * Run with the source condition so that `@vopop/core` resolves to `src` without a build:
 * `NODE_OPTIONS=--conditions=@vopop/source npx tsx bench/run.ts encoding`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EphemeralScope, rgbaToI420, i420ByteLength, bt601LimitedColorSpace } from '@vopop/core';
import type { EncodedVideo, VideoEncoderPort } from '@vopop/core';
import { decodeVideoFile } from '../packages/node-adapter/src/templates/decodeVideoFile';
import { createNodeVideoEncoder } from '../packages/node-adapter/src/encode/nodeVideoEncoder';
import { type BenchSection, type BenchSuite, type Sample, compareInterleaved, ratio, table } from './harness';

const fps = 30;
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const tsxLoader = join(repoRoot, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');

/**
 * Peak RSS (MiB) of a fresh child that encodes `frames` 512×512 frames to `path` (mode
 * 'encode') or decodes `path` frame by frame (mode 'decode'). A fresh process per measurement,
 * because a process's peak never goes down.
 */
function childPeak(dir: string, mode: 'encode' | 'decode', path: string, frames: number): number {
  const src = (file: string) => JSON.stringify(join(repoRoot, 'packages', file));
  const script = join(dir, `${mode}-${frames}.mts`);
  writeFileSync(
    script,
    `
    import { readFileSync, writeFileSync } from 'node:fs';
    import { EphemeralScope } from ${src('core/src/index.ts')};
    import { createNodeVideoEncoder } from ${src('node-adapter/src/encode/nodeVideoEncoder.ts')};
    import { decodeVideoFile } from ${src('node-adapter/src/video/decodeVideoFile.ts')};
    const size = 512;
    if (${JSON.stringify(mode)} === 'encode') {
      const scope = new EphemeralScope({ label: 'bench' });
      const session = await (await createNodeVideoEncoder()).open({ width: size, height: size, fps: 30, codec: 'avc' }, scope);
      const frame = new Uint8Array(size * size * 4);
      for (let i = 0; i < ${frames}; i++) {
        for (let p = 0; p < frame.length; p += 4) { frame[p] = (p >> 2) + i; frame[p + 1] = (p >> 11) - i; frame[p + 2] = i * 3; frame[p + 3] = 255; }
        await session.addFrame(frame);
      }
      const video = await session.finish();
      writeFileSync(${JSON.stringify(path)}, video.bytes.value);
      scope.purge();
    } else {
      let count = 0;
      await decodeVideoFile(${JSON.stringify(path)}, { onFrame: () => { count++; } });
      if (count !== ${frames}) throw new Error('decoded ' + count + ' frames');
    }
    // VmHWM, not resourceUsage().maxRSS: Linux carries ru_maxrss over fork and exec, so a child
    // would report its parent's peak.
    const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    process.stdout.write(String(Number(hwm?.[1]) / 1024));
    `,
  );
  const child = spawnSync(process.execPath, ['--conditions=@vopop/source', '--import', tsxLoader, script], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`child ${mode} ${frames} failed: ${child.stderr}`);
  return Number(child.stdout);
}

/** A few distinct frames with gradients and moving patches, cycled: synthesis is not timed. */
function makeFrames(width: number, height: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, k) => {
    const rgba = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 4;
        const inPatch = ((x + k * 24) % width) >> 6 === 3 && y >> 6 === 4;
        rgba[o] = inPatch ? 255 : (x * 255) / width;
        rgba[o + 1] = inPatch ? 0 : (y * 255) / height;
        rgba[o + 2] = ((x + y + k * 8) * 255) / (width + height);
        rgba[o + 3] = 255;
      }
    }
    return rgba;
  });
}

interface EncodeCase {
  readonly name: string;
  readonly codec: 'avc' | 'vp9';
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly input: 'rgba' | 'i420';
}

async function encodeOnce(encoder: VideoEncoderPort, c: EncodeCase, frames: Uint8Array[]): Promise<EncodedVideo> {
  const scope = new EphemeralScope({ label: 'bench' });
  const session = await encoder.open(
    { width: c.width, height: c.height, fps, frameCount: c.frames, codec: c.codec },
    scope,
  );
  for (let i = 0; i < c.frames; i++) await session.addFrame(frames[i % frames.length]!);
  const video = await session.finish();
  return { ...video, bytes: video.bytes.move() };
}

/** The baseline: the same frames turned into VideoFrames (and I420 where the case converts). */
function framesOnly(c: EncodeCase, frames: Uint8Array[]): void {
  const i420 = new Uint8Array(i420ByteLength(c.width, c.height));
  for (let i = 0; i < c.frames; i++) {
    const rgba = frames[i % frames.length]!;
    const timestamp = Math.round((i * 1e6) / fps);
    let frame: VideoFrame;
    if (c.input === 'i420') {
      rgbaToI420(rgba, c.width, c.height, i420);
      frame = new VideoFrame(i420, {
        format: 'I420', codedWidth: c.width, codedHeight: c.height, timestamp, colorSpace: bt601LimitedColorSpace,
      });
    } else {
      frame = new VideoFrame(rgba, { format: 'RGBA', codedWidth: c.width, codedHeight: c.height, timestamp });
    }
    frame.close();
  }
}

const perSecond = (frames: number, sample: Sample): string => ((frames * 1000) / sample.median).toFixed(0);

const suite: BenchSuite = async () => {
  // Per codec and size, both input formats and both baselines, interleaved in one comparison.
  const groups: Omit<EncodeCase, 'input'>[] = [
    { name: 'H.264 MP4 720×1280', codec: 'avc', width: 720, height: 1280, frames: 90 },
    { name: 'H.264 MP4 512×512', codec: 'avc', width: 512, height: 512, frames: 90 },
    { name: 'VP9 WebM 720×1280', codec: 'vp9', width: 720, height: 1280, frames: 30 },
    { name: 'VP9 WebM 512×512', codec: 'vp9', width: 512, height: 512, frames: 45 },
  ];
  const rows: string[][] = [];
  const encoded = new Map<string, EncodedVideo>();
  for (const group of groups) {
    const frames = makeFrames(group.width, group.height, 8);
    const rgba: EncodeCase = { ...group, input: 'rgba' };
    const i420: EncodeCase = { ...group, input: 'i420' };
    const rgbaEncoder = await createNodeVideoEncoder({ inputFormat: { [group.codec]: 'rgba' } });
    const i420Encoder = await createNodeVideoEncoder({ inputFormat: { [group.codec]: 'i420' } });
    const keep = async (video: EncodedVideo) => {
      encoded.get(group.name)?.bytes.purge();
      encoded.set(group.name, video);
    };
    const result = await compareInterleaved(
      {
        rgba: async () => keep(await encodeOnce(rgbaEncoder, rgba, frames)),
        i420: async () => keep(await encodeOnce(i420Encoder, i420, frames)),
        rgbaFrames: () => framesOnly(rgba, frames),
        i420Frames: () => framesOnly(i420, frames),
      },
      { warmup: 1, runs: 3 },
    );
    for (const input of ['rgba', 'i420'] as const) {
      const encode = result[input];
      const baseline = result[input === 'rgba' ? 'rgbaFrames' : 'i420Frames'];
      rows.push([
        group.name,
        input === 'rgba' ? 'RGBA' : 'I420 (SDK converts)',
        String(group.frames),
        `${encode.median.toFixed(0)} ms`,
        perSecond(group.frames, encode),
        ((group.frames * 1000) / encode.median / fps).toFixed(2),
        perSecond(group.frames, baseline),
        ratio(encode.median, baseline.median),
        ratio(encode.median, result.rgba.median),
      ]);
    }
  }

  const decodeRows: string[][] = [];
  const decodeCases = groups;
  const decoders = Object.fromEntries(
    decodeCases.map((c) => [
      c.name,
      async () => {
        const info = await decodeVideoFile(encoded.get(c.name)!.bytes.value, { onFrame: () => undefined });
        if (info.frameCount !== c.frames) throw new Error(`decoded ${info.frameCount} of ${c.frames} frames`);
      },
    ]),
  );
  const decoded = await compareInterleaved(decoders, { warmup: 1, runs: 3 });
  for (const c of decodeCases) {
    const sample = decoded[c.name]!;
    decodeRows.push([
      c.name,
      String(c.frames),
      `${sample.median.toFixed(0)} ms`,
      perSecond(c.frames, sample),
      ((c.frames * 1000) / sample.median / fps).toFixed(2),
    ]);
  }
  for (const video of encoded.values()) video.bytes.purge();

  const dir = mkdtempSync(join(tmpdir(), 'vopop-bench-encoding-'));
  const memoryRows: string[][] = [];
  try {
    const short = join(dir, 'short.mp4');
    const long = join(dir, 'long.mp4');
    const peaks = {
      encodeShort: childPeak(dir, 'encode', short, 90),
      encodeLong: childPeak(dir, 'encode', long, 900),
      decodeShort: childPeak(dir, 'decode', short, 90),
      decodeLong: childPeak(dir, 'decode', long, 900),
    };
    memoryRows.push(
      ['encode 512×512 H.264', peaks.encodeShort.toFixed(0), peaks.encodeLong.toFixed(0), ratio(peaks.encodeLong, peaks.encodeShort)],
      ['decodeVideoFile (path) 512×512 H.264', peaks.decodeShort.toFixed(0), peaks.decodeLong.toFixed(0), ratio(peaks.decodeLong, peaks.decodeShort)],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const sections: BenchSection[] = [
    {
      title: 'Encoding: frames per second (Node, @napi-rs/webcodecs + mediabunny)',
      markdown: [
        'Whole sessions through `createNodeVideoEncoder()` (open, add every frame with',
        'back-pressure, finish the container, hold the bytes), median of 3 after 1 warm-up. Per',
        'codec and size, four cases run interleaved: encoding from RGBA input, encoding from I420',
        'input (the SDK converts RGBA→I420 in JavaScript), and the baseline of each: creating and',
        'closing the same VideoFrames (plus the conversion, for I420) without encoding.',
        '"× real time" is encoded frames per second over the 30 frames/s of playback (above 1 is',
        'faster than real time); the last column compares the two inputs in the same run.',
        '',
        table(
          [
            'case',
            'input',
            'frames',
            'encode',
            'frames/s',
            '× real time',
            'baseline frames/s',
            'encode ÷ baseline',
            'time ÷ RGBA input',
          ],
          rows,
        ),
      ].join('\n'),
    },
    {
      title: 'Decoding: frames per second (decodeVideoFile, RGBA out)',
      markdown: [
        'The videos encoded above, decoded from memory to upright RGBA frames by `decodeVideoFile`',
        '(mediabunny demux + the polyfill\'s VideoDecoder + RGBA copy), the cases interleaved,',
        'median of 3 after 1 warm-up. The template builder runs the detector on each frame; decoding',
        'is its floor.',
        '',
        table(['video', 'frames', 'decode', 'frames/s', '× real time'], decodeRows),
      ].join('\n'),
    },
    {
      title: 'Encoding and decoding: peak memory, 3 s vs 30 s',
      markdown: [
        'Peak RSS (MiB) of a fresh Node process per row and length: encoding 90 vs 900 frames',
        '(3 s vs 30 s at 30 fps) with `createNodeVideoEncoder`, and decoding those files from',
        'their path with `decodeVideoFile`. The budget is a 30 s video ≤ 1.2 × the 3 s peak: frames',
        'must stream, not pile up. (The MP4 is assembled in memory for fast start, so encoding',
        'grows by the size of the encoded file.)',
        '',
        table(['process', '3 s peak MiB', '30 s peak MiB', '30 s ÷ 3 s'], memoryRows),
      ].join('\n'),
    },
  ];
  return sections;
};

export default suite;
