/**
 * Shared by the encoding and video tests: a synthetic frame that colour, range and orientation
 * errors cannot pass, PSNR, and independent checks with Debian's ffprobe/ffmpeg.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ffprobePath = '/usr/bin/ffprobe';
export const ffmpegPath = '/usr/bin/ffmpeg';

/** Fails with a clear message (not a skip) when the independent decoder is missing. */
export function requireFfmpegTools(): void {
  for (const tool of [ffprobePath, ffmpegPath]) {
    if (!existsSync(tool)) {
      throw new Error(
        `${tool} is missing: these tests verify every encoded video with Debian's ffmpeg ` +
          "package (apt-get install ffmpeg); they cannot pass without it.",
      );
    }
  }
}

/**
 * Frame `index` of a moving test pattern: a red→green horizontal and blue vertical gradient,
 * with saturated red, green, blue, yellow, white and black patches in an asymmetric layout that
 * slides with the index. A swapped channel, wrong matrix/range, flip or rotation all fail PSNR.
 */
export function syntheticFrame(width: number, height: number, index: number, out?: Uint8Array): Uint8Array {
  const rgba = out ?? new Uint8Array(width * height * 4);
  const patch = Math.max(16, (Math.min(width, height) >> 3) & ~1);
  const shift = (index * 4) % width;
  const patches: [number, number, number, number, number][] = [
    // x, y (fractions of the frame scaled below), r, g, b
    [0.08, 0.1, 255, 0, 0],
    [0.55, 0.15, 0, 255, 0],
    [0.3, 0.45, 0, 0, 255],
    [0.7, 0.6, 255, 255, 0],
    [0.12, 0.75, 255, 255, 255],
    [0.5, 0.82, 0, 0, 0],
  ];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const gx = ((x + shift) % width) / (width - 1);
      rgba[o] = Math.round(255 * (1 - gx));
      rgba[o + 1] = Math.round(255 * gx);
      rgba[o + 2] = Math.round((255 * y) / (height - 1));
      rgba[o + 3] = 255;
    }
  }
  for (const [fx, fy, r, g, b] of patches) {
    const x0 = (Math.round(fx * width) + shift) % (width - patch) & ~1;
    const y0 = Math.round(fy * (height - patch)) & ~1;
    for (let y = y0; y < y0 + patch; y++) {
      for (let x = x0; x < x0 + patch; x++) {
        const o = (y * width + x) * 4;
        rgba[o] = r;
        rgba[o + 1] = g;
        rgba[o + 2] = b;
      }
    }
  }
  return rgba;
}

/** PSNR in dB over the R, G and B channels (alpha ignored). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) throw new Error(`size mismatch ${a.byteLength} vs ${b.byteLength}`);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.byteLength; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = a[i + c]! - b[i + c]!;
      sum += d * d;
      count++;
    }
  }
  const mse = sum / count;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** A copy with red and blue swapped: what a BGRA/RGBA mix-up would produce. */
export function swapRedBlue(rgba: Uint8Array): Uint8Array {
  const out = rgba.slice();
  for (let i = 0; i < out.byteLength; i += 4) {
    out[i] = rgba[i + 2]!;
    out[i + 2] = rgba[i]!;
  }
  return out;
}

/** What ffprobe says about the first video stream, with frames counted by decoding. */
export interface ProbedVideo {
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly durationSec: number;
  readonly fps: number;
  readonly pixFmt: string;
  readonly colorRange: string | undefined;
  readonly colorSpace: string | undefined;
  readonly colorPrimaries: string | undefined;
  readonly colorTransfer: string | undefined;
  readonly formatName: string;
}

function rate(text: string | undefined): number {
  const [n, d] = (text ?? '0/1').split('/').map(Number);
  return d ? n! / d : 0;
}

export async function ffprobe(path: string): Promise<ProbedVideo> {
  const { stdout } = await run(ffprobePath, [
    '-v', 'error', '-count_frames', '-select_streams', 'v:0',
    '-show_streams', '-show_format', '-of', 'json', path,
  ]);
  const json = JSON.parse(stdout) as {
    streams: Record<string, string | number | undefined>[];
    format: Record<string, string | undefined>;
  };
  const s = json.streams[0];
  if (!s) throw new Error('ffprobe found no video stream');
  const duration = Number(s['duration'] ?? json.format['duration']);
  return {
    codec: String(s['codec_name']),
    width: Number(s['width']),
    height: Number(s['height']),
    frames: Number(s['nb_read_frames']),
    durationSec: duration,
    fps: rate(s['avg_frame_rate'] as string | undefined),
    pixFmt: String(s['pix_fmt']),
    colorRange: s['color_range'] as string | undefined,
    colorSpace: s['color_space'] as string | undefined,
    colorPrimaries: s['color_primaries'] as string | undefined,
    colorTransfer: s['color_transfer'] as string | undefined,
    formatName: String(json.format['format_name']),
  };
}

/** Frame `k` (decode order index) as RGBA, decoded by ffmpeg: the independent reference. */
export async function ffmpegFrame(path: string, k: number, width: number, height: number): Promise<Uint8Array> {
  const { stdout } = await run(
    ffmpegPath,
    ['-v', 'error', '-i', path, '-vf', `select=eq(n\\,${k})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'],
    { encoding: 'buffer', maxBuffer: width * height * 4 + 1024 },
  );
  const bytes = new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.byteLength);
  if (bytes.byteLength !== width * height * 4) {
    throw new Error(`ffmpeg returned ${bytes.byteLength} bytes for frame ${k}, expected ${width * height * 4}`);
  }
  return bytes;
}

/** A temp folder removed by the returned function. */
export async function tempDir(): Promise<{ dir: string; file: (name: string, bytes: Uint8Array) => Promise<string>; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vopop-encoding-test-'));
  return {
    dir,
    file: async (name, bytes) => {
      const path = join(dir, name);
      await writeFile(path, bytes);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
