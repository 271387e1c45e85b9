import { transformAsync } from '@babel/core';
import { build } from 'esbuild';
import { join } from 'node:path';

/**
 * Bundle an entry the way an RN app's bundler resolves it (the `react-native` and `browser`
 * fields, core from source), lower what Hermes lacks, and return the script.
 *
 * - esbuild, target ES2016: lowers `using`, private class fields (onto WeakMaps), class static
 *   blocks, `??=`, and async functions onto generators (this VM has generators, not async);
 * - Babel's class transform: the `hermes` 0.12 VM has no `class` syntax at all (Metro's
 *   `@react-native/babel-preset` applies the same transform to every app).
 *
 * `prelude` is bundled separately and put first, so the globals it installs exist before any
 * of the entry's modules is evaluated.
 */
export async function bundleForHermes(entry: string, prelude?: string): Promise<string> {
  const parts: string[] = [];
  for (const file of prelude ? [prelude, entry] : [entry]) {
    const result = await build({
      entryPoints: [file],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      conditions: ['@vopop/source', 'react-native'],
      mainFields: ['react-native', 'browser', 'module', 'main'],
      target: 'es2016',
      write: false,
      logLevel: 'silent',
      absWorkingDir: join(import.meta.dirname, '../../../../..'),
    });
    parts.push(result.outputFiles[0]!.text);
  }
  const lowered = await transformAsync(parts.join('\n'), {
    babelrc: false,
    configFile: false,
    compact: false,
    plugins: ['@babel/plugin-transform-classes'],
  });
  return lowered!.code!;
}
