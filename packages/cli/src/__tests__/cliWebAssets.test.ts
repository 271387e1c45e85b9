import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelManifest } from '@vopop/models';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryIo } from './memoryIo';
import { webAssetsCommand } from '../webAssetsCommand';

const models = vi.hoisted(() => ({ replaced: new Map<string, string>() }));

// Lets one test swap a model file for a tampered copy; every other test reads the real files.
vi.mock('@vopop/models/node', async (importOriginal) => {
  const real = await importOriginal<typeof import('@vopop/models/node')>();
  return { ...real, modelFilePath: (name: string) => models.replaced.get(name) ?? real.modelFilePath(name) };
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const folders: string[] = [];
function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'vopop-web-assets-'));
  folders.push(folder);
  return folder;
}

afterEach(() => {
  models.replaced.clear();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('vopop web-assets', () => {
  it('copies every pinned model and both wasm binaries, and lists each with its real size and SHA-256', async () => {
    const out = join(freshFolder(), 'public', 'vopop');
    const io = memoryIo();
    expect(await webAssetsCommand(['--out', out, '--json'], io)).toBe(0);
    expect(io.err).toBe('');

    expect(readdirSync(join(out, 'models')).sort()).toEqual(modelManifest.map((file) => file.name).sort());
    expect(readdirSync(join(out, 'tfjs')).sort()).toEqual(['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm']);
    for (const pinned of modelManifest) {
      expect(sha256(readFileSync(join(out, 'models', pinned.name)))).toBe(pinned.sha256);
    }
    const wasm = readFileSync(join(out, 'tfjs', 'tfjs-backend-wasm.wasm'));
    expect([...wasm.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]); // "\0asm"

    const list = JSON.parse(readFileSync(join(out, 'vopop-assets.json'), 'utf8')) as {
      files: { path: string; bytes: number; sha256: string }[];
    };
    expect(list.files).toHaveLength(modelManifest.length + 2);
    for (const file of list.files) {
      const bytes = readFileSync(join(out, file.path));
      expect({ bytes: bytes.byteLength, sha256: sha256(bytes) }).toEqual({ bytes: file.bytes, sha256: file.sha256 });
    }
    expect(JSON.parse(io.out)).toEqual({ out, files: list.files });
  });

  it('refuses a model file that does not match its pin, with exit 5 and MODEL_INTEGRITY, and writes no copy of it', async () => {
    const folder = freshFolder();
    const pinned = modelManifest.find((file) => file.part === 'weights')!;
    const { modelFilePath } = await vi.importActual<typeof import('@vopop/models/node')>('@vopop/models/node');
    const tampered = join(folder, pinned.name);
    copyFileSync(modelFilePath(pinned.name), tampered);
    const bytes = readFileSync(tampered);
    bytes[bytes.length >> 1]! ^= 0x01;
    writeFileSync(tampered, bytes);
    models.replaced.set(pinned.name, tampered);

    const out = join(folder, 'out');
    const io = memoryIo();
    expect(await webAssetsCommand(['-o', out, '--json'], io)).toBe(5);
    expect(JSON.parse(io.out).error.code).toBe('MODEL_INTEGRITY');
    expect(readdirSync(join(out, 'models'))).not.toContain(pinned.name);
    expect(readdirSync(out)).not.toContain('vopop-assets.json');
  });

  it('needs --out: usage error, exit 2, nothing written', async () => {
    const io = memoryIo();
    expect(await webAssetsCommand([], io)).toBe(2);
    expect(io.err).toContain('--out <dir> is required');
    expect(await webAssetsCommand(['--out', 'x', 'extra'], io)).toBe(2);
  });
});
