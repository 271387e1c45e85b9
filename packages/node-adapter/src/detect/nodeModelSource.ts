import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelBytesSource } from '@vopop/core';
import { modelManifest } from '@vopop/models';
import { modelFilesDir } from '@vopop/models/node';

/**
 * The folder holding `@vopop/models`' files (`<package>/files`), as installed beside this
 * adapter.
 *
 * @public
 */
export function nodeModelFilesDir(): string {
  return modelFilesDir();
}

/**
 * Model bytes for the detector, read from disk and pinned by `@vopop/models`' manifest. The
 * detector verifies every byte against the pins, so a replaced or damaged file is refused
 * whatever this source returns.
 *
 * @param directory - Where the files are. Default {@link nodeModelFilesDir}.
 * @public
 */
export function nodeModelBytesSource(directory: string = nodeModelFilesDir()): ModelBytesSource {
  const names = new Set(modelManifest.map((file) => file.name));
  return {
    pinned: modelManifest,
    read: async (name, options) => {
      // Only pinned names reach the file system, so a name can never walk out of `directory`.
      if (!names.has(name)) throw new Error(`'${name}' is not a pinned model file.`);
      const bytes = await readFile(join(directory, name), options?.signal ? { signal: options.signal } : {});
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  };
}
