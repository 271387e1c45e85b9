/**
 * The fuzz worker, run as a child process so that the parent can see what the process itself
 * cannot: a native crash (the child dies) or a hang (the child stops reporting). It feeds inputs
 * `from`…`to - 1` of a seed through both Node decoders, a share through `generateVideo` and a
 * smaller share through the `vopop detect`/`generate` commands, and after each input checks that
 * nothing was left behind. One IPC message before and one after every input.
 *
 * Usage: node --expose-gc --conditions=@vopop/source --import tsx decodeFuzzChild.ts <json config>
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { EphemeralScope as Scope, ImageDecoder } from '@vopop/core';
import { EphemeralScope, GenerationFailedError, builtInTemplates, generateVideo, isAllZero, isVopopError } from '@vopop/core';
import { createNodePlatform } from '../packages/node-adapter/src/nodePlatform';
import { NodeImageDecoder } from '../packages/node-adapter/src/decode/nodeImageDecoder';
import { WasmImageDecoder } from '../packages/node-adapter/src/decode/wasmImageDecoder';
import { detectCommand } from '../packages/cli/src/detectCommand';
import { generateCommand } from '../packages/cli/src/generateCommand';
import type { CliIo } from '../packages/cli/src/cliIo';
import { fuzzRandom, inputSeed } from './fuzzRandom';
import { fuzzInput } from './imageMutations';
import { seedImages } from './seedImages';

/** What the parent passes. */
export interface DecodeFuzzConfig {
  readonly seed: number;
  readonly from: number;
  readonly to: number;
  /** Every `generateEvery`-th input also goes through `generateVideo`. */
  readonly generateEvery: number;
  /** Every `cliEvery`-th input also goes through `vopop detect` or `vopop generate`. */
  readonly cliEvery: number;
  /** A decode taking longer than this, in seconds, counts as a hang. */
  readonly decodeLimitS: number;
  /** A folder outside the temp dir for the files the CLI reads and writes. */
  readonly workDir: string;
}

/** The paths an input can take. */
export type FuzzPath = 'wasm-decoder' | 'sharp-decoder' | 'generateVideo' | 'vopop detect' | 'vopop generate';

/** How one path ended: `ok`, a `VopopError` code, or `UNTYPED` (a bug). */
export interface PathOutcome {
  readonly path: FuzzPath;
  readonly code: string;
  /** For UNTYPED: the error's stack (and its cause's), to report. */
  readonly stack?: string;
}

/** Messages to the parent. */
export type FuzzMessage =
  | { readonly type: 'start'; readonly index: number }
  | {
      readonly type: 'result';
      readonly index: number;
      readonly kind: string;
      readonly recipe: string;
      readonly name: string;
      readonly size: number;
      /** Time the input took, all paths (for sizing the CI budget, never asserted). */
      readonly ms: number;
      readonly outcomes: readonly PathOutcome[];
      /** Broken "leaves nothing behind" checks, each a sentence. */
      readonly violations: readonly string[];
    }
  | { readonly type: 'done' };

const config = JSON.parse(process.argv[2]!) as DecodeFuzzConfig;
const send = (message: FuzzMessage): Promise<void> =>
  new Promise((resolve, reject) => process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())));

const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'fuzz', grantedAt: '2026-12-01T00:00:00Z' } as const;
const base = builtInTemplates[0]!;
const keyframes = base.faceTrack.kind === 'keyframes' ? base.faceTrack.keyframes : [];
/** The first built-in cut to 3 frames: a photo that does hold a face costs little. */
const shortTemplate = {
  ...base,
  id: 'fuzz-short',
  frameCount: 3,
  faceTrack: { kind: 'keyframes', interpolation: 'linear', keyframes: [{ ...keyframes[0]!, frame: 0 }, { ...keyframes.at(-1)!, frame: 2 }] },
};

function outcomeOf(path: FuzzPath, error: unknown): PathOutcome {
  if (error === undefined) return { path, code: 'ok' };
  // generateVideo wraps a port's untyped error as GENERATION_FAILED: still an untyped failure.
  if (isVopopError(error) && !(error instanceof GenerationFailedError)) return { path, code: error.code };
  const cause = (error as { cause?: unknown }).cause;
  const stack = [error, cause]
    .filter((e) => e !== undefined)
    .map((e) => (e instanceof Error ? e.stack ?? String(e) : String(e)))
    .join('\ncaused by: ');
  return { path, code: 'UNTYPED', stack };
}

/**
 * The files under the temp dir (folders aside: the temp store creates and removes its own),
 * less tsx's compile cache (`tsx-<uid>/`), which is this test's TypeScript loader, not the SDK.
 */
function tempFiles(): string[] {
  const root = tmpdir();
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
    (path) => !/^tsx-\d+/.test(path) && !statSync(join(root, path)).isDirectory(),
  );
}

function resourceCounts(): string {
  // Active handles and requests by type (timers, sockets, file handles, child processes).
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  counts.delete('PipeWrap'); // the IPC channel to the parent
  counts.delete('Immediate'); // the settle step's own setImmediate, and tsx's cache housekeeping
  return [...counts].sort().map(([type, n]) => `${type}×${n}`).join(' ');
}

