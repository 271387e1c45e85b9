/**
 * Template format 2: the `mesh` face track in the manifest (parseTemplate) and its binary mesh
 * data file (encodeMeshTrack, decodeMeshTrack, loadMeshTrack), including every refusal.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DecodedVideoInfo, MeshTrack, Template, TemplateAssets } from '@vopop/core';
import {
  TemplateInvalidError,
  builtInTemplates,
  decodeMeshTrack,
  encodeMeshTrack,
  loadMeshTrack,
  parseTemplate,
  resolveFaceTrack,
  safeParseTemplate,
} from '@vopop/core';

const width = 720;
const height = 1280;
const imageLeftEye = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173];
const imageRightEye = [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398];

/**
 * A face-shaped cloud of `pointCount` points around (cx, cy) for frame `f`, its eye contours
 * on small circles 120 px apart, moving a little from frame to frame; z in ±40 px.
 */
function meshFrames(frames: number, pointCount: 468 | 478): Float32Array {
  const values = new Float32Array(frames * pointCount * 3);
  for (let f = 0; f < frames; f++) {
    const cx = 360 + 3 * f;
    const cy = 600 - 2 * f;
    const at = (p: number, x: number, y: number, z: number) => values.set([x, y, z], (f * pointCount + p) * 3);
    for (let p = 0; p < pointCount; p++) {
      const angle = p * 2.399963;
      const radius = 190 * Math.sqrt((p + 0.5) / pointCount);
      at(p, cx + radius * Math.cos(angle), cy + 1.3 * radius * Math.sin(angle), 40 * Math.cos(p));
    }
    imageLeftEye.forEach((p, i) => at(p, cx - 60 + 12 * Math.cos(i), cy - 50 + 6 * Math.sin(i), -10));
    imageRightEye.forEach((p, i) => at(p, cx + 60 + 12 * Math.cos(i), cy - 50 + 6 * Math.sin(i), -10));
  }
  return values;
}

/** A format-2 manifest with a mesh track over a video background, for `data`. */
function meshManifest(data: Record<string, unknown>, frames = 30, pointCount: 468 | 478 = 478): Record<string, any> {
  const base = structuredClone(builtInTemplates[0]!) as Record<string, any>;
  return {
    ...base,
    version: 2,
    width,
    height,
    frameCount: frames,
    background: { kind: 'video', path: 'clip.mp4' },
    faceTrack: {
      kind: 'mesh',
      pointCount,
      neutralFrame: 0,
      data: { path: 'clip.mesh.bin', ...data },
      regions: { mouth: 'frame', eyes: 'frame' },
    },
  };
}

/** A valid format-2 template and its mesh file, from `values`. */
function encoded(frames = 30, pointCount: 468 | 478 = 478, encoding: 'int16le' | 'float32le' = 'int16le') {
  const values = meshFrames(frames, pointCount);
  const file = encodeMeshTrack(values, encoding);
  return { values, bytes: file.bytes, template: parseTemplate(meshManifest(file.data, frames, pointCount)) };
}

/** The error `action` throws, which must be a TemplateInvalidError. */
function templateError(action: () => unknown): TemplateInvalidError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateInvalidError);
    return error as TemplateInvalidError;
  }
  throw new Error('expected a TemplateInvalidError');
}

function issuesOf(json: unknown): readonly { path: string; message: string }[] {
  const result = safeParseTemplate(json);
  if (result.success) throw new Error('expected the manifest to be rejected');
  return result.error.issues;
}

/** Template files in memory, recording what was asked for. */
function memoryAssets(files: Record<string, Uint8Array>): TemplateAssets & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: async (path, field) => {
      reads.push(`${field}=${path}`);
      const bytes = files[path];
      if (bytes === undefined) throw TemplateInvalidError.at(field, 'missing');
      return bytes;
    },
    decodeVideo: async (): Promise<DecodedVideoInfo> => {
      throw new Error('not used');
    },
  };
}

