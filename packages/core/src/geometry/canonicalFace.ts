/**
 * Where the five alignment points of a frontal face sit in a square crop, as fractions of the
 * crop's side: image-left eye centre, image-right eye centre, nose tip, image-left mouth corner,
 * image-right mouth corner (x, y interleaved).
 *
 * These are the normalised positions of the widely used ArcFace 112×112 template, the target
 * FaceFusion and InsightFace align to; templates place faces by mapping these points into each
 * frame, so every template and the aligner agree on what "the face" means.
 *
 * @public
 */
export const canonicalFivePoints: Readonly<Float64Array> = Float64Array.of(
  0.3419, 0.4616, 0.6565, 0.4598, 0.5002, 0.6405, 0.371, 0.8247, 0.6315, 0.8233,
);

/** Number of points in the canonical five-point set. @public */
export const fivePointCount = 5;
