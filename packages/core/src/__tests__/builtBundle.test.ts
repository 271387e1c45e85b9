/**
 * The published files, not the sources: `using` must work against dist/ on Node 20 (which has
 * `Symbol.dispose` but no `DisposableStack`) and in a realm without `Symbol.dispose` at all (Safari,
 * Hermes), whichever compiler lowered the consumer's `using` (esbuild or TypeScript).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { transform } from 'esbuild';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const distEsm = join(packageDir, 'dist', 'index.js');
const distCjs = join(packageDir, 'dist', 'index.cjs');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  const stale = !existsSync(distCjs) || statSync(distCjs).mtimeMs < newestMtime(join(packageDir, 'src'));
  if (stale) execFileSync('pnpm', ['exec', 'tsup', '--silent'], { cwd: packageDir, stdio: 'pipe' });
}, 120_000);

/** A consumer program that uses handles and scopes with `using`, written in modern syntax. */
const consumer = (load: string) => `
${load}
const bytes = new Uint8Array([1, 2, 3, 4]);
const more = new Uint8Array([5, 6, 7, 8]);
let scopeRef;
let threw = false;
try {
  using scope = new core.EphemeralScope({ label: 'built' });
  scopeRef = scope;
  scope.hold(bytes, { kind: 'buffer', label: 'b' });
  throw new Error('inside');
} catch (error) {
  threw = error.message === 'inside';
}
async function asyncPart() {
  await using handle = core.EphemeralHandle.hold(more, { kind: 'buffer', label: 'm' });
  return handle.isLive;
}
const wasLive = await asyncPart();
let purgedError = false;
try { scopeRef.purge(); core.EphemeralHandle.hold(new Uint8Array(1), { kind: 'buffer', label: 'x' }).move().value; } catch { purgedError = true; }
report({
  threw,
  wasLive,
  zeros: [...bytes, ...more].every((b) => b === 0),
  wiped: scopeRef.receipt.totals.wiped,
  disposeIsRegistered: Symbol.dispose === Symbol.for('Symbol.dispose'),
});
`;

/** Lower `using` the way a consumer's toolchain would, leaving module syntax as written. */
async function lower(source: string, by: 'esbuild' | 'typescript'): Promise<string> {
  if (by === 'esbuild') {
    return (await transform(source, { target: 'es2022', loader: 'ts' })).code;
  }
  return ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, lib: ['lib.esnext.d.ts'] },
  }).outputText;
}

interface Report {
  threw: boolean;
  wasLive: boolean;
  zeros: boolean;
  wiped: number;
  disposeIsRegistered: boolean;
}

function runInNode(code: string, type: 'module' | 'commonjs'): Report {
  const out = execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { encoding: 'utf8' });
  return JSON.parse(out.trim()) as Report;
}

describe('built bundle', () => {
  it('has no `using` left for runtimes that cannot parse it, and no bare polyfill import', () => {
    for (const file of [distEsm, distCjs]) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toMatch(/\busing\s+[A-Za-z_$][\w$]*\s*=/);
      expect(text).toContain('Symbol.for(`Symbol.${');
    }
  });

  for (const by of ['esbuild', 'typescript'] as const) {
    it(`works on Node ${process.versions.node} as ESM, consumer lowered by ${by}`, async () => {
      const code = await lower(
        consumer(`const core = await import(${JSON.stringify(pathToFileURL(distEsm).href)});
const report = (r) => console.log(JSON.stringify(r));`),
        by,
      );
      expect(code).not.toMatch(/^\s*using /m);
      const report = runInNode(code, 'module');
      expect(report).toMatchObject({ threw: true, wasLive: true, zeros: true, wiped: 1 });
    });

    it(`works on Node as CommonJS, consumer lowered by ${by}`, async () => {
      const body = await lower(
        consumer(`const core = require(${JSON.stringify(distCjs)});
const report = (r) => console.log(JSON.stringify(r));`),
        by,
      );
      const report = runInNode(`(async () => {\n${body}\n})();`, 'commonjs');
      expect(report).toMatchObject({ threw: true, wasLive: true, zeros: true, wiped: 1 });
    });

    it(`installs Symbol.dispose once in a realm that lacks it (Safari, Hermes), consumer lowered by ${by}`, async () => {
      const context = vm.createContext({ performance, AbortController, AbortSignal, setTimeout, queueMicrotask });
      expect(vm.runInContext('typeof Symbol.dispose', context)).toBe('undefined');
      const requireFromCore = createRequire(distCjs);
      const load = () => {
        const module = { exports: {} as Record<string, unknown> };
        const wrapper = vm.runInContext(
          `(function (exports, require, module) {\n${readFileSync(distCjs, 'utf8')}\n})`,
          context,
        ) as (e: unknown, r: NodeRequire, m: unknown) => void;
        wrapper(module.exports, requireFromCore, module);
        return module.exports;
      };
      const first = load();
      const second = load(); // a duplicate copy (dual-package hazard) must not install another symbol
      expect(vm.runInContext(`Symbol.dispose === Symbol.for('Symbol.dispose')`, context)).toBe(true);
      expect(vm.runInContext(`Symbol.asyncDispose === Symbol.for('Symbol.asyncDispose')`, context)).toBe(true);
      expect(first).not.toBe(second);

      let result: Report | undefined;
      context.core = first;
      context.report = (r: Report) => {
        result = r;
      };
      const code = await lower(consumer(''), by);
      await vm.runInContext(`(async () => {\n${code}\n})()`, context);
      expect(result).toEqual({ threw: true, wasLive: true, zeros: true, wiped: 1, disposeIsRegistered: true });
    });
  }
});