describe('format 2 manifests', () => {
  it('accept a mesh track (frozen), and version 1 manifests are still version 1', () => {
    const { template } = encoded();
    expect(template.version).toBe(2);
    expect(template.faceTrack).toMatchObject({ kind: 'mesh', pointCount: 478, neutralFrame: 0 });
    expect(Object.isFrozen(template.faceTrack)).toBe(true);
    for (const builtIn of builtInTemplates) expect(parseTemplate(structuredClone(builtIn)).version).toBe(1);
    // Version 2 keeps the other face tracks.
    const v2Points = { ...structuredClone(builtInTemplates[0]!), version: 2 };
    expect(parseTemplate(v2Points).faceTrack.kind).toBe('keyframes');
  });

  it('refuse a mesh track in a version 1 manifest, saying which version it needs', () => {
    const m = meshManifest({ encoding: 'float32le', sha256: '0'.repeat(64) });
    m.version = 1;
    expect(issuesOf(m)).toEqual([{ path: 'faceTrack.kind', message: "a 'mesh' face track needs format version 2: set version to 2" }]);
  });

  it('refuse each bad mesh field with its path', () => {
    const good = { encoding: 'int16le', scale: 1 / 16, sha256: 'a'.repeat(64) };
    const cases: [string, (m: Record<string, any>) => void, string][] = [
      ['point count', (m) => (m.faceTrack.pointCount = 470), 'faceTrack.pointCount'],
      ['neutral frame past the end', (m) => (m.faceTrack.neutralFrame = 30), 'faceTrack.neutralFrame'],
      ['negative neutral frame', (m) => (m.faceTrack.neutralFrame = -1), 'faceTrack.neutralFrame'],
      ['fractional neutral frame', (m) => (m.faceTrack.neutralFrame = 1.5), 'faceTrack.neutralFrame'],
      ['NaN scale', (m) => (m.faceTrack.data.scale = Number.NaN), 'faceTrack.data.scale'],
      ['infinite scale', (m) => (m.faceTrack.data.scale = Number.POSITIVE_INFINITY), 'faceTrack.data.scale'],
      ['zero scale', (m) => (m.faceTrack.data.scale = 0), 'faceTrack.data.scale'],
      ['scale too coarse', (m) => (m.faceTrack.data.scale = 2), 'faceTrack.data.scale'],
      ['int16 without a scale', (m) => delete m.faceTrack.data.scale, 'faceTrack.data.scale'],
      ['float32 with a scale', (m) => (m.faceTrack.data.encoding = 'float32le'), 'faceTrack.data.scale'],
      ['unknown encoding', (m) => (m.faceTrack.data.encoding = 'float64le'), 'faceTrack.data.encoding'],
      ['upper-case digest', (m) => (m.faceTrack.data.sha256 = 'A'.repeat(64)), 'faceTrack.data.sha256'],
      ['short digest', (m) => (m.faceTrack.data.sha256 = 'a'.repeat(63)), 'faceTrack.data.sha256'],
      ['path leaving the folder', (m) => (m.faceTrack.data.path = '../x.bin'), 'faceTrack.data.path'],
      ['path with another extension', (m) => (m.faceTrack.data.path = 'mesh.json'), 'faceTrack.data.path'],
      ['missing data', (m) => delete m.faceTrack.data, 'faceTrack.data'],
      ['unknown region source', (m) => (m.faceTrack.regions.mouth = 'photo'), 'faceTrack.regions.mouth'],
      ['frame regions over a procedural background', (m) => (m.background = structuredClone(builtInTemplates[0]!.background)), 'faceTrack.regions.mouth'],
      ['unknown field', (m) => (m.faceTrack.blendshapes = []), 'faceTrack.blendshapes'],
    ];
    for (const [name, mutate, path] of cases) {
      const m = meshManifest(good);
      mutate(m);
      const issues = issuesOf(m);
      expect(issues.map((i) => i.path), name).toContain(path);
    }
    const unknown = meshManifest(good);
    unknown.faceTrack.extra = 1;
    expect(issuesOf(unknown)[0]!.message).toContain('format version 2 does not have it');
    // A procedural background with drawn regions is fine.
    const drawn = meshManifest(good);
    drawn.background = structuredClone(builtInTemplates[0]!.background);
    drawn.faceTrack.regions = { mouth: 'drawn', eyes: 'drawn' };
    expect(parseTemplate(drawn).faceTrack.kind).toBe('mesh');
  });
});