async function main(): Promise<void> {
  const seeds = await seedImages();
  const sandboxReleases: { verified: boolean }[] = [];
  const decoders: [FuzzPath, ImageDecoder][] = [
    ['wasm-decoder', new WasmImageDecoder({ onSandboxRelease: (release) => sandboxReleases.push(release) })],
    ['sharp-decoder', new NodeImageDecoder()],
  ];
  await using platform = await createNodePlatform();
  mkdirSync(config.workDir, { recursive: true });
  const templateFile = join(config.workDir, 'short.template.json');
  writeFileSync(templateFile, JSON.stringify(shortTemplate));
  const io: CliIo & { out: string } = { out: '', isTTY: false, stderr: () => {}, stdout: (text) => void (io.out += text) };

  // One turn of the event loop, so that callbacks a path scheduled have run before the checks.
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  // Baselines, taken after a good photo went down every path once (lazy modules, backends,
  // wasm compiles), so that a leak of the first fuzz input is not mistaken for the baseline.
  const face = seeds.find((seed) => seed.name === 'portrait_small.jpg')!.bytes;
  for (const [, decoder] of decoders) {
    using scope = new EphemeralScope({ label: 'warm-up' });
    await decoder.decode(face.slice(), scope);
  }
  (await generateVideo({ photo: face.slice(), consent, template: shortTemplate }, platform)).video.purge();
  const warmUpFile = join(config.workDir, 'warm-up.jpg');
  writeFileSync(warmUpFile, face);
  await detectCommand([warmUpFile, '--json'], io);
  rmSync(warmUpFile);
  await settle();
  const tensorsBaseline = tf.memory().numTensors;
  const resourcesBaseline = resourceCounts();

  for (let index = config.from; index < config.to; index++) {
    await send({ type: 'start', index });
    const started = performance.now();
    const input = fuzzInput(fuzzRandom(inputSeed(config.seed, index)), seeds);
    const outcomes: PathOutcome[] = [];
    const violations: string[] = [];
    const check = (ok: boolean, what: string) => void (ok || violations.push(what));

    for (const [path, decoder] of decoders) {
      // Held as the pipeline holds it, so the purge must wipe it whatever the decoder did.
      const scope: Scope = new EphemeralScope({ label: 'fuzz' });
      const bytes = scope.hold(input.bytes.slice(), { kind: 'photo-bytes', label: 'photo.bytes' }).value;
      sandboxReleases.length = 0;
      const decodeStarted = performance.now();
      const error = await decoder.decode(bytes, scope).then(() => undefined, (thrown: unknown) => thrown ?? 'undefined');
      const seconds = (performance.now() - decodeStarted) / 1000;
      outcomes.push(outcomeOf(path, error));
      // A watchdog, not a benchmark: the limit is far above any decode of an input this size.
      check(seconds <= config.decodeLimitS, `${path}: took ${seconds.toFixed(1)} s (limit ${config.decodeLimitS} s)`);
      check(scope.liveHandles === (error === undefined ? 2 : 1), `${path}: ${scope.liveHandles} live handles before purge`);
      const receipt = scope.purge();
      check(scope.liveHandles === 0, `${path}: live handles after purge`);
      check(receipt.totals.failed === 0 && receipt.totals.verified === receipt.totals.wiped, `${path}: purge not verified`);
      check(isAllZero(bytes), `${path}: input buffer not zeroed`);
      check(sandboxReleases.every((release) => release.verified), `${path}: wasm sandbox memory not verified zero`);
    }

    if (index % config.generateEvery === 0) {
      const photo = input.bytes.slice();
      const error = await generateVideo({ photo, consent, template: shortTemplate }, platform).then(
        (result) => void result.video.purge(),
        (thrown: unknown) => thrown ?? 'undefined',
      );
      outcomes.push(outcomeOf('generateVideo', error));
      check(isAllZero(photo), 'generateVideo: photo not zeroed');
    }

    if (index % config.cliEvery === 0) {
      const file = join(config.workDir, input.name);
      writeFileSync(file, input.bytes);
      const output = join(config.workDir, 'out.mp4');
      const generate = (index / config.cliEvery) % 2 === 1;
      io.out = '';
      const exitCode = generate
        ? await generateCommand([file, '--consent', '--json', '--template', templateFile, '-o', output], io)
        : await detectCommand([file, '--json'], io);
      const printed = JSON.parse(io.out.trim() || '{}') as { error?: { code: string; message: string } };
      const code = exitCode === 0 ? 'ok' : (printed.error?.code ?? `exit ${exitCode}`);
      const path: FuzzPath = generate ? 'vopop generate' : 'vopop detect';
      outcomes.push(
        exitCode === 1 || code === 'UNEXPECTED' || code === 'GENERATION_FAILED' || !printed.error && exitCode !== 0
          ? { path, code: 'UNTYPED', stack: `exit ${exitCode}: ${io.out.trim()}` }
          : { path, code },
      );
      rmSync(file, { force: true });
      rmSync(output, { force: true });
    }

    await settle();
    const tensors = tf.memory().numTensors;
    check(tensors === tensorsBaseline, `tensors ${tensors}, baseline ${tensorsBaseline}`);
    const temp = tempFiles();
    check(temp.length === 0, `files left in the temp dir: ${temp.join(', ')}`);
    const resources = resourceCounts();
    check(resources === resourcesBaseline, `active resources ${resources} (baseline ${resourcesBaseline})`);
    await send({
      type: 'result',
      index,
      kind: input.kind,
      recipe: input.recipe,
      name: input.name,
      size: input.bytes.byteLength,
      ms: performance.now() - started,
      outcomes,
      violations,
    });
  }
  await send({ type: 'done' });
}

await main();
process.disconnect();
