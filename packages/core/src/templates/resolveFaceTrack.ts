import { fivePointsFromMesh } from '../align/fivePoints';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { TemplateInvalidError } from '../errors/templateInvalidError';
import { canonicalFivePoints } from '../geometry/canonicalFace';
import type { MeshTrack } from '../render/mesh/meshTrack';
import { assertMeshTrack } from '../render/mesh/meshTrack';
import { ensureValidTemplate } from './parseTemplate';
import type { FaceKeyframe, Template } from './templateSchema';

/**
 * The face track of a template, resolved for the renderer: for a frame index, the 5 target
 * points (eyes, nose tip, mouth corners; x, y interleaved) in frame pixels.
 *
 * Pass `out` (a `Float32Array(10)`) to avoid an allocation per frame.
 *
 * @public
 */
export type ResolvedFaceTrack = (frameIndex: number, out?: Float32Array) => Float32Array;

/**
 * Write the 5 target points of a face crop of side `scale` centred on (`x`, `y`) and turned by
 * `angleDegrees` (clockwise on screen) into `out` at `offset`.
 *
 * @public
 */
export function similarityFivePoints(
  x: number,
  y: number,
  scale: number,
  angleDegrees: number,
  out: Float32Array = new Float32Array(10),
  offset = 0,
): Float32Array {
  const radians = (angleDegrees * Math.PI) / 180;
  const c = Math.cos(radians) * scale;
  const s = Math.sin(radians) * scale;
  for (let i = 0; i < 10; i += 2) {
    // y points down on screen, so this standard rotation turns clockwise as seen.
    const dx = canonicalFivePoints[i]! - 0.5;
    const dy = canonicalFivePoints[i + 1]! - 0.5;
    out[offset + i] = x + dx * c - dy * s;
    out[offset + i + 1] = y + dx * s + dy * c;
  }
  return out;
}

type Channel = (k: FaceKeyframe) => number;

/** Scale moves in log space so that zooms feel even and a curve can never make it negative. */
const channels: readonly Channel[] = [(k) => k.x, (k) => k.y, (k) => Math.log(k.scale), (k) => k.angle];

/**
 * Value of one channel at `frame` between keyframes `i` and `i + 1`.
 *
 * `cubic` is a Hermite curve with Catmull-Rom tangents (non-uniform spacing aware) and zero
 * tangents at the first and last keyframe, so motion starts and ends at rest and never jerks at
 * a keyframe; `ease` eases in and out of every keyframe; `linear` is piecewise linear.
 */
function interpolate(
  keys: readonly FaceKeyframe[],
  i: number,
  frame: number,
  channel: Channel,
  mode: 'linear' | 'ease' | 'cubic',
): number {
  const a = keys[i]!;
  const b = keys[i + 1]!;
  const h = b.frame - a.frame;
  const u = (frame - a.frame) / h;
  const va = channel(a);
  const vb = channel(b);
  if (mode === 'linear') return va + (vb - va) * u;
  if (mode === 'ease') return va + (vb - va) * u * u * (3 - 2 * u);
  const tangent = (j: number): number => {
    const prev = keys[j - 1];
    const next = keys[j + 1];
    if (prev === undefined || next === undefined) return 0;
    return (channel(next) - channel(prev)) / (next.frame - prev.frame);
  };
  const ma = tangent(i) * h;
  const mb = tangent(i + 1) * h;
  const u2 = u * u;
  const u3 = u2 * u;
  return (
    (2 * u3 - 3 * u2 + 1) * va + (u3 - 2 * u2 + u) * ma + (-2 * u3 + 3 * u2) * vb + (u3 - u2) * mb
  );
}

/**
 * Resolve a template's face track into a function from frame index to the 5 target points in
 * frame pixels.
 *
 * Every frame is computed once, up front (at most 3,600 × 10 numbers), so the result is
 * deterministic, costs nothing per frame, and gives the same points whatever order frames are
 * asked for in. Before the first keyframe the face holds the first keyframe's pose; after the
 * last, the last's. A `mesh` track (format 2) gives each frame mesh's five points, found as
 * `fivePointsFromMesh` finds them in a photo; its mesh data comes from `loadMeshTrack`.
 *
 * @param mesh - The template's mesh track (`loadMeshTrack`); required for a `mesh` face track,
 *   ignored otherwise.
 * @throws TemplateInvalidError when `template` did not come from `parseTemplate` and is not
 *   valid, or has a `mesh` track and `mesh` is missing.
 * @throws InvalidArgumentError when `mesh` is not a mesh track of the template's frame count.
 * @public
 */
export function resolveFaceTrack(template: Template, mesh?: MeshTrack): ResolvedFaceTrack {
  template = ensureValidTemplate(template);
  const { frameCount, width, height } = template;
  const all = new Float32Array(frameCount * 10);
  const track = template.faceTrack;
  if (track.kind === 'mesh') {
    if (mesh === undefined) {
      throw TemplateInvalidError.at('faceTrack.data', "a 'mesh' face track needs its mesh data: load it with loadMeshTrack and pass it along");
    }
    assertMeshTrack(mesh, frameCount);
    const box = new Float32Array(4);
    const score = new Float32Array(1);
    for (let f = 0; f < frameCount; f++) {
      const points = mesh.frames[f]!;
      fivePointsFromMesh(
        { imageWidth: width, imageHeight: height, pointCount: mesh.pointCount, points, box, score },
        all.subarray(f * 10, f * 10 + 10),
      );
    }
  } else if (track.kind === 'points') {
    for (let f = 0; f < frameCount; f++) {
      const p = track.points[Math.min(f, track.points.length - 1)]!;
      for (let i = 0; i < 10; i++) all[f * 10 + i] = p[i]!;
    }
  } else {
    const keys = track.keyframes;
    let segment = 0;
    const pose = [0, 0, 0, 0];
    for (let f = 0; f < frameCount; f++) {
      while (segment + 1 < keys.length && keys[segment + 1]!.frame <= f) segment++;
      const current = keys[segment]!;
      for (let c = 0; c < 4; c++) {
        const channel = channels[c]!;
        pose[c] =
          f <= current.frame || segment + 1 >= keys.length
            ? channel(current)
            : interpolate(keys, segment, f, channel, track.interpolation);
      }
      similarityFivePoints(pose[0]!, pose[1]!, Math.exp(pose[2]!), pose[3]!, all, f * 10);
    }
  }
  return (frameIndex, out) => {
    if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= frameCount) {
      throw new InvalidArgumentError(`frameIndex must be an integer from 0 to ${frameCount - 1}.`);
    }
    const target = out ?? new Float32Array(10);
    if (target.length < 10) throw new InvalidArgumentError('out must be a Float32Array of at least 10 numbers.');
    target.set(all.subarray(frameIndex * 10, frameIndex * 10 + 10));
    return target;
  };
}
