/**
 * P3, memory forensics: after a generation and its purge, no copy of the photo's file bytes or
 * of its pixels is left anywhere in the process's memory. A child process generates from a PNG
 * that carries a random pattern in its pixels and another in its file bytes; the parent then
 * reads the child's whole address space (/proc/<pid>/maps + /proc/<pid>/mem) and counts copies.
 * The control run, whose wipers do nothing, must find them, or the scan proves nothing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanProcessMemory } from './support/memoryScan';
import { pngChunk } from './support/pngChunk';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vopop-p3-'));
const photoPath = join(work, 'planted.png');
let patterns: Record<string, Uint8Array>;

beforeAll(async () => {
  const { data, info } = await sharp(join(faces, 'astronaut.png')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  // 16 opaque pixels of noise on one row of the forehead: decoded RGBA holds these 64 bytes.
  const pixels = randomBytes(64);
  for (let i = 3; i < 64; i += 4) pixels[i] = 255;
  pixels.copy(data, (150 * info.width + 240) * 4);
  const rgb = Buffer.alloc(48);
  for (let i = 0; i < 16; i++) pixels.copy(rgb, i * 3, i * 4, i * 4 + 3);
  // A private ancillary chunk ('vpPt'): decoders skip it, the file bytes keep it.
  const fileBytes = randomBytes(48);
  const png = await sharp(data, { raw: info }).png().toBuffer();
  writeFileSync(photoPath, Buffer.concat([png.subarray(0, 33), pngChunk('vpPt', fileBytes), png.subarray(33)]));
  patterns = { 'pixels (RGBA)': pixels, 'pixels (RGB)': rgb, 'file bytes': fileBytes };
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function scanAfterGeneration(mode: 'purge' | 'control', decoder = 'default') {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--conditions=@vopop/source', '--import', 'tsx', join(here, 'forensics', 'generateChild.ts'), photoPath, mode, decoder],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  try {
    const line = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += String(d);
        if (out.includes('\n')) done(out);
      });
      child.once('exit', (code) => fail(new Error(`child exited ${code}: ${stderr.slice(-2000)}`)));
    });
    expect(JSON.parse(line)).toMatchObject({ ready: true });
    const scan = scanProcessMemory(child.pid!, patterns);
    const counts = Object.fromEntries(Object.keys(patterns).map((name) => [name, scan.hits.filter((h) => h.pattern === name).length]));
    return { counts, bytesScanned: scan.bytesScanned };
  } finally {
    child.stdin.write('done\n');
    child.kill();
  }
}

describe('memory forensics after a generation (P3)', () => {
  it('the control run without wiping leaves copies that the scan finds', async () => {
    const { counts, bytesScanned } = await scanAfterGeneration('control');
    expect(bytesScanned).toBeGreaterThan(50 * 2 ** 20);
    expect(counts['pixels (RGBA)']).toBeGreaterThan(0);
    expect(counts['file bytes']).toBeGreaterThan(0);
  }, 180_000);

  it('after the purge, no copy of the pixels or the file bytes is left', async () => {
    const { counts } = await scanAfterGeneration('purge');
    expect(counts).toEqual({ 'pixels (RGBA)': 0, 'pixels (RGB)': 0, 'file bytes': 0 });
  }, 180_000);
});
