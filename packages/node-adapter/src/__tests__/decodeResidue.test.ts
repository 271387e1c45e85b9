/**
 * P3 for decoding: after a decode and its purge, the child's whole address space holds no
 * copy of the photo's pixels or of its file bytes. Each run is a fresh child process that the
 * parent scans through /proc/<pid>/mem; a control run that skips the purge must find the
 * patterns, or the scan proves nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EphemeralScope } from '@vopop/core';
import { NodeImageDecoder } from '../decode/nodeImageDecoder';
import { WasmImageDecoder } from '../decode/wasmImageDecoder';
import { scanProcessMemory } from './support/memoryScan';
import { pngChunk } from './support/pngChunk';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const src = path.resolve(here, '..');
const coreIndex = path.resolve(repoRoot, 'packages/core/src/index.ts');

let directory: string;
let child: string;

beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'vopop-residue-'));
  child = path.join(directory, 'decodeChild.ts');
  // The child holds the photo bytes and the decode in one scope, purges it (or not, for the
  // control), drops every reference, collects garbage, then waits to be scanned and killed.
  writeFileSync(
    child,
    `import { readFileSync } from 'node:fs';
     import { EphemeralScope } from ${JSON.stringify(coreIndex)};
     import { WasmImageDecoder } from ${JSON.stringify(path.join(src, 'decode/wasmImageDecoder.ts'))};
     import { NodeImageDecoder } from ${JSON.stringify(path.join(src, 'decode/nodeImageDecoder.ts'))};
     const [decoderName, purge, file] = process.argv.slice(2);
     const kept: unknown[] = [];
     async function main(): Promise<void> {
       const scope = new EphemeralScope({ label: 'residue' });
       // A view over readFileSync's own buffer: no second, unwiped copy of the file.
       const buffer = readFileSync(file!);
       const bytes = scope.hold(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), {
         kind: 'photo-bytes',
         label: 'photo.bytes',
       });
       const decoder = decoderName === 'wasm' ? new WasmImageDecoder() : new NodeImageDecoder();
       const image = await decoder.decode(bytes.value, scope);
       if (purge === 'purge') scope.purge();
       else kept.push(bytes, image, scope);
       for (let i = 0; i < 4; i++) {
         (globalThis as unknown as { gc(): void }).gc();
         await new Promise((done) => setTimeout(done, 10));
       }
       process.stdout.write('ready\\n');
       setInterval(() => kept.length, 1000);
     }
     main().catch((error: unknown) => {
       process.stderr.write(String(error instanceof Error ? error.stack : error));
       process.exit(1);
     });`,
  );
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

type Counts = Record<string, number>;

/** Run one decode in a child process and count each pattern's copies in its memory. */
async function residue(
  decoder: 'wasm' | 'sharp',
  purge: boolean,
  file: string,
  patterns: Record<string, Uint8Array>,
): Promise<Counts> {
  const proc = spawn(
    process.execPath,
    ['--expose-gc', '--conditions=@vopop/source', '--import', 'tsx', child, decoder, purge ? 'purge' : 'keep', file],
    { cwd: here, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.on('data', (data) => (stderr += String(data)));
  const exited = new Promise((done) => proc.once('exit', done));
  try {
    await new Promise<void>((ready, fail) => {
      proc.stdout.on('data', (data) => String(data).includes('ready') && ready());
      proc.once('exit', (code) => fail(new Error(`decode child exited (${code}) before it was ready: ${stderr}`)));
    });
    const { hits } = scanProcessMemory(proc.pid!, patterns);
    const counts: Counts = Object.fromEntries(Object.keys(patterns).map((name) => [name, 0]));
    for (const hit of hits) counts[hit.pattern] = (counts[hit.pattern] ?? 0) + 1;
    return counts;
  } finally {
    proc.kill('SIGKILL');
    await exited;
  }
}

/** A report for docs/decoding-privacy.md, written only when asked for. */
const report: Record<string, Counts> = {};
afterAll(() => {
  const target = process.env['VOPOP_RESIDUE_REPORT'];
  if (target) writeFileSync(target, JSON.stringify(report, null, 2));
});

function occurrences(haystack: Uint8Array, needle: Uint8Array): number {
  const hay = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
  let count = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) count++;
  return count;
}

function randomPattern(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(64));
}

function textChunk(text: Uint8Array): Buffer {
  return pngChunk('tEXt', Buffer.concat([Buffer.from('Comment\0', 'latin1'), text]));
}

