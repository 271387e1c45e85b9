import { meshIndices } from '../align/meshIndices';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { TemplateIssue } from '../errors/templateInvalidError';
import { TemplateInvalidError } from '../errors/templateInvalidError';
import { sha256Hex } from '../remote/sha256Hex';
import type { MeshPointCount, MeshTrack } from '../render/mesh/meshTrack';
import type { Template } from './templateSchema';
import { maxMeshScale, minMeshScale } from './templateSchema';

/**
 * The binary file of a format-2 `mesh` face track: `frameCount × pointCount × 3` numbers (x, y,
 * z in frame pixels), frame after frame, point after point, little-endian, with no header: the
 * manifest says how many frames and points there are, how they are encoded, and the file's
 * SHA-256. JSON would spend about 3.5 times the bytes (478 × 3 numbers a frame) and take far
 * longer to parse; `int16le` halves `float32le` again.
 */

/** The encodings a mesh data file can use. @public */
export type MeshDataEncoding = 'int16le' | 'float32le';

/**
 * A mesh track encoded for a template folder: the file's bytes and the manifest's `data` fields
 * except `path`.
 *
 * @public
 */
export interface EncodedMeshTrack {
  /** The file's contents. */
  readonly bytes: Uint8Array;
  /** The manifest's `faceTrack.data` fields, except `path`. */
  readonly data:
    | { readonly encoding: 'int16le'; readonly scale: number; readonly sha256: string }
    | { readonly encoding: 'float32le'; readonly sha256: string };
}

/** Same reach as a points track: a face may enter from off-screen, but not from a kilometre away. */
const reach = 1;
/** Smallest distance between the eye centres, pixels (as for a points track). */
const minEyeDistance = 2;
/** Issues reported at most per file (the error keeps 50): one bad frame is as telling as 3,600. */
const maxIssues = 20;

function bytesPerNumber(encoding: MeshDataEncoding): number {
  return encoding === 'int16le' ? 2 : 4;
}

/**
 * The finest power-of-two step that holds every value of `values` in a signed 16-bit integer, or
 * `undefined` when even the coarsest step allowed ({@link maxMeshScale}) does not.
 */
function int16Scale(values: ArrayLike<number>): number | undefined {
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]!));
  for (let scale = minMeshScale; scale <= maxMeshScale; scale *= 2) {
    if (Math.round(largest / scale) <= 32767) return scale;
  }
  return undefined;
}

/**
 * Encode a mesh track (`frameCount × pointCount × 3` numbers, x, y, z in frame pixels, frame
 * after frame) as a template's mesh data file.
 *
 * `int16le` (the default) stores each number as a multiple of a power-of-two step, the finest
 * that holds the largest coordinate: 1/16 px for a 720×1280 frame, at most half a step off.
 *
 * @throws {@link InvalidArgumentError} for an empty track, a non-finite number, or (`int16le`) a
 *   coordinate beyond ±32,767 px.
 * @public
 */
export function encodeMeshTrack(
  values: Float32Array | Float64Array,
  encoding: MeshDataEncoding = 'int16le',
): EncodedMeshTrack {
  if (!(values instanceof Float32Array || values instanceof Float64Array) || values.length === 0 || values.length % 3 !== 0) {
    throw new InvalidArgumentError('encodeMeshTrack: expected a non-empty Float32Array or Float64Array of x, y, z triples.');
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new InvalidArgumentError(`encodeMeshTrack: number ${i} is not finite.`);
  }
  const bytes = new Uint8Array(values.length * bytesPerNumber(encoding));
  const view = new DataView(bytes.buffer);
  if (encoding === 'float32le') {
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
    return { bytes, data: { encoding, sha256: sha256Hex(bytes) } };
  }
  if (encoding !== 'int16le') throw new InvalidArgumentError("encodeMeshTrack: encoding must be 'int16le' or 'float32le'.");
  const scale = int16Scale(values);
  if (scale === undefined) {
    throw new InvalidArgumentError(`encodeMeshTrack: a coordinate is beyond ±${32767 * maxMeshScale} px, more than int16le can hold.`);
  }
  for (let i = 0; i < values.length; i++) view.setInt16(i * 2, Math.round(values[i]! / scale), true);
  return { bytes, data: { encoding, scale, sha256: sha256Hex(bytes) } };
}

