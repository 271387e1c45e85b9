/**
 * The CLI's input side against what an attacker or a careless user hands it (issue 17, items 5,
 * 8, 9): a photo that is missing, a folder, empty, corrupt, too big, a FIFO or `/dev/zero`, and
 * a `--template` path that does not exist. Each is a typed error with the input exit code,
 * refused before anything is read, and no message, in text or `--json`, echoes the file name
 * (`jane_doe_passport.jpg` names a person). Then Ctrl-C, typed into a real terminal (a pty from
 * `script`) running the built `dist/cli.js`: exit 130, no output file, no temp directory left.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoDecodeLimits } from '@vopop/core';
import type { CliCommand, CliIo } from '../cliIo';
import { detectCommand } from '../detectCommand';
import { exitCodes } from '../exitCodes';
import { generateCommand } from '../generateCommand';
import { templateBuildCommand, templateCommand } from '../templateBuildCommand';
import { templatesCommand } from '../templatesCommand';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..', '..');
const cli = join(packageDir, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'vopop-input-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function captureIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTTY: false } as CliIo & { out: string; err: string };
  Object.assign(io, {
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  });
  return io;
}

/** Each hostile or broken photo, under a file name that names a person. */
const photos = (() => {
  const folder = join(work, 'photos');
  mkdirSync(folder);
  const at = (name: string) => join(folder, name);
  mkdirSync(at('jane_doe_passport_dir.jpg'));
  writeFileSync(at('jane_doe_passport_empty.jpg'), '');
  writeFileSync(at('jane_doe_passport_corrupt.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(600, 0x5a)]));
  // Sparse: over the limit by its size alone, without writing 50 MB.
  writeFileSync(at('jane_doe_passport_big.jpg'), '');
  truncateSync(at('jane_doe_passport_big.jpg'), photoDecodeLimits.maxBytes + 1);
  // 8 GiB: read whole, as the photo once was, it would not even fit a Buffer.
  writeFileSync(at('jane_doe_passport_huge.jpg'), '');
  truncateSync(at('jane_doe_passport_huge.jpg'), 8 * 2 ** 30);
  execFileSync('mkfifo', [at('jane_doe_passport_fifo.jpg')]);
  symlinkSync('/dev/zero', at('jane_doe_passport_zero.jpg'));
  return {
    missing: { path: at('jane_doe_passport.jpg'), code: 'INPUT_FILE' },
    directory: { path: at('jane_doe_passport_dir.jpg'), code: 'INPUT_FILE' },
    empty: { path: at('jane_doe_passport_empty.jpg'), code: 'IMAGE_DECODE' },
    corrupt: { path: at('jane_doe_passport_corrupt.jpg'), code: 'IMAGE_DECODE' },
    'too big': { path: at('jane_doe_passport_big.jpg'), code: 'IMAGE_TOO_LARGE' },
    'huge (8 GiB)': { path: at('jane_doe_passport_huge.jpg'), code: 'IMAGE_TOO_LARGE' },
    FIFO: { path: at('jane_doe_passport_fifo.jpg'), code: 'INPUT_FILE' },
    '/dev/zero': { path: at('jane_doe_passport_zero.jpg'), code: 'INPUT_FILE' },
  } as const;
})();

const commands: Record<string, { command: CliCommand; args: (photo: string) => string[] }> = {
  generate: { command: generateCommand, args: (photo) => [photo, '--consent', '-o', join(work, 'out', 'video.mp4')] },
  detect: { command: detectCommand, args: (photo) => [photo] },
};

describe('vopop generate and detect refuse a bad photo with a typed error, without echoing its name', () => {
  for (const [commandName, { command, args }] of Object.entries(commands)) {
    for (const [variant, { path, code }] of Object.entries(photos)) {
      it(`${commandName}: ${variant} photo → exit 3, ${code}, no "jane_doe" in text or --json`, async () => {
        const text = captureIo();
        expect(await command(args(path), text)).toBe(exitCodes.input);
        expect(text.out).toBe('');
        expect(text.err).toMatch(/^vopop \w+: /);
        const json = captureIo();
        expect(await command([...args(path), '--json'], json)).toBe(exitCodes.input);
        expect(JSON.parse(json.out)).toMatchObject({ error: { code } });
        expect(`${text.out}${text.err}${json.out}${json.err}`).not.toContain('jane_doe');
        expect(existsSync(join(work, 'out', 'video.mp4'))).toBe(false);
      }, 60_000);
    }
  }

  it('says that a missing photo does not exist, and that a folder is not a file', async () => {
    const missing = captureIo();
    await detectCommand([photos.missing.path], missing);
    expect(missing.err).toContain('The photo file does not exist');
    const folder = captureIo();
    await detectCommand([photos.directory.path], folder);
    expect(folder.err).toContain('is not a regular file');
  });

  it('a --template path that does not exist says so (exit 6), not "no built-in template"', async () => {
    const io = captureIo();
    const photo = join(faces, 'astronaut.png');
    const code = await generateCommand([photo, '--consent', '--template', join(work, 'jane_doe_templates', 'template.json')], io);
    expect(code).toBe(exitCodes.template);
    expect(io.err).toContain('template file does not exist');
    expect(io.err).not.toContain('no built-in template');
    expect(io.err).not.toContain('jane_doe');
  });

  it('a --template FIFO is refused without blocking (exit 6)', async () => {
    const fifo = join(work, 'jane_doe_template.json');
    execFileSync('mkfifo', [fifo]);
    const io = captureIo();
    expect(await generateCommand([join(faces, 'astronaut.png'), '--consent', '--json', '--template', fifo], io)).toBe(
      exitCodes.template,
    );
    expect(JSON.parse(io.out)).toMatchObject({ error: { code: 'TEMPLATE_INVALID' } });
    expect(io.out).toContain('not a regular file');
    expect(io.out).not.toContain('jane_doe');
  });

  it('template build refuses a FIFO, a folder and a missing video without blocking or echoing the name (exit 3)', async () => {
    const output = join(work, 'built', 'template.json');
    for (const video of [photos.FIFO.path, photos.directory.path, photos.missing.path]) {
      const io = captureIo();
      expect(await templateBuildCommand([video, '-o', output, '--id', 'clip', '--json'], io)).toBe(exitCodes.input);
      expect(JSON.parse(io.out)).toMatchObject({ error: { code: 'INPUT_FILE' } });
      expect(io.out + io.err).not.toContain('jane_doe');
    }
    expect(existsSync(dirname(output))).toBe(false);
  });
});

describe('a misplaced argument that may be a file name is not repeated', () => {
  it('templates and template: a file name is left out, a typo of a word is quoted', async () => {
    const misplaced = captureIo();
    expect(await templatesCommand(['jane_doe_passport.jpg'], misplaced)).toBe(exitCodes.usage);
    expect(await templateCommand(['jane_doe_dance.mp4'], misplaced)).toBe(exitCodes.usage);
    expect(misplaced.err).toContain('not repeated');
    expect(misplaced.err).not.toContain('jane_doe');
    const typo = captureIo();
    expect(await templatesCommand(['--yaml'], typo)).toBe(exitCodes.usage);
    expect(typo.err).toContain('"--yaml"');
  });
});

/** Newest modification time under `dir`, to tell whether dist/ is older than the sources. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Run the built CLI in a terminal (`script` gives it a pty), typing Ctrl-C once `stage` shows. */
function runAndInterrupt(
  args: readonly string[],
  stage: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string; interrupted: boolean }> {
  const command = [process.execPath, cli, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let interrupted = false;
  const take = (data: Buffer) => {
    output += String(data);
    if (!interrupted && output.includes(stage)) {
      interrupted = true;
      // What the terminal sends for Ctrl-C: the pty turns it into SIGINT for the foreground job.
      child.stdin.write('\u0003');
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return new Promise((done) => child.once('exit', (code) => done({ code, output, interrupted })));
}

describe('Ctrl-C in the built CLI (dist/cli.js, in a terminal)', () => {
  beforeAll(() => {
    // The built command runs this package's dist/ on the adapter's and core's dist/.
    const built = [cli, join(packageDir, '..', 'node-adapter', 'dist', 'index.js'), join(packageDir, '..', 'core', 'dist', 'index.js')];
    const sources = Math.max(...['cli', 'node-adapter', 'core'].map((name) => newestMtime(join(packageDir, '..', name, 'src'))));
    if (built.some((file) => !existsSync(file) || statSync(file).mtimeMs < sources)) {
      execFileSync('pnpm', ['--filter', '@vopop/cli...', 'build'], { stdio: 'pipe' });
    }
  }, 300_000);

  for (const stage of ['decode', 'render']) {
    it(`during ${stage}: the first Ctrl-C ends the run with 130, leaving no output and no temp directory`, async () => {
      const root = mkdtempSync(join(work, `sigint-${stage}-`));
      const temp = join(root, 'tmp');
      const out = join(root, 'out');
      mkdirSync(temp);
      mkdirSync(out);
      const photo = join(root, 'jane_doe_passport.png');
      writeFileSync(photo, readFileSync(join(faces, 'astronaut.png')));
      const result = await runAndInterrupt(['generate', photo, '--consent', '-o', join(out, 'video.mp4')], `${stage} `, {
        ...process.env,
        TMPDIR: temp,
      });
      expect(result.interrupted, result.output).toBe(true);
      expect(result.code, result.output).toBe(exitCodes.aborted);
      expect(result.output).toContain('aborted');
      expect(readdirSync(out), 'no output file, not even a partial one').toEqual([]);
      expect(readdirSync(temp), 'no temp directory or file').toEqual([]);
      expect(result.output).not.toContain('jane_doe');
    }, 120_000);
  }

  it('a finished generation leaves no temp directory behind, only the video', () => {
    const root = mkdtempSync(join(work, 'finished-'));
    const temp = join(root, 'tmp');
    mkdirSync(temp);
    const output = join(root, 'out', 'video.mp4');
    const run = spawnSync(process.execPath, [cli, 'generate', join(faces, 'astronaut.png'), '--consent', '--json', '-o', output], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: temp },
    });
    expect(run.status, run.stderr).toBe(exitCodes.ok);
    expect(readdirSync(join(root, 'out'))).toEqual(['video.mp4']);
    expect(readdirSync(temp), 'the temp store directory is removed when empty').toEqual([]);
  }, 300_000);

  it('vopop <file name> (no command) does not repeat the name; a mistyped command is quoted', () => {
    const misplaced = spawnSync(process.execPath, [cli, 'jane_doe_passport.jpg'], { encoding: 'utf8' });
    expect(misplaced.status).toBe(exitCodes.usage);
    expect(misplaced.stdout + misplaced.stderr).not.toContain('jane_doe');
    const typo = spawnSync(process.execPath, [cli, 'genrate'], { encoding: 'utf8' });
    expect(typo.stderr).toContain('unknown command "genrate"');
  });

  it('a FIFO photo nobody writes to is refused at once instead of ignoring Ctrl-C (exit 3)', async () => {
    const child = spawn(process.execPath, [cli, 'detect', photos.FIFO.path, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(exitCodes.input);
    expect(JSON.parse(stdout)).toMatchObject({ error: { code: 'INPUT_FILE' } });
  }, 60_000);

  it('a stalled pipe as the photo (/dev/stdin, never written) is refused at once (exit 3)', async () => {
    const child = spawn(process.execPath, [cli, 'generate', '/dev/stdin', '--consent', '--json'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: work,
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    child.stdin.end();
    expect(code).toBe(exitCodes.input);
    expect(JSON.parse(stdout)).toMatchObject({ error: { code: 'INPUT_FILE' } });
  }, 60_000);
});
