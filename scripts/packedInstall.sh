#!/usr/bin/env bash
# `pnpm test:packed`: the packages as an app developer gets them. Packs every package with
# `pnpm pack` (workspace versions replaced, only the `files` each package lists), installs the
# tarballs with npm into a new project in a temporary folder with nothing of this repository
# beside it (their own dependencies come from the registry), then checks:
#   - ESM import and CJS require of every entry in the exports maps, and the model files that
#     @vopop/models ships inside its tarball (no install script is needed);
#   - the `vopop` bin (from @vopop/cli): `templates`, `detect` on a photo, `web-assets` with its
#     SHA-256 list, `serve` started, asked for /health and stopped;
#   - the README's plain-JavaScript example (the block marked `snippet: packed-install`), run as
#     gen.mjs on this Node (20 in CI): it must write an H.264 720×1280 3 s video (ffprobe);
#   - a minimal Vite app that imports @vopop/web-adapter and uses @vopop/web-adapter/vite: its
#     build must contain the worker and the model and wasm files, byte for byte.
# Needs the packages built (`pnpm build`), npm, and ffprobe. Leaves nothing behind on success; on
# failure the folder is kept and named, for a look.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# @vopop/cli carries the `vopop` bin and needs @vopop/render-server (for `vopop serve`).
packages=(core models node-adapter render-server cli web-adapter)

for p in "${packages[@]}"; do
  if [ ! -f "$repo/packages/$p/dist/index.js" ]; then
    echo "packedInstall: packages/$p is not built; run pnpm build first" >&2
    exit 1
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vopop-packed-XXXXXX")
finish() {
  local status=$?
  if [ "$status" -eq 0 ]; then rm -rf "$work"; else echo "packedInstall: FAILED; the project is kept in $work" >&2; fi
}
trap finish EXIT
step() { echo "packedInstall: $*"; }

step "node $(node --version), npm $(npm --version), in $work"
node -e 'if (Number(process.versions.node.split(".")[0]) < 20) { console.error("Node 20 or later is needed"); process.exit(1); }'

# ── Pack ────────────────────────────────────────────────────────────────────────────────────
mkdir -p "$work/tarballs"
for p in "${packages[@]}"; do
  (cd "$repo/packages/$p" && pnpm pack --pack-destination "$work/tarballs" >/dev/null)
done
models_tgz=$(ls "$work"/tarballs/vopop-models-*.tgz)
shipped=$(tar -tzf "$models_tgz" | grep -c '^package/files/.*\.\(json\|bin\)$' || true)
step "packed: $(cd "$work/tarballs" && ls | tr '\n' ' ')(@vopop/models carries $shipped model files)"
# Every file the models' manifest pins (graphs and weights), checked again after the install.
pinned=$(node -p "require('$repo/packages/models/dist/index.cjs').modelManifest.length")
export PINNED_MODEL_FILES=$pinned
[ "$shipped" -eq "$pinned" ] || { echo "packedInstall: @vopop/models must ship its $pinned pinned model files, not $shipped" >&2; exit 1; }

# ── Install into a new project ──────────────────────────────────────────────────────────────
app="$work/app"
mkdir -p "$app"
cd "$app"
npm init -y >/dev/null
vite_version=$(node -p "require('$repo/package.json').devDependencies.vite")
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz "vite@$vite_version"
step "installed: $(node -p "Object.keys(require('./package.json').dependencies).join(', ')")"

# ── ESM and CJS ─────────────────────────────────────────────────────────────────────────────
cat > esm.mjs <<'EOF'
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as core from '@vopop/core';
import * as models from '@vopop/models';
import { modelFilePaths } from '@vopop/models/node';
import * as node from '@vopop/node-adapter';
import { exitCodes } from '@vopop/cli';
import { vopopAssetFiles, vopopAssets, vopopCsp } from '@vopop/web-adapter/vite';

assert.equal(typeof core.generateVideo, 'function');
assert.equal(typeof node.createNodePlatform, 'function');
assert.equal(node.generateVideo, core.generateVideo, 'the adapter re-exports the same core');
assert.equal(models.modelManifest.length, Number(process.env.PINNED_MODEL_FILES));
for (const file of Object.values(modelFilePaths())) assert.ok(existsSync(file), file);
for (const asset of vopopAssetFiles()) assert.ok(existsSync(asset.file), asset.file);
assert.equal(vopopAssets().name, 'vopop-assets');
assert.match(vopopCsp, /default-src 'none'/);
assert.equal(exitCodes.consent, 8);
console.log('ESM: @vopop/core, @vopop/models(/node), @vopop/node-adapter, @vopop/cli, @vopop/web-adapter/vite');
EOF
node esm.mjs

cat > cjs.cjs <<'EOF'
const assert = require('node:assert/strict');
const { existsSync } = require('node:fs');
const core = require('@vopop/core');
const models = require('@vopop/models');
const { modelFilePaths } = require('@vopop/models/node');
const node = require('@vopop/node-adapter');
const { exitCodes } = require('@vopop/cli');
const { vopopAssetFiles } = require('@vopop/web-adapter/vite');

assert.equal(typeof core.generateVideo, 'function');
assert.equal(typeof node.createNodePlatform, 'function');
assert.equal(models.modelManifest.length, Number(process.env.PINNED_MODEL_FILES));
for (const file of Object.values(modelFilePaths())) assert.ok(existsSync(file), file);
for (const asset of vopopAssetFiles()) assert.ok(existsSync(asset.file), asset.file);
assert.equal(exitCodes.consent, 8);
console.log('CJS: @vopop/core, @vopop/models(/node), @vopop/node-adapter, @vopop/cli, @vopop/web-adapter/vite');
EOF
node cjs.cjs

