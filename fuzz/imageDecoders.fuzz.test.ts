/**
 * `FUZZ_RUNS` mutated and generated images (default 1500; 10,000 for the figures in
 * docs/reliability.md) through both Node decoders, every 20th (`FUZZ_GENERATE_EVERY`) through
 * `generateVideo` and every 100th (`FUZZ_CLI_EVERY`) through `vopop detect` or `vopop generate`: only typed errors, no crash, no hang past the
 * per-input limit, and after each input no live handle, tensors at baseline, the photo zeroed,
 * the temp dir as it was. The work runs in a child process (decodeFuzzChild.ts) so that a native
 * crash or a hang is seen, pinned to its input, and the run goes on from the next one.
 */
import { fork } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import type { DecodeFuzzConfig, FuzzMessage, FuzzPath } from './decodeFuzzChild';
import {
  cliEvery,
  decodeLimitS,
  fuzzFrom,
  fuzzRuns,
  fuzzSeed,
  generateEvery,
  inputLimitMs,
  replayCommand,
  resultsFile,
} from './fuzzSettings';
import { mutationKinds } from './imageMutations';

const here = dirname(fileURLToPath(import.meta.url));
/** Start-up (models, wasm, the warm-up generation) is not an input; it gets its own limit. */
const startLimitMs = 300_000;

type Result = Extract<FuzzMessage, { type: 'result' }>;
interface Failure {
  readonly index: number;
  readonly what: string;
  readonly detail: string;
}

