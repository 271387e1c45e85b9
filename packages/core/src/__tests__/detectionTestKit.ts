/**
 * Shared set-up for the detection tests: fixture photos decoded with sharp into an ephemeral
 * scope, and model bytes read from `@vopop/models`' copied files.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { modelManifest } from '@vopop/models';
import type { EphemeralScope } from '../purge/ephemeralScope';
import type { RgbaImage } from '../ports/rgbaImage';
import type { ModelBytesSource, Sha256Function } from '../ports/modelBytesSource';
import { facesDir } from '../../../../fixtures/faces/facesDir';

export { facesDir };

const here = dirname(fileURLToPath(import.meta.url));
/** `/work/main`-style checkout root, found from this file. */
export const repoRoot = resolve(here, '..', '..', '..', '..');
export const modelsDir = join(repoRoot, 'packages', 'models', 'files');

/** Decode a fixture photo into RGBA pixels held in `scope`. */
export async function loadFace(name: string, scope: EphemeralScope): Promise<RgbaImage> {
  const { data, info } = await sharp(join(facesDir, name)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  // A copy that the scope owns outright (sharp's Buffer may sit in a shared pool).
  const pixels = new Uint8Array(data.byteLength);
  pixels.set(data);
  data.fill(0);
  return {
    width: info.width,
    height: info.height,
    pixels: scope.hold(pixels, { kind: 'pixels', label: 'photo.pixels' }),
  };
}

/** The pinned model files, read from disk, optionally altered on the way. */
export function fileModelSource(
  alter?: (name: string, bytes: Uint8Array) => Uint8Array,
): ModelBytesSource & { readonly reads: string[] } {
  const reads: string[] = [];
  return {
    pinned: modelManifest,
    reads,
    read: async (name) => {
      reads.push(name);
      const bytes = new Uint8Array(await readFile(join(modelsDir, name)));
      return alter ? alter(name, bytes) : bytes;
    },
  };
}

/** SHA-256 through WebCrypto, as a browser adapter would supply it. */
export const webSha256: Sha256Function = async (bytes) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
