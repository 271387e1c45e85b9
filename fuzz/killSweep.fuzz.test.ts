/**
 * The kill sweep (P6): the built `vopop generate` killed with SIGKILL at `KILL_RUNS` (≥ 50) seeded
 * moments spread over a whole run (start-up, models, decode, detect, render, encode, write), on
 * a face photo with the default template cut to half a second; even runs kill the job's whole
 * process group, odd runs only the pid that was started (a killed job must leave no process). Each
 * run gets a fresh private TMPDIR, HOME and working folder. After each kill: what the killed
 * process left in the temp dir, at the output path and anywhere else; then the next start (the
 * same command, run to completion in the same folders) must leave no file in the temp dir, and
 * nothing may ever appear outside the temp dir and the output folder.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { builtInTemplates, defaultTemplateId } from '@vopop/core';
import { facesDir } from '../fixtures/faces/facesDir';
import { fuzzRandom } from './fuzzRandom';
import { fuzzSeed, killRuns } from './fuzzSettings';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const builtCli = join(repoRoot, 'packages/cli/dist/cli.js');
const photo = join(facesDir, 'portrait_small.jpg');
const base = mkdtempSync(join(tmpdir(), 'vopop-kill-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/**
 * A copy of the built packages the CLI runs from (dist, manifest, model files, and their
 * node_modules links, kept relative), beside a link to the workspace's node_modules: the sweep
 * runs the CLI as built when it started, even if `pnpm build` rewrites dist/ meanwhile.
 */
function snapshotBuiltCli(): string {
  const root = join(base, 'built');
  for (const name of ['core', 'models', 'node-adapter', 'render-server', 'cli']) {
    const from = join(repoRoot, 'packages', name);
    for (const entry of ['dist', 'files', 'package.json', 'node_modules']) {
      if (!existsSync(join(from, entry))) continue;
      cpSync(join(from, entry), join(root, 'packages', name, entry), { recursive: true, verbatimSymlinks: true });
    }
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  return join(root, 'packages/cli/dist/cli.js');
}

/**
 * The default template cut to half a second (15 frames at 720×1280): every stage still runs and
 * encodes, and 50 kills plus 50 next starts fit in a few minutes on two cores.
 */
const shortFrames = 15;
const templateFile = join(base, 'short.template.json');
{
  const full = builtInTemplates.find((t) => t.id === defaultTemplateId)!;
  const stretch = (shortFrames - 1) / (full.frameCount - 1);
  const track = full.faceTrack;
  writeFileSync(
    templateFile,
    JSON.stringify({
      ...full,
      id: 'kill-sweep',
      frameCount: shortFrames,
      faceTrack:
        track.kind === 'keyframes'
          ? { ...track, keyframes: track.keyframes.map((k) => ({ ...k, frame: Math.round(k.frame * stretch) })) }
          : track,
    }),
  );
}

interface Folders {
  readonly tmp: string;
  readonly home: string;
  readonly work: string;
}

function freshFolders(name: string): Folders {
  const make = (kind: string) => mkdtempSync(join(base, `${name}-${kind}-`));
  return { tmp: make('tmp'), home: make('home'), work: make('work') };
}

/** Files (not folders) under `root`, relative. */
function files(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => !statSync(join(root, path)).isDirectory())
    .sort();
}

/** The CLI the runs start: the snapshot once the test has taken it. */
let cli = builtCli;

/**
 * Whether a process of the group `pgid` still runs: read from /proc, because a killed process
 * stays a zombie until something reaps it, and `kill(-pgid, 0)` counts zombies too.
 */
function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
    } catch {
      continue; // exited while listing
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces, so split after its closing bracket.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

/**
 * Give the processes of a just-killed group time to end. SIGKILL is not instant; and when only
 * the top `vopop` is killed, its worker notices (it polls its parent every 100 ms) and aborts at
 * its next check, which under load can be a few hundred milliseconds into a synchronous step
 * (model loading, one inference). Five seconds is prompt for that, and far shorter than the run
 * it would otherwise finish.
 */
async function settled(pgid: number): Promise<boolean> {
  for (let i = 0; i < 100 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 50));
  return groupAlive(pgid);
}

/**
 * What to kill: `vopop` re-runs itself once (bin.ts, for glibc's malloc.perturb), so a job is two
 * processes. `group` kills both, as a container stop or `kill -9 -- -pgid` does; `top` kills only
 * the pid the caller started, as `kill -9 <pid>` or a supervisor does.
 */
type KillTarget = 'group' | 'top';

/** Run `vopop generate` in `folders` (its own process group); kill it after `kill.afterMs` if given. */
function generate(
  folders: Folders,
  output: string,
  kill?: { readonly afterMs: number; readonly target: KillTarget },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; stdout: string; pgid: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'generate', photo, '--consent', '--json', '--template', templateFile, '-o', output], {
    cwd: folders.work,
    env: { ...process.env, TMPDIR: folders.tmp, HOME: folders.home },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pgid = child.pid!;
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  const timer =
    kill === undefined
      ? undefined
      : setTimeout(() => {
          try {
            if (kill.target === 'group') process.kill(-pgid, 'SIGKILL');
            else child.kill('SIGKILL');
          } catch {
            // Already gone.
          }
        }, kill.afterMs);
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, ms: performance.now() - started, stdout, pgid });
    });
  });
}

