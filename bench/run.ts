/**
 * `pnpm bench [names…]`: runs bench/NAME.bench.ts suites and writes docs/benchmarks.md.
 *
 * Each suite owns one marked block of the document. Running a subset replaces only those
 * blocks, so a suite can be re-run on its own without discarding the others' figures.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchSuite } from './harness';

/** Suites in document order. */
const suiteOrder = [
  'ephemeral',
  'decoding',
  'wasmDecoding',
  'photoMemory',
  'detection',
  'alignment',
  'templates',
  'compositing',
  'segmentation',
  'mesh',
  'encoding',
  'rendering',
  'backgrounds',
  'pipeline',
  'remote',
  'soak',
  'browser',
] as const;

const here = dirname(fileURLToPath(import.meta.url));
const docPath = join(here, '..', 'docs', 'benchmarks.md');

function blockPattern(name: string): RegExp {
  return new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
}

async function runSuite(name: string): Promise<string> {
  const url = pathToFileURL(join(here, `${name}.bench.ts`)).href;
  const suite = (await import(url)) as { default: BenchSuite };
  process.stderr.write(`bench: ${name}…\n`);
  const started = performance.now();
  const sections = await suite.default();
  process.stderr.write(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const body = sections.map((s) => `## ${s.title}\n\n${s.markdown.trim()}\n`).join('\n');
  return `<!-- bench:${name} -->\n${body}<!-- /bench:${name} -->`;
}

async function main(): Promise<void> {
  const available = suiteOrder.filter((name) => existsSync(join(here, `${name}.bench.ts`)));
  const requested = process.argv.slice(2).filter((arg) => arg !== '--');
  const unknown = requested.filter((name) => !available.includes(name as never));
  if (unknown.length > 0) throw new Error(`Unknown bench suite(s): ${unknown.join(', ')}`);
  const selected = requested.length > 0 ? requested : available;

  const previous = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  const blocks = new Map<string, string>();
  for (const name of available) {
    const match = blockPattern(name).exec(previous);
    if (match) blocks.set(name, match[0]);
  }
  // Written after every suite, so that a suite that fails does not discard the others' figures.
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    '# Benchmarks',
    '',
    'Written by `pnpm bench` (`pnpm bench NAME` re-runs one suite and keeps the others).',
    'Each figure is compared with its baseline or peer **in the same run**, interleaved where',
    'possible; read the ratios, which survive a noisy shared machine better than absolute times.',
    '',
    `Last run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
      `${cpus().length} × ${cpu}.`,
    '',
  ].join('\n');
  const write = () => {
    const body = available
      .filter((name) => blocks.has(name))
      .map((name) => blocks.get(name)!)
      .join('\n\n');
    writeFileSync(docPath, `${header}\n${body}\n`);
  };
  for (const name of selected) {
    blocks.set(name, await runSuite(name));
    write();
  }
  process.stderr.write(`bench: wrote ${docPath}\n`);
}

await main();
