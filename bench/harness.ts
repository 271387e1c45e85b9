/**
 * A small benchmark harness. Every figure in docs/benchmarks.md comes from `measure` or
 * `compareInterleaved` in the same run as its baseline, so ratios survive a noisy machine better
 * than absolute times do.
 */

/** Timing summary of one case, in milliseconds. */
export interface Sample {
  readonly median: number;
  readonly min: number;
  readonly p90: number;
  readonly runs: number;
}

export interface MeasureOptions {
  /** Untimed calls first (JIT, caches, first-inference costs). Default 3. */
  readonly warmup?: number;
  /** Timed calls. Default 15. */
  readonly runs?: number;
}

function summarise(times: number[]): Sample {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), min: sorted[0]!, p90: at(0.9), runs: sorted.length };
}

/** Time `fn` after a warm-up. */
export async function measure(
  fn: () => unknown,
  { warmup = 3, runs = 15 }: MeasureOptions = {},
): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return summarise(times);
}

/**
 * Time several cases in alternation (A B C A B C …) so that a burst of load from elsewhere on
 * the machine hits every case alike.
 */
export async function compareInterleaved<K extends string>(
  cases: Record<K, () => unknown>,
  { warmup = 3, runs = 15 }: MeasureOptions = {},
): Promise<Record<K, Sample>> {
  const names = Object.keys(cases) as K[];
  for (let i = 0; i < warmup; i++) for (const name of names) await cases[name]();
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    K,
    number[]
  >;
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      const start = performance.now();
      await cases[name]();
      times[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarise(times[name])])) as Record<
    K,
    Sample
  >;
}

/** Peak resident set size of this process so far, in MiB (Linux `VmHWM`). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export const ms = (value: number): string =>
  value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(3);
export const us = (valueMs: number): string => (valueMs * 1000).toFixed(1);
export const ratio = (value: number, baseline: number): string => (value / baseline).toFixed(2);

/** A markdown table from a header row and body rows. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One block of docs/benchmarks.md. */
export interface BenchSection {
  /** Heading text. */
  readonly title: string;
  /** Body in markdown: what was measured, the table, and what it means. */
  readonly markdown: string;
}

/** A bench module (bench/NAME.bench.ts) default-exports one of these. */
export type BenchSuite = () => Promise<readonly BenchSection[]>;