/** Eye centre distance of one frame's mesh (the mean of each eye's 16-point contour). */
function eyeDistance(mesh: Float32Array): number {
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < 16; i++) {
    const left = meshIndices.imageLeftEye[i]!;
    const right = meshIndices.imageRightEye[i]!;
    dx += mesh[3 * right]! - mesh[3 * left]!;
    dy += mesh[3 * right + 1]! - mesh[3 * left + 1]!;
  }
  return Math.hypot(dx / 16, dy / 16);
}

/** What is wrong with one decoded frame mesh, or `undefined`. */
function frameProblem(mesh: Float32Array, pointCount: number, template: Template): string | undefined {
  const { width, height } = template;
  const depth = (1 + reach) * Math.max(width, height);
  for (let p = 0; p < pointCount; p++) {
    const x = mesh[3 * p]!;
    const y = mesh[3 * p + 1]!;
    const z = mesh[3 * p + 2]!;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return `point ${p} holds a number that is not finite (NaN or ±Infinity)`;
    if (x < -reach * width || x > (1 + reach) * width || y < -reach * height || y > (1 + reach) * height) {
      return `point ${p} is more than one frame size outside the frame`;
    }
    if (Math.abs(z) > depth) return `point ${p} has a depth (z) beyond ±${depth} px, twice the frame's larger side`;
  }
  if (eyeDistance(mesh) < minEyeDistance) return `the eyes are closer than ${minEyeDistance} px; the face would vanish`;
  return undefined;
}

/**
 * Decode and check the mesh data file of a format-2 template's `mesh` face track: its size must
 * be exactly `frameCount × pointCount × 3` numbers of its encoding, its SHA-256 the manifest's,
 * and every point finite, within one frame size of the frame (depth within twice the frame's
 * larger side), with the eyes at least 2 px apart in every frame.
 *
 * The file is untrusted like the manifest. The result is template data, not personal data.
 *
 * @param template - A validated manifest (from `parseTemplate`) with a `mesh` face track.
 * @param bytes - The file's contents; not kept.
 * @throws {@link TemplateInvalidError} at `faceTrack.data.path` (wrong size),
 *   `faceTrack.data.sha256` (other bytes) or `faceTrack.data` (a bad point, with its frame).
 * @throws {@link InvalidArgumentError} when the template has no mesh track or `bytes` is not a
 *   `Uint8Array`.
 * @public
 */
export function decodeMeshTrack(template: Template, bytes: Uint8Array): MeshTrack {
  const track = template.faceTrack;
  if (track.kind !== 'mesh') throw new InvalidArgumentError("decodeMeshTrack: the template's face track is not a 'mesh' track.");
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('decodeMeshTrack: bytes must be a Uint8Array.');
  const { data } = track;
  const pointCount: MeshPointCount = track.pointCount;
  const perFrame = pointCount * 3;
  const frameBytes = perFrame * bytesPerNumber(data.encoding);
  const expected = template.frameCount * frameBytes;
  if (bytes.byteLength !== expected) {
    const message =
      bytes.byteLength % frameBytes === 0
        ? `mesh data holds ${bytes.byteLength / frameBytes} frames; the template has ${template.frameCount} (frameCount)`
        : `mesh data is ${bytes.byteLength} bytes, not a whole number of ${pointCount}-point frames (${frameBytes} bytes each in ${data.encoding}); expected ${expected}`;
    throw TemplateInvalidError.at('faceTrack.data.path', message);
  }
  if (sha256Hex(bytes) !== data.sha256) {
    throw TemplateInvalidError.at('faceTrack.data.sha256', "the mesh data file's SHA-256 is not the manifest's: the file was changed or damaged");
  }
  const values = new Float32Array(template.frameCount * perFrame);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.encoding === 'int16le') {
    for (let i = 0; i < values.length; i++) values[i] = view.getInt16(i * 2, true) * data.scale;
  } else {
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  }
  const frames: Float32Array[] = [];
  const issues: TemplateIssue[] = [];
  for (let f = 0; f < template.frameCount; f++) {
    const mesh = values.subarray(f * perFrame, (f + 1) * perFrame);
    const problem = frameProblem(mesh, pointCount, template);
    if (problem !== undefined && issues.length < maxIssues) issues.push({ path: 'faceTrack.data', message: `frame ${f}: ${problem}` });
    frames.push(mesh);
  }
  if (issues.length > 0) throw new TemplateInvalidError(issues);
  return { pointCount, neutral: frames[track.neutralFrame]!.slice(), frames };
}

