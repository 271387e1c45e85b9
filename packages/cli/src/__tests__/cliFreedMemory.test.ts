/**
 * The built `vopop` runs its work in a process started with glibc's `malloc.perturb`, so native
 * libraries' freed blocks (the encoder's video packets) are overwritten (see `packages/cli/src/bin.ts`). These
 * tests look at the real process tree: the worker's environment, and exit statuses passed through.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../exitCodes';
import { facesDir } from '../../../../fixtures/faces/facesDir';

const cli = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'vopop-perturb-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Run the built CLI; report its exit status and the environment of the worker it started, if any. */
async function runCli(args: string[], tunables: string | undefined): Promise<{ code: number | null; workerEnv: string[] | undefined }> {
  const env = { ...process.env };
  if (tunables === undefined) delete env.GLIBC_TUNABLES;
  else env.GLIBC_TUNABLES = tunables;
  const run = spawn(process.execPath, [cli, ...args], { env, stdio: 'ignore' });
  const exited = new Promise<number | null>((done) => run.once('exit', done));
  let workerEnv: string | undefined;
  let finished = false;
  void exited.then(() => (finished = true));
  // Poll until the worker has run for a while (it lives for seconds: decoding, detection, 90
  // frames). Read too early, between fork and exec, /proc shows the parent's environment.
  let seenAt: number | undefined;
  while (workerEnv === undefined && !finished) {
    const [worker] = childrenOf(run.pid!);
    if (worker !== undefined) {
      seenAt ??= Date.now();
      if (Date.now() - seenAt > 300) {
        try {
          workerEnv = readFileSync(`/proc/${worker}/environ`, 'utf8');
        } catch {
          // Gone between listing and reading: try again.
        }
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { code: await exited, workerEnv: workerEnv?.split('\0') };
}

const generateArgs = (name: string) => ['generate', join(facesDir, 'astronaut.png'), '--consent', '-o', join(work, name)];

describe('vopop re-runs itself with freed memory overwritten', () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error('run `pnpm build` first: this test runs dist/cli.js');
  });

  it('the process doing the work has glibc.malloc.perturb set, and its output is the result', async () => {
    const { code, workerEnv } = await runCli(generateArgs('plain.mp4'), undefined);
    expect(code).toBe(exitCodes.ok);
    expect(workerEnv).toContain('GLIBC_TUNABLES=glibc.malloc.perturb=165');
    expect(existsSync(join(work, 'plain.mp4'))).toBe(true);
  });

  it('puts its tunable first when the user set others', async () => {
    const { code, workerEnv } = await runCli(generateArgs('kept.mp4'), 'glibc.malloc.tcache_count=7');
    expect(code).toBe(exitCodes.ok);
    // glibc parses the variable in place, splitting it at ':', so /proc shows the first entry only.
    expect(workerEnv?.find((entry) => entry.startsWith('GLIBC_TUNABLES='))).toMatch(/^GLIBC_TUNABLES=glibc\.malloc\.perturb=165\b/);
  });

  it('does not start itself again when the tunable is already set', async () => {
    const { code, workerEnv } = await runCli(generateArgs('once.mp4'), 'glibc.malloc.perturb=7');
    expect(code).toBe(exitCodes.ok);
    expect(workerEnv).toBeUndefined();
  });

  it('passes the worker’s exit status through (usage error 2, missing photo 3)', async () => {
    expect((await runCli(['no-such-command'], undefined)).code).toBe(exitCodes.usage);
    expect((await runCli(['generate', join(work, 'missing.jpg'), '--consent'], undefined)).code).toBe(exitCodes.input);
  });
});

describe('the worker does not outlive vopop', () => {
  it('killing the vopop process (SIGKILL) stops its worker: no video written, the worker gone', async () => {
    const env = { ...process.env };
    delete env.GLIBC_TUNABLES;
    const output = join(work, 'orphan.mp4');
    const run = spawn(process.execPath, [cli, ...generateArgs('orphan.mp4')], { env, stdio: 'ignore' });
    let worker: number | undefined;
    while (worker === undefined) {
      [worker] = childrenOf(run.pid!);
      await new Promise((r) => setTimeout(r, 10));
    }
    // Let it get into the work (decoding, detection), then kill only the top process.
    await new Promise((r) => setTimeout(r, 400));
    run.kill('SIGKILL');
    const alive = () => {
      try {
        return !readFileSync(`/proc/${worker}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 20_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
    expect(existsSync(output)).toBe(false);
  });
});
