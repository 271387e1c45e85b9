import { meshIndices } from '../../align/meshIndices';

/*
 * Where a head is, from its face mesh, in the face's own frame: v runs from the chin (0) up to
 * the mesh's top of forehead (1), u across the face, both in units of that chin-to-forehead
 * height H, so roll and scale fall out. Measured against the fixtures (astronaut, portrait, the
 * three group faces): skull tops lie at v ≈ 1.45–1.6, ears and side hair within |u| ≈ 0.6, the
 * jaw's half-width at the chin ≈ 0.3.
 */

/** Centre of the skull ellipse, in H above the chin. */
const skullCentreV = 0.75;
/** Half-width of the skull ellipse (ears and side hair), in H. */
const skullHalfWidth = 0.68;
/** Half-height of the skull ellipse: the top reaches v = 1.65 (hair above the crown). */
const skullHalfHeight = 0.9;
/** The prior fades from 1 to 0 between the ellipse (1) and this multiple of it. */
const skullFadeTo = 1.12;
/** The neck: a band of this half-width (in H) below the chin… */
const neckHalfWidth = 0.3;
/** …fading to nothing at this depth below the chin (in H): a bounded neck, never the body. */
const neckDepth = 0.4;
/** The square the segmenter sees: this many H per side, centred this far (in H) above the chin. */
const segmentSide = 3.6;
const segmentCentreV = 0.55;

/**
 * The face's frame: `[chinX, chinY, upX, upY, rightX, rightY, H]`, up and right unit vectors
 * in photo pixels. Returns undefined for a mesh without the layout's points or with no height.
 * The caller wipes the result (it locates the face).
 *
 * @internal
 */
export function headFrame(points: Float32Array, pointCount: number): Float64Array | undefined {
  if (pointCount < 468) return undefined;
  const chinX = points[meshIndices.chin * 3]!;
  const chinY = points[meshIndices.chin * 3 + 1]!;
  const dx = points[meshIndices.forehead * 3]! - chinX;
  const dy = points[meshIndices.forehead * 3 + 1]! - chinY;
  const height = Math.hypot(dx, dy);
  if (!(height > 1) || !Number.isFinite(chinX) || !Number.isFinite(chinY)) return undefined;
  const upX = dx / height;
  const upY = dy / height;
  // Image coordinates run down: "right" is up turned a quarter clockwise on screen.
  return Float64Array.of(chinX, chinY, upX, upY, -upY, upX, height);
}

/**
 * How much of a head (0…1) the photo point `(x, y)` can be, by shape alone: 1 inside the skull
 * ellipse and the top of the neck band, fading to 0 just outside and down the neck.
 *
 * @internal
 */
export function headPrior(frame: Float64Array, x: number, y: number): number {
  const dx = x - frame[0]!;
  const dy = y - frame[1]!;
  const scale = 1 / frame[6]!;
  const v = (dx * frame[2]! + dy * frame[3]!) * scale;
  const u = (dx * frame[4]! + dy * frame[5]!) * scale;
  const eu = u / skullHalfWidth;
  const ev = (v - skullCentreV) / skullHalfHeight;
  const radius = Math.sqrt(eu * eu + ev * ev);
  const skull = radius <= 1 ? 1 : radius >= skullFadeTo ? 0 : (skullFadeTo - radius) / (skullFadeTo - 1);
  if (v >= skullCentreV || Math.abs(u) >= neckHalfWidth * skullFadeTo) return skull;
  const across = Math.min(1, Math.max(0, (neckHalfWidth * skullFadeTo - Math.abs(u)) / (neckHalfWidth * (skullFadeTo - 1))));
  const down = v >= 0 ? 1 : Math.max(0, 1 + v / neckDepth);
  return Math.max(skull, across * down);
}

/**
 * The photo rectangle a head can occupy: `[x0, y0, x1, y1]` (whole pixels, clipped to the
 * photo; empty when the head lies outside it), the bounding box of the prior's support.
 *
 * @internal
 */
export function headBounds(frame: Float64Array, width: number, height: number): Int32Array {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const h = frame[6]!;
  const add = (u: number, v: number) => {
    const x = frame[0]! + (u * frame[4]! + v * frame[2]!) * h;
    const y = frame[1]! + (u * frame[5]! + v * frame[3]!) * h;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  };
  const a = skullHalfWidth * skullFadeTo;
  const b = skullHalfHeight * skullFadeTo;
  for (const [u, v] of [[-a, skullCentreV - b], [a, skullCentreV - b], [-a, skullCentreV + b], [a, skullCentreV + b]] as const) add(u, v);
  add(-neckHalfWidth * skullFadeTo, -neckDepth);
  add(neckHalfWidth * skullFadeTo, -neckDepth);
  return Int32Array.of(
    Math.max(0, Math.floor(x0)),
    Math.max(0, Math.floor(y0)),
    Math.min(width, Math.ceil(x1)),
    Math.min(height, Math.ceil(y1)),
  );
}

/**
 * The square `[x, y, side]` (photo pixels, possibly past the photo's edges) to segment for this
 * head: the head and hair with the shoulders below for context, as in the selfies the
 * segmentation model was trained on.
 *
 * @internal
 */
export function headSegmentRegion(frame: Float64Array): Float32Array {
  const h = frame[6]!;
  const side = segmentSide * h;
  const cx = frame[0]! + frame[2]! * segmentCentreV * h;
  const cy = frame[1]! + frame[3]! * segmentCentreV * h;
  return Float32Array.of(cx - side / 2, cy - side / 2, side);
}
