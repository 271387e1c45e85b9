import type { EphemeralScope } from '../packages/core/src/purge/ephemeralScope';
import type { RgbaImage } from '../packages/core/src/ports/rgbaImage';

/** A textured, non-personal square photo: smooth gradients plus a little hash noise, held in `scope`. */
export function syntheticPhoto(scope: EphemeralScope, side: number): RgbaImage {
  const bytes = new Uint8Array(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const o = (y * side + x) * 4;
      const n = ((x * 73856093) ^ (y * 19349663)) & 15;
      bytes[o] = 150 + ((x >> 3) & 63) + n;
      bytes[o + 1] = 110 + ((y >> 3) & 63) + n;
      bytes[o + 2] = 90 + (((x + y) >> 4) & 63);
      bytes[o + 3] = 255;
    }
  }
  const pixels = scope.hold(bytes, { kind: 'pixels', label: 'bench.photo' });
  return { width: side, height: side, pixels };
}

/** An opaque, patterned background frame to composite onto. */
export function background(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(width * height * 4);
  for (let i = 0; i < bytes.length; i += 4) {
    const p = i >> 2;
    bytes[i] = 60 + (p % 97);
    bytes[i + 1] = 80 + ((p >> 5) % 61);
    bytes[i + 2] = 140;
    bytes[i + 3] = 255;
  }
  return bytes;
}
