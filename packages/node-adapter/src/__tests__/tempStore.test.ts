import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EphemeralScope, PurgedError, TempStoreUnsafeError } from '@vopop/core';
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

  it('refuses a directory other users can read, with a typed error', () => {
    const shared = mkdtempSync(join(tmpdir(), 'vopop-shared-'));
    try {
      chmodSync(shared, 0o755);
      expect(() => new NodeTempStore({ directory: shared })).toThrow(
        expect.objectContaining({ code: 'TEMP_STORE_UNSAFE', problem: 'wrong-mode' }),
      );
      expect(statSync(shared).mode & 0o777).toBe(0o755);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('removes its directory when empty, and keeps it while a file is in it', () => {
    const store = new NodeTempStore({ directory });
    const file = store.write(new EphemeralScope(), 'live', new Uint8Array([1]));
    expect(store.removeIfEmpty()).toBe(false);
    file.purge();
    expect(store.removeIfEmpty()).toBe(true);
    expect(existsSync(directory)).toBe(false);
    // A later write makes it again, private.
    const again = store.write(new EphemeralScope(), 'again', new Uint8Array([2]));
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    again.purge();
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

  it('a sweep of a folder another process has just removed finds nothing to sweep (no raw ENOENT)', () => {
    const store = new NodeTempStore({ directory });
    // What another process's `removeIfEmpty` does between this store's creation and its sweep.
    expect(store.removeIfEmpty()).toBe(true);
    expect(existsSync(directory)).toBe(false);
    expect(store.sweep()).toBe(0);
  });
});

/**
 * Issue 17 item 1: a local user plants the store's directory, or names in it, to make a sweep
 * or a purge (run as root) overwrite a file elsewhere. Each case must give the typed error or
 * be skipped, and the victim must keep its bytes.
 */
describe.runIf(process.getuid?.() === 0)('NodeTempStore against a planted directory (run as root, as CI is)', () => {
  const nobody = 65534;
  const victimBytes = Buffer.from('root-owned secret that must keep its bytes\n');
  let victim: string;

  beforeEach(() => {
    victim = join(dirname(directory), 'victim.conf');
    writeFileSync(victim, victimBytes, { mode: 0o600 });
  });

  /** A name the sweep would take for the file of a dead process. */
  function deadProcessName(): string {
    const { pid } = spawnSync(process.execPath, ['-e', '']);
    return `${pid}-0123456789abcdef.tmp`;
  }

  const victimIntact = () => expect(readFileSync(victim).equals(victimBytes), 'the victim keeps its bytes').toBe(true);

  it('refuses a directory owned by another user, and touches nothing in it', () => {
    mkdirSync(directory, { mode: 0o700 });
    const planted = join(directory, deadProcessName());
    symlinkSync(victim, planted);
    chownSync(directory, nobody, nobody);
    expect(() => new NodeTempStore({ directory })).toThrow(
      expect.objectContaining({ code: 'TEMP_STORE_UNSAFE', problem: 'wrong-owner' }),
    );
    expect(() => new NodeTempStore({ directory })).toThrow(TempStoreUnsafeError);
    victimIntact();
    expect(lstatSync(planted).isSymbolicLink()).toBe(true);
    expect(statSync(directory).uid).toBe(nobody);
  });

  it('refuses a pre-made directory with mode 755, with a typed error rather than a crash', () => {
    mkdirSync(directory, { mode: 0o755 });
    chmodSync(directory, 0o755);
    expect(() => new NodeTempStore({ directory })).toThrow(TempStoreUnsafeError);
    expect(statSync(directory).mode & 0o777).toBe(0o755);
  });

  it('refuses a plain file in place of the directory, and leaves the file as it was', () => {
    writeFileSync(directory, victimBytes);
    expect(() => new NodeTempStore({ directory })).toThrow(
      expect.objectContaining({ code: 'TEMP_STORE_UNSAFE', problem: 'not-a-directory' }),
    );
    expect(readFileSync(directory).equals(victimBytes)).toBe(true);
  });

  it('refuses a symbolic link in place of the directory, and changes nothing where it points', () => {
    const elsewhere = join(dirname(directory), 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o755 });
    chmodSync(elsewhere, 0o755);
    symlinkSync(victim, join(elsewhere, deadProcessName()));
    symlinkSync(elsewhere, directory);
    expect(() => new NodeTempStore({ directory })).toThrow(
      expect.objectContaining({ code: 'TEMP_STORE_UNSAFE', problem: 'symlink' }),
    );
    expect(statSync(elsewhere).mode & 0o777).toBe(0o755);
    victimIntact();
  });

  it('sweeps only regular single-named files: a symlink, a FIFO and a hard link under a matching name are skipped', () => {
    const store = new NodeTempStore({ directory });
    const link = join(directory, deadProcessName());
    symlinkSync(victim, link);
    const fifo = join(directory, deadProcessName());
    execFileSync('mkfifo', [fifo]);
    const hardLink = join(directory, deadProcessName());
    linkSync(victim, hardLink);
    const leftover = join(directory, deadProcessName());
    writeFileSync(leftover, new Uint8Array(64).fill(9), { mode: 0o600 });

    // Only the real leftover counts; the sweep returns (no hang on the FIFO).
    expect(store.sweep()).toBe(1);
    expect(existsSync(leftover)).toBe(false);
    victimIntact();
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(statSync(victim).nlink).toBe(2);
  });

  it('a purge whose file was swapped for a symlink leaves the target alone and reports the wipe unverified', () => {
    const store = new NodeTempStore({ directory });
    const scope = new EphemeralScope();
    const file = store.write(scope, 'swapped', new Uint8Array(32).fill(5));
    unlinkSync(file.value.path);
    symlinkSync(victim, file.value.path);
    const receipt = scope.purge();
    victimIntact();
    expect(receipt.records[0]).toMatchObject({ kind: 'temp-file', verified: false });
  });

  it('control: a wipe that follows links, as the old sweep did, does zero the victim (the check above can fail)', () => {
    mkdirSync(directory, { mode: 0o700 });
    const planted = join(directory, deadProcessName());
    symlinkSync(victim, planted);
    // The old sweep: `stat` (follows the link) for the size, then `open(path, 'r+')` and zeros.
    const fd = openSync(planted, 'r+');
    try {
      writeFileSync(fd, new Uint8Array(statSync(planted).size));
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(victim).equals(victimBytes)).toBe(false);
    expect(readFileSync(victim).every((b) => b === 0)).toBe(true);
  });
});
