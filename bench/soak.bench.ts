/**
 * The soak (issue 11): `SOAK_RUNS` (default 500) generations in one process on the default Node
 * platform, with RSS, JS heap, external memory and tfjs tensors sampled after each (after a GC),
 * and their least-squares slope per 100 generations once the first 50 have warmed caches and the
 * JIT. A leak of one decoded photo per run would show as tens of MiB per 100 generations.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createNodePlatform, generateVideo, type Template } from '@vopop/node-adapter';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { facesDir } from '../fixtures/faces/facesDir';
import { type BenchSuite, table } from './harness';
import { consent, defaultTemplate, slope } from './pipelineKit';

const gc = (globalThis as { gc?: () => void }).gc;
const warmUp = 50;

const suite: BenchSuite = async () => {
  if (!gc) throw new Error('the soak needs --expose-gc (pnpm bench passes it)');
  const runs = Number(process.env.SOAK_RUNS ?? 500);
  await using platform = await createNodePlatform();
  // The default template cut to three frames at its full 720×1280 (its first and last
  // keyframes): every stage runs, the clip is short.
  const full = defaultTemplate() as unknown as Template;
  const keyframes = full.faceTrack.kind === 'keyframes' ? full.faceTrack.keyframes : [];
  const template = {
    ...full,
    id: `${full.id}-3-frames`,
    frameCount: 3,
    faceTrack: { kind: 'keyframes', interpolation: 'linear', keyframes: [{ ...keyframes[0]!, frame: 0 }, { ...keyframes.at(-1)!, frame: 2 }] },
  };
  const photo = readFileSync(join(facesDir, 'portrait_small.jpg'));
  const series = { rss: [] as number[], heap: [] as number[], external: [] as number[], tensors: [] as number[] };
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const result = await generateVideo({ photo: new Uint8Array(photo), consent, template }, platform);
    result.video.purge();
    gc();
    const memory = process.memoryUsage();
    series.rss.push(memory.rss / 2 ** 20);
    series.heap.push(memory.heapUsed / 2 ** 20);
    series.external.push((memory.external + memory.arrayBuffers) / 2 ** 20);
    series.tensors.push(tf.memory().numTensors);
    if ((i + 1) % 100 === 0) process.stderr.write(`bench: soak ${i + 1}/${runs}\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  const row = (name: string, values: readonly number[], digits: number, unit: string) => {
    const settled = values.slice(warmUp);
    return [
      name,
      values[0]!.toFixed(digits),
      values[warmUp]!.toFixed(digits),
      values.at(-1)!.toFixed(digits),
      Math.max(...settled).toFixed(digits),
      `${(slope(settled) * 100).toFixed(3)}${unit}`,
    ];
  };
  const section = {
    title: `Soak: ${runs} generations in one process`,
    markdown: `
\`${template.id}\` (${template.frameCount} frames at 720×1280) from
\`portrait_small.jpg\` on \`createNodePlatform()\` (residue-free decoder, wasm detection, H.264),
${runs} times in one process, a GC after each; ${seconds.toFixed(0)} s in all. Slopes are
least-squares over generations ${warmUp + 1}–${runs}, per 100 generations.

${table(
  ['measure', 'after 1st', `after ${warmUp}th`, 'last', `max after ${warmUp}th`, 'slope per 100 generations'],
  [
    row('RSS, MiB', series.rss, 1, ' MiB'),
    row('JS heap used, MiB', series.heap, 2, ' MiB'),
    row('external + ArrayBuffers, MiB', series.external, 2, ' MiB'),
    row('tfjs tensors', series.tensors, 0, ''),
  ],
)}`,
  };
  // Also on stderr: a long run's figures survive another suite rewriting docs/benchmarks.md.
  process.stderr.write(`${section.markdown}\n`);
  return [section];
};

export default suite;
