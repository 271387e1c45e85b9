import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ModelIntegrityError } from '@vopop/core';
import { modelManifest } from '@vopop/models';
import { modelFilePath } from '@vopop/models/node';
import type { CliCommand } from './cliIo';
import { exitCodes } from './exitCodes';
import { parseCommandLine } from './parseCommandLine';

const usage = `Usage: vopop web-assets --out <dir> [--json]

Copies the files a web app using @vopop/web-adapter fetches at run time into <dir>, for any
bundler or server: serve <dir> at /vopop/ on the app's own origin (models at /vopop/models/,
tfjs wasm at /vopop/tfjs/, the folders createVopopClient is given). Model files are checked
against their pinned SHA-256 before they are copied. <dir>/vopop-assets.json lists every file
with its size and SHA-256, for a deploy step or a Subresource check.
  -o, --out <dir>  the folder to write (created if missing)
  --json           print the list as one JSON object instead of lines
`;

/** tfjs' single-threaded wasm binaries (the threaded one needs cross-origin isolation). */
const tfjsWasmFiles = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

/** Name of the list written beside the files. */
const webAssetListName = 'vopop-assets.json';

/** One copied file, as `vopop-assets.json` lists it. */
interface WebAssetListing {
  /** Path under the output folder (and under `/vopop/` on the site), `/`-separated. */
  readonly path: string;
  readonly bytes: number;
  /** Lowercase hex. */
  readonly sha256: string;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Copy the pinned model files and tfjs' wasm binaries into `outDir` (`models/`, `tfjs/`) and
 * write the list with hashes. A model file that does not match its pin is refused with
 * {@link ModelIntegrityError} before anything of it is written.
 */
function copyWebAssets(outDir: string): WebAssetListing[] {
  const listings: WebAssetListing[] = [];
  mkdirSync(join(outDir, 'models'), { recursive: true });
  mkdirSync(join(outDir, 'tfjs'), { recursive: true });
  for (const pinned of modelManifest) {
    const bytes = readFileSync(modelFilePath(pinned.name));
    const actual = sha256(bytes);
    if (actual !== pinned.sha256 || bytes.byteLength !== pinned.bytes) {
      throw new ModelIntegrityError(pinned.name, 'mismatch', pinned.sha256, actual, pinned.bytes, bytes.byteLength);
    }
    writeFileSync(join(outDir, 'models', pinned.name), bytes);
    listings.push({ path: `models/${pinned.name}`, bytes: bytes.byteLength, sha256: actual });
  }
  const require = createRequire(import.meta.url) // the CLI is ESM only;
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const name of tfjsWasmFiles) {
    const target = join(outDir, 'tfjs', name);
    copyFileSync(join(wasmDir, name), target);
    const bytes = readFileSync(target);
    listings.push({ path: `tfjs/${name}`, bytes: bytes.byteLength, sha256: sha256(bytes) });
  }
  writeFileSync(join(outDir, webAssetListName), `${JSON.stringify({ files: listings }, null, 2)}\n`);
  return listings;
}

/**
 * `vopop web-assets --out <dir> [--json]`: the bundler-neutral way to serve the web adapter's
 * runtime files (Vite apps can use `@vopop/web-adapter/vite` instead). Exit 0, 2 for usage, 5
 * when a model file does not match its pin.
 */
export const webAssetsCommand: CliCommand = async (args, io) => {
  const line = parseCommandLine(io, 'vopop web-assets', usage, args, { out: { type: 'string', short: 'o' } });
  if ('exitCode' in line) return line.exitCode;
  const { values, positionals, report } = line;
  if (positionals.length > 0) return report.usageError(`unexpected argument "${positionals[0]!.slice(0, 40)}"`);
  if (!values.out) return report.usageError('--out <dir> is required');
  const outDir = resolve(values.out);
  let listings: WebAssetListing[];
  try {
    listings = copyWebAssets(outDir);
  } catch (error) {
    return report.failure(error);
  }
  if (values.json) {
    io.stdout(`${JSON.stringify({ out: outDir, files: listings })}\n`);
  } else {
    const lines = listings.map((file) => `${file.sha256}  ${String(file.bytes).padStart(9)}  ${file.path}`);
    io.stdout(`${lines.join('\n')}\nwrote ${listings.length} files and ${webAssetListName} to ${outDir}; serve it at /vopop/\n`);
  }
  return exitCodes.ok;
};