/** Kill what is left of group `pgid` and wait until it is gone (processes this test started). */
async function reap(pgid: number): Promise<void> {
  for (let i = 0; i < 100 && groupAlive(pgid); i++) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Gone between the check and the kill.
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

/** Frames ffprobe decodes from `file`, or undefined when it cannot read it. */
async function framesIn(file: string): Promise<number | undefined> {
  try {
    const { stdout } = await promisify(execFile)('ffprobe', [
      '-v', 'error', '-count_frames', '-select_streams', 'v:0',
      '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file,
    ]);
    const frames = Number(stdout.trim());
    return Number.isInteger(frames) ? frames : undefined;
  } catch {
    return undefined;
  }
}

it(`leaves nothing behind when vopop generate is killed at ${killRuns} random moments`, async () => {
  expect(existsSync(builtCli), `${builtCli} is missing: run pnpm build (pnpm test:fuzz does)`).toBe(true);
  cli = snapshotBuiltCli();
  expect(killRuns).toBeGreaterThan(0);
  // One undisturbed run sets the span the kill moments are drawn from.
  const reference = freshFolders('reference');
  const full = await generate(reference, 'out/video.mp4');
  expect(full.code, full.stdout).toBe(0);
  expect(await framesIn(join(reference.work, 'out/video.mp4'))).toBe(shortFrames);
  const span = Math.ceil(full.ms * 1.1);
  process.stdout.write(`kill sweep: seed ${fuzzSeed}, ${killRuns} kills in 0…${span} ms (replay: FUZZ_SEED=${fuzzSeed} KILL_RUNS=${killRuns} pnpm test:fuzz)\n`);

  const random = fuzzRandom(fuzzSeed ^ 0x6b696c6c);
  const tally = { killed: 0, finishedFirst: 0, orphans: 0, tempFilesAfterKill: 0, noOutput: 0, completeOutput: 0, partialTempFiles: 0 };
  const problems: string[] = [];
  for (let run = 0; run < killRuns; run++) {
    const folders = freshFolders(`run${run}`);
    const delay = random.below(span + 1);
    const target: KillTarget = run % 2 === 0 ? 'group' : 'top';
    const killed = await generate(folders, 'out/video.mp4', { afterMs: delay, target });
    const at = `run ${run} (kill ${target} at ${delay} ms)`;
    if (killed.signal === 'SIGKILL') tally.killed++;
    else tally.finishedFirst++;
    // A killed job must be dead: a process of it that lives on still holds the photo and still
    // writes. Reaped here so that the checks below see a finished state.
    if (await settled(killed.pgid)) {
      tally.orphans++;
      problems.push(`${at}: a process of the killed job kept running (the re-run child of bin.ts)`);
      await reap(killed.pgid);
    }

    // What the killed process left.
    tally.tempFilesAfterKill += files(folders.tmp).length;
    const written = files(folders.work);
    if (written.includes('out/video.mp4')) {
      const frames = await framesIn(join(folders.work, 'out/video.mp4'));
      if (frames === shortFrames) tally.completeOutput++;
      else problems.push(`${at}: a partial video at the output path (${frames ?? 'unreadable'} frames)`);
    } else tally.noOutput++;
    const partials = written.filter((path) => path !== 'out/video.mp4');
    tally.partialTempFiles += partials.length;
    const outside = partials.filter((path) => dirname(path) !== 'out');
    if (outside.length > 0) problems.push(`${at}: files outside the temp dir and output folder: ${outside.join(', ')}`);

    // The next start: the same job, to completion, in the same folders.
    const next = await generate(folders, 'out/next.mp4');
    await reap(next.pgid);
    if (next.code !== 0) problems.push(`${at}: the next start failed (exit ${next.code}): ${next.stdout.slice(0, 500)}`);
    const leftInTemp = files(folders.tmp);
    if (leftInTemp.length > 0) problems.push(`${at}: temp files after the next start: ${leftInTemp.join(', ')}`);
    const home = files(folders.home);
    if (home.length > 0) problems.push(`${at}: files written to HOME: ${home.join(', ')}`);
    const stray = files(folders.work).filter((path) => dirname(path) !== 'out');
    if (stray.length > 0) problems.push(`${at}: files outside the output folder: ${stray.join(', ')}`);
    rmSync(join(base, `run${run}`), { recursive: true, force: true });
    for (const folder of Object.values(folders)) rmSync(folder, { recursive: true, force: true });
  }
  process.stdout.write(`kill sweep: ${JSON.stringify(tally)}\n`);
  expect(problems).toEqual([]);
  // The sweep is about real kills: most moments must land before the run ends.
  expect(tally.killed).toBeGreaterThan(killRuns / 2);
}, 60 * 60_000);