describe('P3: decoding leaves no copy of the photo in process memory', () => {
  it('PNG: WasmImageDecoder leaves zero copies after purge; the control run finds them', async ({ annotate }) => {
    // Random pixels with a random 64-byte run planted, Sub-filtered so that the file's bytes
    // never contain the raw pixel run; a random printable run planted in a tEXt chunk.
    const png = new PNG({ width: 64, height: 64 });
    png.data.set(crypto.getRandomValues(new Uint8Array(64 * 64 * 4)));
    const pixelPattern = randomPattern();
    png.data.set(pixelPattern, (20 * 64 + 8) * 4);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const filePattern = Uint8Array.from(randomPattern(), (b) => alphabet.charCodeAt(b % alphabet.length));
    const encoded = PNG.sync.write(png, { filterType: 1 });
    // After the signature and IHDR (8 + 25 bytes).
    const bytes = Buffer.concat([encoded.subarray(0, 33), textChunk(filePattern), encoded.subarray(33)]);
    expect(occurrences(bytes, pixelPattern)).toBe(0);
    expect(occurrences(bytes, filePattern)).toBe(1);
    const file = path.join(directory, 'planted.png');
    writeFileSync(file, bytes);
    const patterns = { pixels: pixelPattern, file: filePattern };

    const control = await residue('wasm', false, file, patterns);
    expect(control.pixels).toBeGreaterThanOrEqual(1);
    expect(control.file).toBeGreaterThanOrEqual(1);
    const purged = await residue('wasm', true, file, patterns);
    expect(purged).toEqual({ pixels: 0, file: 0 });

    const sharp = await residue('sharp', true, file, patterns);
    report['png'] = { ...prefix('wasmControl', control), ...prefix('wasmPurged', purged), ...prefix('sharpPurged', sharp) };
    await annotate(`sharp after purge: ${sharp.pixels} pixel copies, ${sharp.file} file copies`);
  });

  /** The JPEG runs: the parent decodes once to learn a distinctive run of decoded RGBA. */
  async function jpegResidue(
    file: string,
    name: string,
    annotate: ((message: string) => Promise<unknown>) | undefined,
  ): Promise<void> {
    const bytes = new Uint8Array(readFileSync(file));
    const scope = new EphemeralScope();
    const image = await new WasmImageDecoder().decode(bytes, scope);
    const decoded = image.pixels.value;
    let pixelPattern: Uint8Array | undefined;
    for (let y = image.height >> 1; y < image.height && pixelPattern === undefined; y += 7) {
      const at = (y * image.width + (image.width >> 2)) * 4;
      const candidate = decoded.slice(at, at + 64);
      if (new Set(candidate).size > 24 && occurrences(decoded, candidate) === 1) pixelPattern = candidate;
    }
    expect(pixelPattern).toBeDefined();
    // Whether sharp (libjpeg-turbo) decodes this file to the same pixels, so its count compares.
    const sharpScope = new EphemeralScope();
    const sharpImage = await new NodeImageDecoder().decode(bytes, sharpScope);
    const sharpDecodesAlike = occurrences(sharpImage.pixels.value, pixelPattern!) === 1;
    sharpScope.purge();
    scope.purge();
    const filePattern = bytes.slice(bytes.byteLength >> 1, (bytes.byteLength >> 1) + 64);
    expect(occurrences(bytes, filePattern)).toBe(1);
    const patterns = { pixels: pixelPattern!, file: filePattern };

    const control = await residue('wasm', false, file, patterns);
    expect(control.pixels).toBeGreaterThanOrEqual(1);
    expect(control.file).toBeGreaterThanOrEqual(1);
    const purged = await residue('wasm', true, file, patterns);
    expect(purged).toEqual({ pixels: 0, file: 0 });

    report[name] = { ...prefix('wasmControl', control), ...prefix('wasmPurged', purged) };
    // The sharp comparison is reported, not asserted: libvips' freed buffers are out of reach.
    if (annotate === undefined) return;
    const sharp = await residue('sharp', true, file, patterns);
    report[name] = { ...report[name], ...prefix('sharpPurged', sharp) };
    await annotate(
      `sharp after purge: ${sharp.pixels} pixel copies${sharpDecodesAlike ? '' : ' (its pixels differ)'}, ${sharp.file} file copies`,
    );
  }

  it('JPEG: WasmImageDecoder leaves zero copies after purge; the control run finds them', async ({ annotate }) => {
    await jpegResidue(path.join(faces, 'portrait_small.jpg'), 'jpeg', annotate);
  });

  it('JPEG large enough to grow the wasm memory: still zero copies', async () => {
    // 2400×3200 RGBA is 30 MB, beyond the decoder's initial 16 MB heap, so the linear memory
    // grows during the decode: the wipe must cover the grown memory, and growth must not
    // leave the old pages behind.
    const file = path.join(directory, 'large.jpg');
    const sharpModule = (await import('sharp')).default;
    writeFileSync(file, await sharpModule(path.join(faces, 'portrait_small.jpg')).resize(2400, 3200).jpeg({ quality: 90 }).toBuffer());
    await jpegResidue(file, 'jpegLarge', undefined);
  });
});

function prefix(name: string, counts: Counts): Counts {
  return Object.fromEntries(Object.entries(counts).map(([key, value]) => [`${name}.${key}`, value]));
}
