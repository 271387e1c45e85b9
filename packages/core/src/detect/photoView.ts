/**
 * A view of a photo as the face models see it: a rectangle of the photo, averaged down to at
 * most a given size and turned by a multiple of 90°. The models' own inputs are tiny (128 px for
 * the face detector, 192 px for the mesh crop), so a view of at most ~1280 px loses nothing they
 * could use, while a full-resolution float copy of a 40-megapixel photo would take 480 MB.
 *
 * @internal
 */
export interface PhotoView {
  /** The rectangle of the photo, in photo pixels (integers, inside the photo). */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The size of the rectangle once averaged down, before turning (each at least 1). */
  readonly scaledWidth: number;
  readonly scaledHeight: number;
  /** Clockwise quarter turns applied after scaling: 0, 1 (90°), 2 (180°) or 3 (270°). */
  readonly turns: 0 | 1 | 2 | 3;
}

/** Width and height of the view as the model gets it (after turning). */
export function viewSize(view: PhotoView): { width: number; height: number } {
  return view.turns % 2 === 0
    ? { width: view.scaledWidth, height: view.scaledHeight }
    : { width: view.scaledHeight, height: view.scaledWidth };
}

/**
 * The view of the rectangle `(x, y, width, height)` of a photo, scaled so that its longer side
 * is at most `maxSide` (never enlarged), turned by `turns`.
 */
export function photoView(
  x: number,
  y: number,
  width: number,
  height: number,
  maxSide: number,
  turns: PhotoView['turns'] = 0,
): PhotoView {
  const factor = Math.max(1, Math.max(width, height) / maxSide);
  return {
    x,
    y,
    width,
    height,
    scaledWidth: Math.max(1, Math.min(width, Math.round(width / factor))),
    scaledHeight: Math.max(1, Math.min(height, Math.round(height / factor))),
    turns,
  };
}

/** Photo pixels per view pixel (the same on both axes up to rounding). */
export function viewScale(view: PhotoView): number {
  return (view.width / view.scaledWidth + view.height / view.scaledHeight) / 2;
}

/**
 * Map a point from the view's coordinates (as the model reports them: pixel edges, after turning)
 * back to the photo's. `out[0..1]` receives x, y.
 */
export function viewPointToPhoto(view: PhotoView, vx: number, vy: number, out: Float64Array): void {
  const sw = view.scaledWidth;
  const sh = view.scaledHeight;
  // Undo the turn: back to the scaled, unturned rectangle.
  let x: number;
  let y: number;
  switch (view.turns) {
    case 1:
      x = vy;
      y = sh - vx;
      break;
    case 2:
      x = sw - vx;
      y = sh - vy;
      break;
    case 3:
      x = sw - vy;
      y = vx;
      break;
    default:
      x = vx;
      y = vy;
  }
  out[0] = view.x + (x * view.width) / sw;
  out[1] = view.y + (y * view.height) / sh;
}

/**
 * Write the view's RGB values (0…255 as float32, rows top to bottom after turning) into `out`,
 * each one the mean of the photo pixels it covers (a box filter: no aliasing, and every photo
 * pixel is read once). `out` must hold `scaledWidth × scaledHeight × 3` numbers. Only `out` and
 * one row of sums (zeroed before returning) hold pixel values; the caller wipes `out`.
 */
export function renderPhotoView(rgba: Uint8Array, photoWidth: number, view: PhotoView, out: Float32Array): void {
  const { x: x0, y: y0, width, height, scaledWidth: sw, scaledHeight: sh, turns } = view;
  // Column bins: scaled column u averages photo columns [start[u], start[u + 1]).
  const start = new Int32Array(sw + 1);
  for (let u = 0; u <= sw; u++) start[u] = x0 + Math.floor((u * width) / sw);
  const sums = new Float32Array(sw * 3);
  // Where scaled pixel (u, v) lands in `out` after turning: out index = base + u * du + v * dv.
  const outWidth = turns % 2 === 0 ? sw : sh;
  let base: number;
  let du: number;
  let dv: number;
  switch (turns) {
    case 1: // (u, v) → (sh - 1 - v, u)
      base = sh - 1;
      du = outWidth;
      dv = -1;
      break;
    case 2: // (u, v) → (sw - 1 - u, sh - 1 - v)
      base = (sh - 1) * outWidth + sw - 1;
      du = -1;
      dv = -outWidth;
      break;
    case 3: // (u, v) → (v, sw - 1 - u)
      base = (sw - 1) * outWidth;
      du = -outWidth;
      dv = 1;
      break;
    default:
      base = 0;
      du = 1;
      dv = outWidth;
  }
  try {
    for (let v = 0; v < sh; v++) {
      const rowStart = y0 + Math.floor((v * height) / sh);
      const rowEnd = Math.max(rowStart + 1, y0 + Math.floor(((v + 1) * height) / sh));
      sums.fill(0);
      for (let row = rowStart; row < rowEnd; row++) {
        const rowOffset = row * photoWidth * 4;
        for (let u = 0; u < sw; u++) {
          const colEnd = Math.max(start[u]! + 1, start[u + 1]!);
          let r = 0;
          let g = 0;
          let b = 0;
          for (let i = rowOffset + start[u]! * 4, end = rowOffset + colEnd * 4; i < end; i += 4) {
            r += rgba[i]!;
            g += rgba[i + 1]!;
            b += rgba[i + 2]!;
          }
          sums[u * 3] = sums[u * 3]! + r;
          sums[u * 3 + 1] = sums[u * 3 + 1]! + g;
          sums[u * 3 + 2] = sums[u * 3 + 2]! + b;
        }
      }
      const rows = rowEnd - rowStart;
      for (let u = 0; u < sw; u++) {
        const count = rows * (Math.max(start[u]! + 1, start[u + 1]!) - start[u]!);
        const o = (base + u * du + v * dv) * 3;
        out[o] = sums[u * 3]! / count;
        out[o + 1] = sums[u * 3 + 1]! / count;
        out[o + 2] = sums[u * 3 + 2]! / count;
      }
    }
  } finally {
    sums.fill(0);
  }
}
