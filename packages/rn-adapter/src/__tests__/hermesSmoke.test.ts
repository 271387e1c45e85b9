import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiptSigner } from '@vopop/render-server';
import { bundleForHermes } from './hermes/bundleForHermes';
import { fixedReceiptClaims, fixedReceiptJws, fixedReceiptPublicKey, fixedReceiptTestKey } from './hermes/fixedReceipt';

const require = createRequire(import.meta.url);
const hermes = join(dirname(require.resolve('hermes-engine-cli/package.json')), 'linux64-bin/hermes');
const hermesc = join(dirname(require.resolve('hermes-compiler/package.json')), 'hermesc/linux64-bin/hermesc');
const supported = process.platform === 'linux' && process.arch === 'x64';

let workDir: string;
let script: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'vopop-hermes-'));
  script = join(workDir, 'hermesSmoke.js');
  writeFileSync(script, await bundleForHermes(join(import.meta.dirname, 'hermes/hermesSmoke.entry.ts'), join(import.meta.dirname, 'hermes/hermesGlobals.ts')));
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe.runIf(supported)('core on Hermes', () => {
  it('runs scopes, receipts, consent, alignment and the remote client under the hermes 0.12 VM', () => {
    const run = spawnSync(hermes, [script], { encoding: 'utf8', timeout: 120_000 });
    const out = `${run.stdout}${run.stderr}`;
    expect(out).toContain('HERMES SMOKE OK');
    const results = JSON.parse(run.stdout.split('\n').find((line) => line.startsWith('{'))!) as Record<string, unknown>;
    // The VM really lacks what core must do without, and core degraded instead of failing.
    expect(results.vm).toEqual({ symbolDispose: 'undefined', weakRef: 'undefined', finalizationRegistry: 'undefined', webAssembly: 'undefined' });
    expect(results.symbolDisposeAfterCore).toBe('symbol');
    expect(results.leakDetectorSupported).toBe(false);
    expect(results.remote).toMatchObject({ code: 'RENDER_SERVICE' });
    // Receipts on a VM without WebCrypto: the pure-JS port verifies, and refuses edits.
    expect(results.receipt).toEqual({
      genuine: 'hermes-smoke-0001',
      editedClaims: 'signature',
      editedSignature: 'signature',
      sha256abc: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      withoutPort: 'INVALID_ARGUMENT',
    });
  });

  it('the fixed receipt is what the reference render server signs (Ed25519 is deterministic)', async () => {
    const signer = await createReceiptSigner({ ...fixedReceiptTestKey });
    expect(signer.publicKey).toEqual(fixedReceiptPublicKey);
    expect(await signer.sign(structuredClone(fixedReceiptClaims) as never)).toBe(fixedReceiptJws);
  });

  it('the same bundle compiles to Hermes bytecode with hermesc from hermes-compiler', () => {
    const out = join(workDir, 'hermesSmoke.hbc');
    const compile = spawnSync(hermesc, ['-emit-binary', '-O', '-out', out, script], { encoding: 'utf8', timeout: 120_000 });
    expect(compile.stderr).not.toMatch(/error:/);
    expect(compile.status).toBe(0);
    // Hermes bytecode files start with the magic number 0x1F1903C103BC1FC6 (little-endian).
    expect(readFileSync(out).subarray(0, 8).toString('hex')).toBe('c61fbc03c103191f');
  });
});
