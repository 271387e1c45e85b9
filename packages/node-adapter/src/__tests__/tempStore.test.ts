import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EphemeralScope, PurgedError } from '@vopop/core';
import { NodeTempStore } from '../tempStore/nodeTempStore';

const here = dirname(fileURLToPath(import.meta.url));
let directory: string;

beforeEach(() => {
  directory = join(mkdtempSync(join(tmpdir(), 'vopop-test-')), 'store');
});
afterEach(() => rmSync(dirname(directory), { recursive: true, force: true }));

describe('NodeTempStore (P6)', () => {
  it('writes private files and wipes them at purge', () => {
    const store = new NodeTempStore({ directory });
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    const scope = new EphemeralScope({ label: 'generation' });
    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i % 200) + 1);
    const file = store.write(scope, 'encoded.video', bytes);
    const { path } = file.value;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path).equals(Buffer.from(bytes))).toBe(true);

    const receipt = scope.purge();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(directory)).toEqual([]);
    expect(receipt.records[0]).toMatchObject({
      kind: 'temp-file',
      bytes: 3000,
      method: 'zero-overwrite+unlink',
      verified: true,
    });
  });

  it('refuses to write into a purged scope and leaves no file', () => {
    const store = new NodeTempStore({ directory });
    const scope = new EphemeralScope();
    scope.purge();
    expect(() => store.write(scope, 'late', new Uint8Array(4))).toThrow(PurgedError);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('refuses a directory other users can read', () => {
    const shared = mkdtempSync(join(tmpdir(), 'vopop-shared-'));
    try {
      chmodSync(shared, 0o755);
      expect(() => new NodeTempStore({ directory: shared })).toThrow(/readable by other users/);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('sweeps files left by a killed process, and only those', async () => {
    const store = new NodeTempStore({ directory });
    const mine = store.write(new EphemeralScope(), 'live', new Uint8Array([1, 2, 3]));

    // A real second process writes a temp file and is killed before it can purge.
    const victim = spawn(
      process.execPath,
      ['--conditions=@vopop/source', '--import', 'tsx', join(here, 'support', 'tempStoreVictim.ts'), directory],
      { cwd: here, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    victim.stderr.on('data', (d) => (stderr += String(d)));
    const victimPath = await new Promise<string>((done, fail) => {
      victim.stdout.once('data', (d) => done(String(d).trim()));
      victim.once('exit', (code) => fail(new Error(`victim exited ${code} before writing: ${stderr.slice(-1000)}`)));
    });
    expect(existsSync(victimPath)).toBe(true);
    victim.kill('SIGKILL');
    await new Promise((done) => victim.once('exit', done));

    expect(new NodeTempStore({ directory }).sweep()).toBe(1);
    expect(existsSync(victimPath)).toBe(false);
    expect(existsSync(mine.value.path)).toBe(true);
    mine.purge();
  });
});
