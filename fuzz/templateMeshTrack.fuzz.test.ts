/**
 * Fuzzing the format-2 template fields (issue 12): mutated `mesh` face tracks through
 * `parseTemplate`, mutated mesh data files through `decodeMeshTrack`, and every 25th input as a
 * template folder on disk through `loadTemplateFile`. Each input must end as a usable template
 * or mesh track or as a `TemplateInvalidError`, nothing else, and loading must write nothing.
 *
 * These are pure functions of their input (no decoder, no child process), so they run in this
 * process; the per-input watchdog is the vitest timeout. Replay one input with
 * `FUZZ_SEED=<seed> FUZZ_FROM=<index> FUZZ_TEMPLATE_RUNS=1 pnpm test:fuzz`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Template } from '@vopop/core';
import { TemplateInvalidError, assertMeshTrack, builtInTemplates, decodeMeshTrack, encodeMeshTrack, parseTemplate } from '@vopop/core';
import { loadTemplateFile } from '@vopop/node-adapter';
import type { FuzzRandom } from './fuzzRandom';
import { fuzzRandom, inputSeed } from './fuzzRandom';
import { fuzzFrom, fuzzSeed } from './fuzzSettings';

const runs = Number(process.env.FUZZ_TEMPLATE_RUNS ?? 2000);
const imageLeftEye = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173];
const imageRightEye = [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398];
const workDir = mkdtempSync(path.join(tmpdir(), 'vopop-fuzz-mesh-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** A valid mesh track for a 360×640 clip: a face-shaped cloud, eyes apart, drifting. */
function meshValues(frames: number, pointCount: 468 | 478, random: FuzzRandom): Float32Array {
  const values = new Float32Array(frames * pointCount * 3);
  const cx = random.between(60, 300);
  const cy = random.between(100, 540);
  for (let f = 0; f < frames; f++) {
    for (let p = 0; p < pointCount; p++) {
      values.set([cx + f + 50 * Math.cos(p), cy + 70 * Math.sin(p * 1.3), 30 * Math.sin(p)], (f * pointCount + p) * 3);
    }
    for (const p of imageLeftEye) values.set([cx - 30 + f, cy - 20, -3], (f * pointCount + p) * 3);
    for (const p of imageRightEye) values.set([cx + 30 + f, cy - 20, -3], (f * pointCount + p) * 3);
  }
  return values;
}

/** A JSON object being mutated. */
type Json = Record<string, unknown>;

function manifestFor(frames: number, pointCount: 468 | 478, data: object): Json {
  return {
    ...structuredClone(builtInTemplates[0]!),
    version: 2,
    id: 'fuzz-mesh',
    width: 360,
    height: 640,
    frameCount: frames,
    background: { kind: 'video', path: 'clip.mp4' },
    faceTrack: { kind: 'mesh', pointCount, neutralFrame: 0, data: { path: 'clip.mesh.bin', ...data }, regions: { mouth: 'frame', eyes: 'frame' } },
  };
}

/** Values a hostile or careless manifest may hold where a mesh field belongs. */
function oddValue(random: FuzzRandom): unknown {
  return random.pick<() => unknown>([
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => -1,
    () => 1e300,
    () => random.between(0, 4000),
    () => random.next(),
    () => 468,
    () => 478,
    () => 470,
    () => '',
    () => 'x'.repeat(random.between(1, 100_000)),
    () => '../../etc/passwd.bin',
    () => 'mesh.bin',
    () => 'a'.repeat(64),
    () => 'int16le',
    () => 'float32le',
    () => 'frame',
    () => 'drawn',
    () => null,
    () => [],
    () => ({}),
    () => JSON.parse('{"__proto__": {"polluted": 1}}') as unknown,
    () => ({ constructor: { prototype: { polluted: 1 } } }),
  ])();
}

const meshFields: readonly (readonly string[])[] = [
  ['version'],
  ['frameCount'],
  ['faceTrack', 'kind'],
  ['faceTrack', 'pointCount'],
  ['faceTrack', 'neutralFrame'],
  ['faceTrack', 'data'],
  ['faceTrack', 'data', 'path'],
  ['faceTrack', 'data', 'sha256'],
  ['faceTrack', 'data', 'encoding'],
  ['faceTrack', 'data', 'scale'],
  ['faceTrack', 'regions'],
  ['faceTrack', 'regions', 'mouth'],
  ['faceTrack', 'regions', 'eyes'],
  ['faceTrack', 'extra'],
  ['background'],
];

/** `value` as an object to mutate, or `undefined` when it is none. */
const asObject = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null ? (value as Json) : undefined);

function mutateManifest(m: Json, random: FuzzRandom): void {
  for (let n = random.between(1, 3); n > 0; n--) {
    const field = random.pick(meshFields);
    let parent: Json | undefined = m;
    for (const key of field.slice(0, -1)) parent = asObject(parent?.[key]);
    if (parent === undefined) continue;
    if (random.chance(0.15)) delete parent[field.at(-1)!];
    else parent[field.at(-1)!] = oddValue(random);
  }
}