# ── The vopop bin ───────────────────────────────────────────────────────────────────────────
cp "$repo/fixtures/faces/portrait.jpg" me.jpg
npx --no-install vopop templates --json | node -e '
  const { templates } = JSON.parse(require("fs").readFileSync(0, "utf8"));
  if (!templates.some((t) => t.id === "confetti-pop")) throw new Error("no confetti-pop");
  console.log(`bin: vopop templates lists ${templates.length}`);'
npx --no-install vopop detect me.jpg --json | node -e '
  const found = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const faces = found.faces ?? [found.face ?? found];
  if (!Array.isArray(faces) || faces.length === 0 || found.error) throw new Error(JSON.stringify(found));
  console.log(`bin: vopop detect me.jpg found ${faces.length} face(s)`);'
npx --no-install vopop web-assets --out web-assets --json >/dev/null
node -e '
  const { createHash } = require("crypto");
  const { readFileSync } = require("fs");
  const { files } = JSON.parse(readFileSync("web-assets/vopop-assets.json", "utf8"));
  for (const f of files) {
    const bytes = readFileSync(`web-assets/${f.path}`);
    if (bytes.length !== f.bytes || createHash("sha256").update(bytes).digest("hex") !== f.sha256) throw new Error(f.path);
  }
  // The pinned model files and the two tfjs wasm binaries.
  if (files.length !== Number(process.env.PINNED_MODEL_FILES) + 2) throw new Error(`${files.length} files listed`);
  console.log(`bin: vopop web-assets wrote ${files.length} files, each matching its listed SHA-256`);'

# vopop serve starts @vopop/render-server (its dependencies came from the registry), answers
# /health, and stops on SIGTERM: the top process ends, its worker notices and shuts down cleanly.
./node_modules/.bin/vopop serve --port 0 --json > serve.log 2>&1 &
serve_pid=$!
for _ in $(seq 1 300); do grep -q '"event":"listening"' serve.log && break; sleep 0.2; done
node -e '
  const line = require("fs").readFileSync("serve.log", "utf8").split("\n").find((l) => l.includes("\"listening\""));
  if (!line) throw new Error("vopop serve did not start");
  const { url, keyId } = JSON.parse(line);
  fetch(`${url}/health`).then((r) => {
    if (r.status !== 200) throw new Error(`/health answered ${r.status}`);
    console.log(`bin: vopop serve listened on ${url} (receipt key ${keyId.slice(0, 8)}…), /health 200`);
  });' || { cat serve.log >&2; exit 1; }
kill -TERM "$serve_pid"
for _ in $(seq 1 300); do grep -q '"event":"stopped"' serve.log && break; sleep 0.2; done
grep -q '"event":"stopped"' serve.log || { cat serve.log >&2; echo "packedInstall: vopop serve did not stop" >&2; exit 1; }

# ── The README's plain-JavaScript example, as written ───────────────────────────────────────
(cd "$repo" && node --import tsx scripts/docSnippets.ts extract packed-install README.md) > gen.mjs
node gen.mjs 2>gen.log || { cat gen.log >&2; exit 1; } # stderr: its progress line
probe=$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height:format=duration -of json me.mp4)
PROBE="$probe" node -e '
  const { streams: [video], format } = JSON.parse(process.env.PROBE);
  const duration = Number(format.duration);
  if (video.codec_name !== "h264" || video.width !== 720 || video.height !== 1280 || Math.abs(duration - 3) > 0.1) {
    throw new Error(process.env.PROBE);
  }
  console.log(`README example: me.mp4 is ${video.codec_name} ${video.width}x${video.height}, ${duration} s (ffprobe)`);'

# ── A minimal Vite app built with the published plugin ──────────────────────────────────────
mkdir -p vite-app/src
cat > vite-app/index.html <<'EOF'
<!doctype html>
<html><head><meta charset="utf-8"><title>vopop packed</title></head>
<body><script type="module" src="/src/main.js"></script></body></html>
EOF
cat > vite-app/src/worker.js <<'EOF'
import { exposeVopopWorker } from '@vopop/web-adapter';
exposeVopopWorker();
EOF
cat > vite-app/src/main.js <<'EOF'
import { createVopopClient } from '@vopop/web-adapter';
import { vopopAssetPaths } from './paths.js';

export const client = createVopopClient({
  worker: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
  modelsUrl: vopopAssetPaths.models,
  wasmUrl: vopopAssetPaths.wasm,
});
EOF
echo "export const vopopAssetPaths = { models: '/vopop/models/', wasm: '/vopop/tfjs/' };" > vite-app/src/paths.js
cat > vite-app/vite.config.mjs <<'EOF'
import { defineConfig } from 'vite';
import { vopopAssets } from '@vopop/web-adapter/vite';

export default defineConfig({ plugins: [vopopAssets()], worker: { format: 'es' }, logLevel: 'warn' });
EOF
(cd vite-app && npx --no-install vite build >/dev/null)
node -e '
  const { readFileSync, readdirSync } = require("fs");
  const { files } = JSON.parse(readFileSync("web-assets/vopop-assets.json", "utf8"));
  for (const f of files) {
    if (!readFileSync(`vite-app/dist/vopop/${f.path}`).equals(readFileSync(`web-assets/${f.path}`))) throw new Error(f.path);
  }
  const chunks = readdirSync("vite-app/dist/assets");
  if (!chunks.some((name) => /^worker-.*\.js$/.test(name))) throw new Error(`no worker chunk in ${chunks}`);
  console.log(`Vite app: built with @vopop/web-adapter/vite; ${files.length} files under dist/vopop/ match vopop web-assets, worker chunk emitted`);'

step "all checks passed"