// The child's own temp dir, so that "nothing left in the temp dir" sees only the SDK's files.
const privateTmp = mkdtempSync(join(tmpdir(), 'vopop-fuzz-tmp-'));
const workDir = mkdtempSync(join(tmpdir(), 'vopop-fuzz-work-'));
afterAll(() => {
  rmSync(privateTmp, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

/** Run inputs `from`…`to - 1` in one child; resolve with the index to resume at (`to` when done). */
function runChild(from: number, to: number, results: Result[], failures: Failure[]): Promise<number> {
  const config: DecodeFuzzConfig = { seed: fuzzSeed, from, to, generateEvery, cliEvery, decodeLimitS, workDir };
  const child = fork(join(here, 'decodeFuzzChild.ts'), [JSON.stringify(config)], {
    execArgv: ['--expose-gc', '--conditions=@vopop/source', '--import', 'tsx'],
    env: { ...process.env, TMPDIR: privateTmp },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let current: number | undefined;
  let finished = false;
  return new Promise((resolve, reject) => {
    let watchdog: NodeJS.Timeout;
    const arm = (ms: number) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        if (current === undefined) {
          child.kill('SIGKILL');
          reject(new Error(`the fuzz child did not start within ${startLimitMs / 1000} s:\n${stderr}`));
          return;
        }
        failures.push({ index: current, what: 'hang', detail: `no result within ${ms / 1000} s; killed` });
        child.kill('SIGKILL');
      }, ms);
    };
    arm(startLimitMs);
    child.on('message', (message: FuzzMessage) => {
      if (message.type === 'start') {
        current = message.index;
        arm(inputLimitMs);
      } else if (message.type === 'result') {
        results.push(message);
        if (resultsFile) appendFileSync(resultsFile, `${JSON.stringify(message)}\n`);
        current = undefined;
        arm(inputLimitMs);
      } else finished = true;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (finished && code === 0) return resolve(to);
      if (current === undefined) {
        const last = results.at(-1)?.index ?? from - 1;
        // After its last input the child only disposes the platform: a failure there is the SDK's.
        if (last === to - 1) {
          failures.push({ index: last, what: 'exit after the last input', detail: `${signal ?? `code ${code}`}:\n${stderr}` });
          return resolve(to);
        }
        return reject(new Error(`the fuzz child exited (${signal ?? code}) outside any input (last ${last}):\n${stderr}`));
      }
      if (!failures.some((f) => f.index === current && f.what === 'hang')) {
        failures.push({ index: current, what: 'crash', detail: `child exited with ${signal ?? `code ${code}`}:\n${stderr}` });
      }
      resolve(current + 1);
    });
  });
}

function countTable(results: readonly Result[]): string {
  const byKind = new Map<string, number>(mutationKinds.map((kind) => [kind, 0]));
  const msByKind = new Map<string, number>();
  const byPath = new Map<FuzzPath, Map<string, number>>();
  for (const result of results) {
    byKind.set(result.kind, (byKind.get(result.kind) ?? 0) + 1);
    msByKind.set(result.kind, (msByKind.get(result.kind) ?? 0) + result.ms);
    for (const { path, code } of result.outcomes) {
      const codes = byPath.get(path) ?? new Map<string, number>();
      codes.set(code, (codes.get(code) ?? 0) + 1);
      byPath.set(path, codes);
    }
  }
  const codes = [...new Set([...byPath.values()].flatMap((m) => [...m.keys()]))].sort();
  const lines = [
    `| path | inputs | ${codes.join(' | ')} |`,
    `|---|---:|${codes.map(() => '---:').join('|')}|`,
    ...[...byPath].map(
      ([path, m]) => `| ${path} | ${[...m.values()].reduce((a, b) => a + b, 0)} | ${codes.map((c) => m.get(c) ?? 0).join(' | ')} |`,
    ),
    '',
    `| input kind | inputs | mean time per input, ms |`,
    `|---|---:|---:|`,
    ...[...byKind].map(([kind, n]) => `| ${kind} | ${n} | ${n ? ((msByKind.get(kind) ?? 0) / n).toFixed(0) : '–'} |`),
  ];
  return lines.join('\n');
}

it(`decodes ${fuzzRuns} hostile images with typed errors only, leaving nothing behind`, async () => {
  process.stdout.write(`fuzz: seed ${fuzzSeed}, inputs ${fuzzFrom}…${fuzzFrom + fuzzRuns - 1} (replay: ${replayCommand(fuzzSeed, fuzzFrom, fuzzRuns)})\n`);
  const results: Result[] = [];
  const failures: Failure[] = [];
  const to = fuzzFrom + fuzzRuns;
  for (let next = fuzzFrom; next < to; ) next = await runChild(next, to, results, failures);

  for (const result of results) {
    for (const outcome of result.outcomes) {
      if (outcome.code === 'UNTYPED') failures.push({ index: result.index, what: `untyped error from ${outcome.path}`, detail: outcome.stack ?? '' });
    }
    for (const violation of result.violations) failures.push({ index: result.index, what: 'check failed', detail: violation });
  }
  const leftFiles = readdirSync(privateTmp, { recursive: true, encoding: 'utf8' }).filter(
    (name) => !/^tsx-\d+/.test(name) && !statSync(join(privateTmp, name)).isDirectory(),
  );
  process.stdout.write(
    `fuzz: seed ${fuzzSeed}, ${results.length} inputs, generateVideo every ${generateEvery}, CLI every ${cliEvery}` +
      `\n${countTable(results)}\n`,
  );

  const described = failures.map((f) => {
    const input = results.find((r) => r.index === f.index);
    const about = input ? `${input.kind}: ${input.recipe} (${input.size} B, as ${input.name})` : '';
    return `input ${f.index} ${about}: ${f.what}\n  ${f.detail.replaceAll('\n', '\n  ')}\n  replay: ${replayCommand(fuzzSeed, f.index)}`;
  });
  expect(described).toEqual([]);
  expect(leftFiles, 'files left in the temp dir after the run').toEqual([]);
  expect(results.map((r) => r.index)).toEqual(Array.from({ length: fuzzRuns }, (_, i) => fuzzFrom + i));
  if (fuzzRuns >= 500) {
    // The corpus must reach past the header checks: some inputs decode, and every layer refuses some.
    const codes = new Set(results.flatMap((r) => r.outcomes.filter((o) => o.path === 'wasm-decoder').map((o) => o.code)));
    expect([...codes]).toEqual(expect.arrayContaining(['ok', 'IMAGE_DECODE', 'IMAGE_TOO_LARGE']));
  }
});
