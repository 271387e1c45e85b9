import type { Options } from 'tsup';

/**
 * One build config for every package: ESM + CJS with types for each, targeting runtimes that
 * lack native `using` (Node 20, Safari, Hermes) so esbuild lowers it.
 */
export function packageBuild(overrides: Partial<Options> = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
    splitting: false,
    ...overrides,
  };
}
