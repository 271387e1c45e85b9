import type { ExifOrientation } from './exifOrientation';

/**
 * The upright size of a `width` × `height` image stored with `orientation`: orientations 5–8
 * turn it by a quarter, swapping the two.
 *
 * @internal Used by the platform adapters to build their ports; not part of the app API.
 */
export function orientedSize(
  width: number,
  height: number,
  orientation: ExifOrientation,
): { readonly width: number; readonly height: number } {
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}

/**
 * Where the upright pixel (x, y) comes from in the stored image, as `origin + x * stepX +
 * y * stepY` in pixel indices. One affine walk covers all eight orientations, so each needs
 * no loop of its own.
 */
function walk(
  w: number,
  h: number,
  orientation: ExifOrientation,
): readonly [origin: number, stepX: number, stepY: number] {
  const last = (h - 1) * w;
  switch (orientation) {
    case 1:
      return [0, 1, w];
    case 2: // mirrored left to right
      return [w - 1, -1, w];
    case 3: // turned 180°
      return [last + w - 1, -1, -w];
    case 4: // mirrored top to bottom
      return [last, 1, -w];
    case 5: // transposed
      return [0, w, 1];
    case 6: // stored turned 90° anticlockwise: turn clockwise
      return [last, -w, 1];
    case 7: // transversed
      return [last + w - 1, -w, -1];
    case 8: // stored turned 90° clockwise: turn anticlockwise
      return [w - 1, w, -1];
  }
}

/**
 * Write the upright version of a tightly packed RGBA image into `out` (same byte length, a
 * different buffer), applying an EXIF orientation. The caller owns both buffers, so no copy
 * of the pixels is made anywhere else.
 *
 * @internal Used by the platform adapters to build their ports; not part of the app API.
 */
export function orientRgba(
  src: Uint8Array,
  width: number,
  height: number,
  orientation: ExifOrientation,
  out: Uint8Array,
): void {
  const count = width * height;
  if (src.byteLength < count * 4 || out.byteLength < count * 4) {
    throw new RangeError('orientRgba: buffers are smaller than width * height * 4 bytes.');
  }
  if (orientation === 1) {
    out.set(src.subarray(0, count * 4));
    return;
  }
  const { width: outWidth, height: outHeight } = orientedSize(width, height, orientation);
  const [origin, stepX, stepY] = walk(width, height, orientation);
  const aligned = src.byteOffset % 4 === 0 && out.byteOffset % 4 === 0;
  if (aligned) {
    const from = new Uint32Array(src.buffer, src.byteOffset, count);
    const to = new Uint32Array(out.buffer, out.byteOffset, count);
    let i = 0;
    for (let y = 0; y < outHeight; y++) {
      let s = origin + y * stepY;
      for (let x = 0; x < outWidth; x++, s += stepX) to[i++] = from[s]!;
    }
    return;
  }
  let o = 0;
  for (let y = 0; y < outHeight; y++) {
    let s = origin + y * stepY;
    for (let x = 0; x < outWidth; x++, s += stepX) {
      const p = s * 4;
      out[o++] = src[p]!;
      out[o++] = src[p + 1]!;
      out[o++] = src[p + 2]!;
      out[o++] = src[p + 3]!;
    }
  }
}