describe('mesh data files', () => {
  it('int16le round-trips within half a step of the finest power of two that holds the largest coordinate (1/32 px up to 1,023 px)', () => {
    const { values, bytes, template } = encoded(30, 478, 'int16le');
    expect(template.faceTrack.kind === 'mesh' && template.faceTrack.data).toMatchObject({ encoding: 'int16le', scale: 1 / 32 });
    expect(bytes.byteLength).toBe(30 * 478 * 3 * 2);
    const track = decodeMeshTrack(template, bytes);
    expect(track.pointCount).toBe(478);
    expect(track.frames).toHaveLength(30);
    let worst = 0;
    track.frames.forEach((mesh, f) => {
      for (let i = 0; i < mesh.length; i++) worst = Math.max(worst, Math.abs(mesh[i]! - values[f * 478 * 3 + i]!));
    });
    expect(worst).toBeLessThanOrEqual(1 / 64 + 1e-6);
    expect(worst).toBeGreaterThan(0);
    expect(Array.from(track.neutral)).toEqual(Array.from(track.frames[0]!));
    expect(track.neutral).not.toBe(track.frames[0]);
  });

  it('float32le round-trips exactly, 468 points too', () => {
    const { values, bytes, template } = encoded(12, 468, 'float32le');
    expect(bytes.byteLength).toBe(12 * 468 * 3 * 4);
    const track = decodeMeshTrack(template, bytes);
    expect(track.pointCount).toBe(468);
    expect(Float32Array.from(track.frames.flatMap((m) => Array.from(m)))).toEqual(values);
  });

  it('a larger frame takes a coarser step, and a coordinate int16le cannot hold is refused', () => {
    const far = meshFrames(2, 468);
    far[0] = 1280; // x of point 0, frame 0: the bottom of a 720×1280 frame takes 1/16 px
    expect(encodeMeshTrack(far).data).toMatchObject({ scale: 1 / 16 });
    far[0] = 3000;
    expect(encodeMeshTrack(far).data).toMatchObject({ scale: 1 / 8 });
    far[0] = 40_000;
    expect(() => encodeMeshTrack(far)).toThrow(/beyond ±32767 px/);
    far[0] = Number.NaN;
    expect(() => encodeMeshTrack(far, 'float32le')).toThrow(/not finite/);
  });

  it('refuses a file of the wrong size, naming what it holds', () => {
    const { bytes, template } = encoded(30);
    const short = templateError(() => decodeMeshTrack(template, bytes.subarray(0, 29 * 478 * 6)));
    expect(short.issues).toEqual([{ path: 'faceTrack.data.path', message: 'mesh data holds 29 frames; the template has 30 (frameCount)' }]);
    const ragged = templateError(() => decodeMeshTrack(template, bytes.subarray(0, bytes.length - 2)));
    expect(ragged.issues[0]!.message).toMatch(/not a whole number of 478-point frames/);
    expect(templateError(() => decodeMeshTrack(template, new Uint8Array(0))).issues[0]!.path).toBe('faceTrack.data.path');
  });

  it('refuses a file whose SHA-256 is not the manifest\'s (one flipped bit)', () => {
    const { bytes, template } = encoded(30);
    const changed = bytes.slice();
    changed[1000] = changed[1000]! ^ 1;
    expect(templateError(() => decodeMeshTrack(template, changed)).issues[0]!.path).toBe('faceTrack.data.sha256');
  });

  it('refuses NaN, Infinity, far-away points, absurd depth and collapsed eyes, naming the frame', () => {
    const cases: [string, (values: Float32Array) => void, RegExp][] = [
      ['NaN', (v) => (v[(5 * 478 + 10) * 3] = Number.NaN), /^frame 5: point 10 holds a number that is not finite/],
      ['Infinity', (v) => (v[(7 * 478 + 3) * 3 + 2] = Number.POSITIVE_INFINITY), /^frame 7: point 3 holds a number that is not finite/],
      ['off-frame', (v) => (v[(2 * 478 + 4) * 3 + 1] = -1290), /^frame 2: point 4 is more than one frame size outside the frame/],
      ['deep', (v) => (v[(9 * 478 + 1) * 3 + 2] = 2561), /^frame 9: point 1 has a depth \(z\) beyond ±2560 px/],
      [
        'collapsed eyes',
        (v) => {
          for (const p of [...imageLeftEye, ...imageRightEye]) v.set([400, 500, 0], (3 * 478 + p) * 3);
        },
        /^frame 3: the eyes are closer than 2 px/,
      ],
    ];
    for (const [name, mutate, message] of cases) {
      const values = meshFrames(12, 478);
      mutate(values);
      // float32le, so that NaN and Infinity reach the file; the digest is the file's own.
      const file = encodeMeshTrackUnchecked(values);
      const template = parseTemplate(meshManifest(file.data, 12));
      const error = templateError(() => decodeMeshTrack(template, file.bytes));
      expect(error.issues[0]!.path, name).toBe('faceTrack.data');
      expect(error.issues[0]!.message, name).toMatch(message);
    }
  });

  it('loadMeshTrack reads the file through the template\'s own assets; resolveFaceTrack gives each frame\'s eye centres', async () => {
    const { bytes, template } = encoded(30);
    const assets = memoryAssets({ 'clip.mesh.bin': bytes });
    const track = (await loadMeshTrack(template, assets)) as MeshTrack;
    expect(assets.reads).toEqual(['faceTrack.data.path=clip.mesh.bin']);
    expect(track.frames).toHaveLength(30);
    const five = resolveFaceTrack(template, track);
    // Frame 10: the eye circles are centred on cx ∓ 60, cy − 50 with cx = 390, cy = 580; the
    // contour's mean is off the circle's centre by the mean of cos(i) and sin(i) over 16 points.
    const meanCos = imageLeftEye.reduce((sum, _, i) => sum + Math.cos(i), 0) / 16;
    const meanSin = imageLeftEye.reduce((sum, _, i) => sum + Math.sin(i), 0) / 16;
    const points = five(10);
    expect(points[0]).toBeCloseTo(330 + 12 * meanCos, 1);
    expect(points[1]).toBeCloseTo(530 + 6 * meanSin, 1);
    expect(points[2]).toBeCloseTo(450 + 12 * meanCos, 1);
    // Asked again for the same template and files (the loader, then the renderer): read once.
    expect(await loadMeshTrack(template, assets)).toBe(track);
    expect(assets.reads).toHaveLength(1);
    expect(templateError(() => resolveFaceTrack(template)).issues[0]!.path).toBe('faceTrack.data');
    // Points and keyframes tracks have no mesh data and read nothing.
    expect(await loadMeshTrack(builtInTemplates[0]! as Template, assets)).toBeUndefined();
    expect(assets.reads).toHaveLength(1);
    await expect(loadMeshTrack(template, memoryAssets({}))).rejects.toBeInstanceOf(TemplateInvalidError);
  });
});

/** float32le bytes and their digest for any values, NaN included (encodeMeshTrack refuses those). */
function encodeMeshTrackUnchecked(values: Float32Array) {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { bytes, data: { encoding: 'float32le', sha256: createHash('sha256').update(bytes).digest('hex') } };
}
