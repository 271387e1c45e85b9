/**
 * `vopop generate` as a user runs it: the whole job in a child process with every network route
 * blocked (P4), its output checked by ffprobe; and each error family with its exit code and
 * `--json` shape, run in-process.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../cliIo';
import { generateCommand } from '../generateCommand';
import { exitCodes } from '../exitCodes';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');
const work = mkdtempSync(join(tmpdir(), 'vopop-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function captureIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTTY: false } as CliIo & { out: string; err: string };
  Object.assign(io, {
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  });
  return io;
}

describe('vopop generate', () => {
  it('makes a playable video with every network route blocked (P4)', async () => {
    const log = join(work, 'net.log');
    writeFileSync(log, '');
    const output = join(work, 'out.mp4');
    const { stdout } = await run(
      process.execPath,
      [
        '--conditions=@vopop/source',
        '--import',
        join(here, '..', '..', '..', 'node-adapter', 'src', '__tests__', 'detectOffline', 'blockNetwork.mjs'),
        '--import',
        'tsx',
        join(here, '..', 'main.ts'),
        'generate',
        join(faces, 'astronaut.png'),
        '--consent',
        '--json',
        '-o',
        output,
      ],
      { cwd: repoRoot, env: { ...process.env, VOPOP_NET_LOG: log }, timeout: 300_000 },
    );
    const result = JSON.parse(stdout.trim()) as Record<string, unknown>;
    expect(result).toMatchObject({ output, codec: 'avc', container: 'mp4', width: 720, height: 1280, frames: 90 });
    expect((result.purge as { failed: number; moved: number }).failed).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('');

    const { stdout: probe } = await run('ffprobe', [
      '-v', 'error', '-count_frames', '-select_streams', 'v:0',
      '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', output,
    ]);
    expect(JSON.parse(probe).streams[0]).toMatchObject({ codec_name: 'h264', width: 720, height: 1280, nb_read_frames: '90' });
  }, 300_000);

  const photo = (name: string) => join(faces, name);
  it.each([
    ['no consent', [photo('astronaut.png')], exitCodes.consent, 'CONSENT_REQUIRED'],
    ['no face', [photo('pose_small_face.jpg'), '--consent'], exitCodes.face, 'NO_FACE'],
    ['several faces under reject', [photo('three_people.jpg'), '--consent', '--multiple', 'reject'], exitCodes.face, 'MULTIPLE_FACES'],
    ['an unknown template', [photo('astronaut.png'), '--consent', '--template', 'nope'], exitCodes.template, 'TEMPLATE_INVALID'],
    ['a bad --multiple value', [photo('astronaut.png'), '--consent', '--multiple', 'all'], exitCodes.usage, 'USAGE'],
  ])('reports %s as one JSON error with its exit code', async (_name, args, code, errorCode) => {
    const io = captureIo();
    const exit = await generateCommand([...args, '--json'], io);
    expect(exit).toBe(code);
    expect(JSON.parse(io.out.trim())).toEqual({ error: { code: errorCode, message: expect.any(String) } });
    expect(io.err).toBe('');
  }, 120_000);

  it('reports a photo that is not an image, and writes no output', async () => {
    const fake = join(work, 'notes.jpg');
    writeFileSync(fake, 'this is a text file, not a photo');
    const output = join(work, 'never.mp4');
    const io = captureIo();
    expect(await generateCommand([fake, '--consent', '-o', output], io)).toBe(exitCodes.input);
    expect(io.err).toMatch(/^vopop generate: /);
    expect(existsSync(output)).toBe(false);
  }, 120_000);
});