/** Bit flips, truncation, extension, garbage, or floats made NaN / huge — the digest re-made or not. */
function mutateBytes(bytes: Uint8Array, random: FuzzRandom): Uint8Array {
  const kind = random.below(5);
  if (kind === 0) {
    const out = bytes.slice();
    for (let n = random.between(1, 8); n > 0; n--) {
      const at = random.below(out.length);
      out[at] = out[at]! ^ (1 << random.below(8));
    }
    return out;
  }
  if (kind === 1) return bytes.slice(0, random.below(bytes.length));
  if (kind === 2) {
    const out = new Uint8Array(bytes.length + random.between(1, 4096));
    out.set(bytes);
    return out;
  }
  if (kind === 3) return random.bytes(bytes.length);
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const poison = [Number.NaN, Number.POSITIVE_INFINITY, -1e30, 5e4, -5e4];
  for (let n = random.between(1, 4); n > 0; n--) {
    const at = random.below(Math.floor(out.length / 4)) * 4;
    view.setFloat32(at, random.pick(poison), true);
  }
  return out;
}

interface Outcome {
  valid: number;
  invalid: number;
}

describe(`template format 2 under fuzzing (seed ${fuzzSeed}, inputs ${fuzzFrom}…${fuzzFrom + runs - 1})`, () => {
  it('every mutated mesh manifest and mesh data file is a usable template or a TemplateInvalidError', async () => {
    const manifests: Outcome = { valid: 0, invalid: 0 };
    const files: Outcome = { valid: 0, invalid: 0 };
    let onDisk = 0;
    for (let index = fuzzFrom; index < fuzzFrom + runs; index++) {
      const random = fuzzRandom(inputSeed(fuzzSeed, index));
      const where = `input ${index} (replay: FUZZ_SEED=${fuzzSeed} FUZZ_FROM=${index} FUZZ_TEMPLATE_RUNS=1 pnpm test:fuzz)`;
      const frames = random.between(1, 12);
      const pointCount = random.pick([468, 478] as const);
      const encoded = encodeMeshTrack(meshValues(frames, pointCount, random), random.pick(['int16le', 'float32le'] as const));
      const manifest = manifestFor(frames, pointCount, encoded.data);
      const mutatesManifest = random.chance(0.5);
      if (mutatesManifest) mutateManifest(manifest, random);
      let bytes = encoded.bytes;
      if (!mutatesManifest || random.chance(0.3)) {
        bytes = mutateBytes(bytes, random);
        // Half the time the digest matches the damaged bytes, so the checks behind it are reached.
        const data = asObject(asObject(manifest.faceTrack)?.data);
        if (random.chance(0.5) && data !== undefined) data.sha256 = createHash('sha256').update(bytes).digest('hex');
      }

      let template: Template | undefined;
      try {
        template = parseTemplate(manifest);
        manifests.valid++;
      } catch (error) {
        expect(error, where).toBeInstanceOf(TemplateInvalidError);
        expect((error as TemplateInvalidError).message.length, where).toBeLessThan(600);
        manifests.invalid++;
      }
      if (template?.faceTrack.kind === 'mesh') {
        try {
          const track = decodeMeshTrack(template, bytes);
          assertMeshTrack(track, template.frameCount);
          files.valid++;
        } catch (error) {
          expect(error, where).toBeInstanceOf(TemplateInvalidError);
          expect((error as TemplateInvalidError).issues[0]!.path, where).toMatch(/^faceTrack\.data/);
          files.invalid++;
        }
      }

      if (index % 25 === 0) {
        // The same input as a folder on disk: loading refuses or succeeds, and writes nothing.
        onDisk++;
        const folder = path.join(workDir, String(index));
        mkdirSync(folder);
        writeFileSync(path.join(folder, 'template.json'), JSON.stringify(manifest));
        writeFileSync(path.join(folder, 'clip.mp4'), 'stand-in video: loading does not decode it');
        writeFileSync(path.join(folder, 'clip.mesh.bin'), bytes);
        const before = readdirSync(folder).sort();
        const loaded = await loadTemplateFile(path.join(folder, 'template.json')).catch((error: unknown) => {
          expect(error, where).toBeInstanceOf(TemplateInvalidError);
          return undefined;
        });
        if (loaded?.template.faceTrack.kind === 'mesh') expect(loaded.meshTrack?.frames, where).toHaveLength(loaded.template.frameCount);
        expect(readdirSync(folder).sort(), where).toEqual(before);
      }
    }
    process.stdout.write(
      `template fuzz seed ${fuzzSeed}: ${runs} inputs; manifests ${manifests.valid} valid / ${manifests.invalid} refused; ` +
        `mesh files ${files.valid} valid / ${files.invalid} refused; ${onDisk} loaded from disk\n`,
    );
    // Every outcome is reached, or the fuzzer is not testing what it claims.
    if (runs >= 200) {
      expect(manifests.valid).toBeGreaterThan(runs / 10);
      expect(manifests.invalid).toBeGreaterThan(runs / 10);
      expect(files.valid).toBeGreaterThan(runs / 100);
      expect(files.invalid).toBeGreaterThan(runs / 10);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
