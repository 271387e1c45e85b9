import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const ffmpegPath = '/usr/bin/ffmpeg';

/**
 * Frame `index` (decode order) of the video at `file` as RGBA, decoded by Debian's ffmpeg: an
 * independent decoder, not the browser's.
 */
export function ffmpegFrame(file: string, index: number, width: number, height: number): Uint8Array {
  if (!existsSync(ffmpegPath)) {
    throw new Error(`${ffmpegPath} is missing: this test checks the video with Debian's ffmpeg package (apt-get install ffmpeg).`);
  }
  const stdout = execFileSync(
    ffmpegPath,
    ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'],
    { maxBuffer: width * height * 4 + 1024 },
  );
  if (stdout.byteLength !== width * height * 4) {
    throw new Error(`ffmpeg returned ${stdout.byteLength} bytes for frame ${index}, expected ${width * height * 4}`);
  }
  return new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.byteLength);
}

/** A rectangle of a frame, in pixels. */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Mean absolute difference of the R, G and B values of two RGBA frames of `width`, over `regions`. */
export function meanAbsDifference(a: Uint8Array, b: Uint8Array, width: number, regions: readonly Region[]): number {
  let sum = 0;
  let count = 0;
  for (const region of regions) {
    for (let y = region.y; y < region.y + region.height; y++) {
      for (let x = region.x; x < region.x + region.width; x++) {
        const at = (y * width + x) * 4;
        for (let channel = 0; channel < 3; channel++) sum += Math.abs(a[at + channel]! - b[at + channel]!);
        count += 3;
      }
    }
  }
  return sum / count;
}
