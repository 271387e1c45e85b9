import type { FaceLandmarks } from '../detect/faceLandmarks';
import type { Wiper } from '../purge/wiper';
import { zeroFillAndVerify } from '../purge/zeroFill';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { Affine2D } from '../geometry/affine2d';
import { canonicalDenseFace, denseFacePointCount } from '../geometry/canonicalDenseFace';
import { canonicalFivePoints } from '../geometry/canonicalFace';
import { fitSimilarity } from '../geometry/fitSimilarity';
import { fivePointsFromMesh, requireMesh } from './fivePoints';

/**
 * Which mesh points drive the alignment: the five template points (eye centres, nose tip, mouth
 * corners; the ArcFace convention) or all 468 mesh points against {@link canonicalDenseFace}.
 *
 * @public
 */
export type AlignmentPointSet = 'five' | 'dense';

/**
 * How to align a face.
 *
 * @public
 */
export interface AlignOptions {
  /** Side of the square crop, in crop pixels (e.g. 112, 256, 512). */
  readonly cropSize: number;
  /** Which points to fit. Default `'five'`. */
  readonly points?: AlignmentPointSet;
}

/**
 * Where a face sits in its photo, as the similarity that carries it into a square crop.
 *
 * Every array here is derived from the face, so the record is personal data: hold it in an
 * ephemeral handle of kind `'face-transform'` with {@link faceAlignmentWiper}.
 *
 * @public
 */
export interface FaceAlignment {
  /** Photo pixels → crop pixels. */
  readonly photoToCrop: Affine2D;
  /** Crop pixels → photo pixels (the paste-back transform). */
  readonly cropToPhoto: Affine2D;
  /**
   * RMS distance, in crop pixels, between the mapped face points and their canonical positions:
   * how far this face departs from the template's proportions (and how much pose or expression
   * there is), not an error of the fit.
   */
  readonly rmsResidual: number;
  /** The point set that was fitted. */
  readonly pointSet: AlignmentPointSet;
  /** The photo-space points that were fitted, `[x0, y0, …]` (5 or 468 points). */
  readonly points: Float32Array;
  /** The crop side the transforms were made for. */
  readonly cropSize: number;
}

/**
 * Fit the similarity (rotation, uniform scale, translation) that places a detected face in a
 * `cropSize`×`cropSize` crop the way the canonical template does, and its inverse.
 *
 * `'five'` fits the five points of {@link fivePointsFromMesh} to {@link canonicalFivePoints}, as
 * FaceFusion and InsightFace do; `'dense'` fits all 468 mesh points to
 * {@link canonicalDenseFace}, which is steadier against the jitter of single landmarks. A
 * similarity never shears or stretches a face, whatever its pose.
 *
 * Cost: a few microseconds for either set (docs/benchmarks.md).
 *
 * @throws {@link InvalidArgumentError} when `landmarks` is not a 468/478-point mesh, its points
 * are not finite or all coincide, or `cropSize` is not a positive finite number.
 * @public
 */
export function alignFace(landmarks: FaceLandmarks, options: AlignOptions): FaceAlignment {
  const cropSize = options?.cropSize;
  if (typeof cropSize !== 'number' || !Number.isFinite(cropSize) || cropSize <= 0) {
    throw new InvalidArgumentError('alignFace: cropSize must be a positive finite number of pixels.');
  }
  const pointSet = options.points ?? 'five';
  if (pointSet !== 'five' && pointSet !== 'dense') {
    throw new InvalidArgumentError("alignFace: points must be 'five' or 'dense'.");
  }
  requireMesh(landmarks, 'alignFace');

  let points: Float32Array;
  let fit;
  if (pointSet === 'five') {
    points = fivePointsFromMesh(landmarks);
    fit = fitSimilarity(points, canonicalFivePoints as Float64Array);
  } else {
    const mesh = landmarks.points.subarray(0, denseFacePointCount * 3);
    fit = fitSimilarity(mesh, canonicalDenseFace as Float32Array, { sourceStride: 3 });
    points = new Float32Array(denseFacePointCount * 2);
    for (let i = 0; i < denseFacePointCount; i++) {
      points[2 * i] = mesh[3 * i]!;
      points[2 * i + 1] = mesh[3 * i + 1]!;
    }
  }
  // The canonical sets are in unit-crop coordinates; scaling the fitted maps afterwards is exact
  // and avoids building a scaled copy of the target on every call.
  const photoToCrop = fit.transform;
  for (let i = 0; i < 6; i++) photoToCrop[i] = photoToCrop[i]! * cropSize;
  const cropToPhoto = fit.inverse;
  cropToPhoto[0] = cropToPhoto[0]! / cropSize;
  cropToPhoto[1] = cropToPhoto[1]! / cropSize;
  cropToPhoto[3] = cropToPhoto[3]! / cropSize;
  cropToPhoto[4] = cropToPhoto[4]! / cropSize;
  return { photoToCrop, cropToPhoto, rmsResidual: fit.rmsResidual * cropSize, pointSet, points, cropSize };
}

/**
 * Wipes a {@link FaceAlignment}: both transforms and the fitted points zero-filled and re-read.
 *
 * @public
 */
export const faceAlignmentWiper: Wiper<FaceAlignment> = {
  name: 'face-alignment',
  matches: (value): value is FaceAlignment =>
    typeof value === 'object' &&
    value !== null &&
    (value as FaceAlignment).photoToCrop instanceof Float64Array &&
    (value as FaceAlignment).cropToPhoto instanceof Float64Array &&
    (value as FaceAlignment).points instanceof Float32Array,
  measure: (value) => value.photoToCrop.byteLength + value.cropToPhoto.byteLength + value.points.byteLength,
  wipe: (value) => {
    let verified = true;
    let bytes = 0;
    for (const part of [value.photoToCrop, value.cropToPhoto, value.points]) {
      bytes += part.byteLength;
      verified = zeroFillAndVerify(new Uint8Array(part.buffer, part.byteOffset, part.byteLength)) && verified;
    }
    return { method: 'zero-fill', bytes, verified };
  },
};
