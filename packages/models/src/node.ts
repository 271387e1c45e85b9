/**
 * Node-only entry of `@vopop/models`: where the model files lie on disk.
 *
 * Kept apart from `index.ts` so that browser and React Native bundles never see `node:*`
 * imports. The files are copied into the package's `files/` folder at install or build time by
 * `scripts/copyModels.mjs`; this module only finds them, it never reads or trusts them (the
 * detector verifies every byte against the manifest).
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { modelManifest } from './manifest';

// `__filename` in the CJS build, `import.meta.url` in the ESM build and in source: either is a
// location from which the package can resolve itself by name (self-reference through its
// `exports`, which lists `./package.json`), so the answer is the same in every build.
declare const __filename: string | undefined;

function thisModule(): string {
  return typeof __filename === 'string' ? __filename : import.meta.url;
}

/**
 * Absolute path of the folder holding the model files (`<package>/files`).
 *
 * @public
 */
export function modelFilesDir(): string {
  const require = createRequire(thisModule());
  return join(dirname(require.resolve('@vopop/models/package.json')), 'files');
}

/**
 * Absolute path of one pinned model file. Throws for a name that is not in the manifest, so a
 * typo cannot reach the file system.
 *
 * @public
 */
export function modelFilePath(name: string): string {
  if (!modelManifest.some((file) => file.name === name)) {
    throw new Error(`'${name}' is not a pinned model file; see modelFileNames for the list.`);
  }
  return join(modelFilesDir(), name);
}

/**
 * Absolute paths of every pinned model file, keyed by file name.
 *
 * @public
 */
export function modelFilePaths(): Readonly<Record<string, string>> {
  const dir = modelFilesDir();
  return Object.fromEntries(modelManifest.map((file) => [file.name, join(dir, file.name)]));
}
