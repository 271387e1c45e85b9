import { alignFace } from '../align/alignFace';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import type { RgbaImage } from '../ports/rgbaImage';

/**
 * Share of the crop's side that the canonical face box (eyes to chin, the ArcFace square) fills.
 * The rest is margin for the forehead, the jaw line and the detector's context: the service
 * detects the face again in the crop, and the compositor's mask reaches above the brows.
 */
const faceShare = 0.5;

/**
 * Cut the square, aligned face crop out of a photo: the similarity from {@link alignFace} fitted
 * to a `size`×`size` crop with margin, sampled bilinearly, opaque black outside the photo.
 * Everything outside the crop — the rest of the photo, its file bytes and metadata — stays on the
 * device (P5). The caller holds the result (kind `'aligned-face'`) in its scope.
 *
 * @internal
 */
export function alignedFaceCrop(photo: RgbaImage, landmarks: FaceLandmarks, size: number): Uint8Array {
  const inner = size * faceShare;
  const alignment = alignFace(landmarks, { cropSize: inner });
  // Crop pixel (u, v) is face-box pixel (u - pad, v - pad), then mapped back into the photo.
  const pad = (size - inner) / 2;
  const m = alignment.cropToPhoto;
  const [a, b, c, d, e, f] = [m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!];
  const { width, height } = photo;
  const src = photo.pixels.value;
  const out = new Uint8Array(size * size * 4);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const cu = u + 0.5 - pad;
      const cv = v + 0.5 - pad;
      const x = a * cu + b * cv + c - 0.5;
      const y = d * cu + e * cv + f - 0.5;
      const o = (v * size + u) * 4;
      out[o + 3] = 255;
      if (x < 0 || y < 0 || x > width - 1 || y > height - 1) continue;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const x1 = Math.min(x0 + 1, width - 1);
      const y1 = Math.min(y0 + 1, height - 1);
      const fx = x - x0;
      const fy = y - y0;
      const i00 = (y0 * width + x0) * 4;
      const i10 = (y0 * width + x1) * 4;
      const i01 = (y1 * width + x0) * 4;
      const i11 = (y1 * width + x1) * 4;
      for (let ch = 0; ch < 3; ch++) {
        const top = src[i00 + ch]! + (src[i10 + ch]! - src[i00 + ch]!) * fx;
        const bottom = src[i01 + ch]! + (src[i11 + ch]! - src[i01 + ch]!) * fx;
        out[o + ch] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  alignment.photoToCrop.fill(0);
  alignment.cropToPhoto.fill(0);
  alignment.points.fill(0);
  return out;
}
