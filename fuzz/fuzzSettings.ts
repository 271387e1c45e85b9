/**
 * The fuzz runs' settings, from the environment, so that CI runs a budget that fits and a
 * failure replays exactly: `FUZZ_SEED=<seed> FUZZ_FROM=<index> FUZZ_RUNS=1 pnpm test:fuzz`.
 */

function integer(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}

/** The run's seed: `FUZZ_SEED`, or a fresh one (printed by the tests, so it can be replayed). */
export const fuzzSeed = integer('FUZZ_SEED', Math.floor(Math.random() * 2 ** 32)) >>> 0;

/** Images through the decoders: `FUZZ_RUNS`; the CI default fits in about two minutes on 2 cores. */
export const fuzzRuns = integer('FUZZ_RUNS', 1500);

/** The first input's index (`FUZZ_FROM`), to replay one input of a long run. */
export const fuzzFrom = integer('FUZZ_FROM', 0);

/** SIGKILLs of `vopop generate` (`KILL_RUNS`, at least 50 in CI). */
export const killRuns = integer('KILL_RUNS', 50);

/**
 * How long one input may take before the run counts it as a hang (`FUZZ_INPUT_LIMIT_S`). A
 * watchdog, not a performance figure: generous enough for a generation on a loaded 2-core
 * machine, short enough that a decoder stuck in a loop is caught.
 */
export const inputLimitMs = integer('FUZZ_INPUT_LIMIT_S', 120) * 1000;

/** The command that replays inputs `from`…`from + runs - 1` of `seed`. */
export function replayCommand(seed: number, from: number, runs = 1): string {
  return `FUZZ_SEED=${seed} FUZZ_FROM=${from} FUZZ_RUNS=${runs} pnpm test:fuzz`;
}

/**
 * How long one decode of one fuzz input may take (`FUZZ_DECODE_LIMIT_S`) before it counts as a
 * hang. The inputs are at most a few hundred kilobytes, or declare sizes the header checks refuse;
 * a correct decoder handles each in well under a second even on a loaded 2-core machine.
 */
export const decodeLimitS = integer('FUZZ_DECODE_LIMIT_S', 10);

/** Every `FUZZ_GENERATE_EVERY`-th input also goes through `generateVideo` (default 20). */
export const generateEvery = Math.max(1, integer('FUZZ_GENERATE_EVERY', 20));

/** Every `FUZZ_CLI_EVERY`-th input also goes through `vopop detect` or `vopop generate` (default 100). */
export const cliEvery = Math.max(1, integer('FUZZ_CLI_EVERY', 100));

/** `FUZZ_RESULTS=<file>`: append each input's result as a JSON line, to follow a long run. */
export const resultsFile = process.env.FUZZ_RESULTS || undefined;
