/**
 * `vopop serve` as built (dist/cli.js), in real processes on loopback: `vopop generate --remote`
 * against it writes a video ffprobe decodes and prints a verified deletion receipt; a wrong API
 * key is the CLI's render exit code; Ctrl-C (SIGINT to the process group, as a terminal sends it)
 * stops it with exit 0 and leaves no temp directory; a taken port is exit 11.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../exitCodes';
import { facesDir } from '../../../../fixtures/faces/facesDir';

const cli = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const apiKey = 'serve-test-key-0123456789';
const work = mkdtempSync(join(tmpdir(), 'vopop-serve-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh, empty folder for one process's TMPDIR, so that what it leaves there can be seen. */
function freshTmp(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  return dir;
}

interface Listening {
  readonly event: 'listening';
  readonly url: string;
  readonly keyId: string;
  readonly receiptKeyFile: string;
}

/** Start `vopop serve --json` in its own process group; resolves with its `listening` line. */
function startServe(args: readonly string[], tmp: string): { child: ChildProcess; listening: Promise<Listening>; exited: Promise<number | null>; stdout: () => string } {
  const child = spawn(process.execPath, [cli, 'serve', '--json', ...args], {
    detached: true,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const listening = new Promise<Listening>((done, fail) => {
    child.stdout!.on('data', (data: Buffer) => {
      stdout += String(data);
      const line = stdout.split('\n').find((l) => l.includes('"event":"listening"'));
      if (line) done(JSON.parse(line) as Listening);
    });
    child.stderr!.on('data', (data: Buffer) => (stderr += String(data)));
    void exited.then((code) => fail(new Error(`vopop serve exited (${code}) before listening: ${stdout}${stderr}`)));
  });
  return { child, listening, exited, stdout: () => stdout };
}

/** Run the built CLI to the end. */
function runCli(args: readonly string[], tmp: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, TMPDIR: tmp }, timeout: 300_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('run `pnpm build` first: this test runs dist/cli.js');
});

describe('vopop generate --remote against vopop serve (built, loopback)', () => {
  let serve: ReturnType<typeof startServe>;
  let listening: Listening;
  let serveTmp: string;

  beforeAll(async () => {
    serveTmp = freshTmp('serve-tmp');
    serve = startServe(['--port', '0', '--api-key', apiKey, '--public-key-out', join(work, 'pin', 'keys.json')], serveTmp);
    listening = await serve.listening;
  }, 120_000);

  afterAll(() => {
    // Only if a test failed before the SIGINT one: never leave a server behind.
    if (serve.child.exitCode === null && serve.child.signalCode === null) process.kill(-serve.child.pid!, 'SIGKILL');
  });

  it('listens on loopback and writes the JWK Set a client pins', () => {
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const pinned = JSON.parse(readFileSync(listening.receiptKeyFile, 'utf8')) as { keys: { kid: string; kty: string; d?: string }[] };
    expect(pinned.keys).toHaveLength(1);
    expect(pinned.keys[0]).toMatchObject({ kid: listening.keyId, kty: 'OKP' });
    expect(pinned.keys[0]!.d).toBeUndefined();
  });

  it('writes a video ffprobe decodes as H.264, with a verified receipt for the crop it sent', async () => {
    const output = join(work, 'out', 'remote.mp4');
    const client = await runCli(
      ['generate', join(facesDir, 'portrait.jpg'), '--consent', '--remote', listening.url, '--api-key', apiKey, '--receipt-key', listening.receiptKeyFile, '--json', '-o', output],
      freshTmp('client-tmp'),
    );
    expect(client.code, client.stdout + client.stderr).toBe(exitCodes.ok);
    const result = JSON.parse(client.stdout) as {
      output: string;
      purge: { failed: number };
      deletionReceipt: { keyId: string; outcome: string; input: { sha256: string; bytes: number } };
    };
    expect(result.output).toBe(output);
    expect(result.purge.failed).toBe(0);
    // The CLI prints a receipt only after checking its signature against the pinned key.
    expect(result.deletionReceipt).toMatchObject({ keyId: listening.keyId, outcome: 'rendered' });
    expect(result.deletionReceipt.input.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.deletionReceipt.input.bytes).toBeGreaterThan(0);
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,nb_read_frames', '-of', 'json', output]).toString(),
    ) as { streams: { codec_name: string; nb_read_frames: string }[] };
    expect(probe.streams[0]!.codec_name).toBe('h264');
    expect(Number(probe.streams[0]!.nb_read_frames)).toBeGreaterThan(0);
  });

  it('a wrong API key: the render exit code, RENDER_SERVICE, no video', async () => {
    const output = join(work, 'out', 'refused.mp4');
    const client = await runCli(
      ['generate', join(facesDir, 'portrait.jpg'), '--consent', '--remote', listening.url, '--api-key', 'not-the-key-0123456789', '--receipt-key', listening.receiptKeyFile, '--json', '-o', output],
      freshTmp('refused-tmp'),
    );
    expect(client.code).toBe(exitCodes.render);
    expect(JSON.parse(client.stdout)).toMatchObject({ error: { code: 'RENDER_SERVICE' } });
    expect(existsSync(output)).toBe(false);
  });

  it('Ctrl-C (SIGINT to its process group): exit 0, a stopped line, no temp directory left', async () => {
    expect(readdirSync(serveTmp).length).toBeGreaterThan(0); // the platform's temp store while it runs
    process.kill(-serve.child.pid!, 'SIGINT');
    expect(await serve.exited).toBe(exitCodes.ok);
    expect(serve.stdout()).toContain('"event":"stopped","signal":"SIGINT"');
    expect(readdirSync(serveTmp)).toEqual([]);
  });
});

describe('vopop serve refusals (built)', () => {
  it('a port that is taken: exit 11, SERVER_LISTEN, nothing written, nothing left in its TMPDIR', async () => {
    const occupant = createServer();
    await new Promise<void>((done) => occupant.listen(0, '127.0.0.1', done));
    try {
      const port = (occupant.address() as AddressInfo).port;
      const tmp = freshTmp('taken-tmp');
      const keyFile = join(work, 'taken-keys.json');
      const run = await runCli(['serve', '--port', String(port), '--api-key', apiKey, '--public-key-out', keyFile, '--json'], tmp);
      expect(run.code).toBe(exitCodes.server);
      expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'SERVER_LISTEN' } });
      expect(JSON.parse(run.stdout).error.message).toContain(`127.0.0.1:${port} is already in use`);
      expect(existsSync(keyFile)).toBe(false);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      await new Promise<void>((done) => occupant.close(() => done()));
    }
  });
});

describe('vopop serve and a SIGTERM to its first process alone (as a container runtime stops it)', () => {
  it('passes it on: the worker stops cleanly, exit 0, a stopped line, no process and no temp directory left', async () => {
    const tmp = freshTmp('term-tmp');
    const serve = startServe(['--port', '0', '--api-key', apiKey], tmp);
    await serve.listening;
    process.kill(serve.child.pid!, 'SIGTERM');
    expect(await serve.exited).toBe(exitCodes.ok);
    expect(serve.stdout()).toContain('"event":"stopped","signal":"SIGTERM"');
    expect(readdirSync(tmp)).toEqual([]);
    // The worker re-started by bin.ts shares the group: none of it is still running.
    expect(() => process.kill(-serve.child.pid!, 0)).toThrow(/ESRCH/);
  });
});
