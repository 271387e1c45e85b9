/**
 * `vopop template mesh <manifest> [--json]` on format-2 templates written to disk: the JSON has
 * one entry per frame of pointCount × 3 numbers, and templates without a usable mesh track are
 * typed errors (exit 6).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInTemplates, encodeMeshTrack } from '@vopop/core';
import { memoryIo } from './memoryIo';
import { templateCommand } from '../templateBuildCommand';

const imageLeftEye = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173];
const imageRightEye = [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398];
const root = mkdtempSync(join(tmpdir(), 'vopop-cli-mesh-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Mesh values whose x is 100 + point index / 10 + frame, y 200 + frame, z −point / 100; eyes apart. */
function meshValues(frames: number, pointCount: number): Float32Array {
  const values = new Float32Array(frames * pointCount * 3);
  for (let f = 0; f < frames; f++) {
    for (let p = 0; p < pointCount; p++) values.set([100 + p / 10 + f, 200 + f, -p / 100], (f * pointCount + p) * 3);
    for (const p of imageLeftEye) values[(f * pointCount + p) * 3] = 80 + f;
    for (const p of imageRightEye) values[(f * pointCount + p) * 3] = 180 + f;
  }
  return values;
}

/** A template folder with a format-2 manifest, a stand-in video and mesh data; returns the manifest. */
function meshTemplate(name: string, frames: number, pointCount: 468 | 478, damage = false): string {
  const folder = join(root, name);
  mkdirSync(folder);
  const { bytes, data } = encodeMeshTrack(meshValues(frames, pointCount), 'float32le');
  if (damage) bytes[40] = bytes[40]! ^ 1;
  writeFileSync(join(folder, 'clip.mesh.bin'), bytes);
  writeFileSync(join(folder, 'clip.mp4'), 'not decoded by template mesh');
  const manifest = {
    ...structuredClone(builtInTemplates[0]!),
    version: 2,
    width: 320,
    height: 480,
    frameCount: frames,
    background: { kind: 'video', path: 'clip.mp4' },
    faceTrack: { kind: 'mesh', pointCount, neutralFrame: 1, data: { path: 'clip.mesh.bin', ...data }, regions: { mouth: 'frame', eyes: 'frame' } },
  };
  writeFileSync(join(folder, 'template.json'), JSON.stringify(manifest));
  return join(folder, 'template.json');
}

describe('vopop template mesh', () => {
  it('--json prints {"frames": [...]} with one array of pointCount × 3 numbers per frame', async () => {
    for (const [frames, pointCount] of [[7, 478], [3, 468]] as const) {
      const io = memoryIo();
      expect(await templateCommand(['mesh', meshTemplate(`ok-${pointCount}`, frames, pointCount), '--json'], io)).toBe(0);
      expect(io.err).toBe('');
      const printed = JSON.parse(io.out) as { frames: number[][] };
      expect(Object.keys(printed)).toEqual(['frames']);
      expect(printed.frames).toHaveLength(frames);
      for (const frame of printed.frames) expect(frame).toHaveLength(pointCount * 3);
      // Frame 2, point 5: x, y, z as written (float32le is exact for these values up to float rounding).
      expect(printed.frames[2]!.slice(15, 18)).toEqual([100 + 0.5 + 2, 202, Math.fround(-0.05)]);
    }
  });

  it('prints a summary without --json', async () => {
    const io = memoryIo();
    expect(await templateCommand(['mesh', meshTemplate('summary', 4, 478)], io)).toBe(0);
    expect(io.out).toContain('4 frames of 478 points (x, y, z in frame pixels); neutral frame 1');
    expect(io.out).toContain('clip.mesh.bin (float32le), SHA-256 checked');
  });

  it('a template without a mesh track, or with a damaged mesh file, is TEMPLATE_INVALID (exit 6)', async () => {
    const v1 = join(root, 'v1.json');
    writeFileSync(v1, JSON.stringify(builtInTemplates[0]));
    const io = memoryIo();
    expect(await templateCommand(['mesh', v1, '--json'], io)).toBe(6);
    expect(JSON.parse(io.out)).toMatchObject({ error: { code: 'TEMPLATE_INVALID', message: expect.stringContaining("'keyframes' face track, not a 'mesh' one") } });
    const damaged = memoryIo();
    expect(await templateCommand(['mesh', meshTemplate('damaged', 5, 478, true), '--json'], damaged)).toBe(6);
    expect(JSON.parse(damaged.out)).toMatchObject({ error: { code: 'TEMPLATE_INVALID', message: expect.stringContaining('faceTrack.data.sha256') } });
  });

  it('usage errors exit 2', async () => {
    const io = memoryIo();
    expect(await templateCommand(['mesh'], io)).toBe(2);
    expect(io.err).toContain('Usage: vopop template mesh');
  });
});
