/**
 * The main job end to end in Node: photo → 3 s 720×1280 video with the default template, per
 * stage, and purge's share of it; then 50 generations in one process to show that memory and
 * tensors stay flat. It measures `createNodePlatform()` with its defaults, and the text names
 * the decoder, tfjs backend and codec that the run actually used (read from the platform and
 * the result, not written by hand), so the document cannot drift from the code.
 */
import * as tf from '@tensorflow/tfjs-core';
import { NodeImageDecoder, WasmImageDecoder, createNodePlatform, generateVideo, type StageTimings } from '@vopop/node-adapter';
import { type BenchSection, type BenchSuite, ms, table } from './harness';
import { consent, defaultTemplate, samplePhoto, slope } from './pipelineKit';

const gc = (globalThis as { gc?: () => void }).gc;

type Platform = Awaited<ReturnType<typeof createNodePlatform>>;
type Result = Awaited<ReturnType<typeof generateVideo>>;

/** The decoder the platform holds, in the words the docs use. */
function describeDecoder(decoder: Platform['decoder']): string {
  if (decoder instanceof WasmImageDecoder) {
    return 'the residue-free decoder (`WasmImageDecoder`: PNG in TypeScript, JPEG/WebP in a wiped WebAssembly instance)';
  }
  if (decoder instanceof NodeImageDecoder) return 'sharp decoding (`NodeImageDecoder`)';
  return `a custom decoder (\`${decoder.constructor.name}\`)`;
}

const codecWords: Readonly<Record<string, string>> = { avc: 'H.264', vp9: 'VP9' };

function describeVideo(result: Result): string {
  return `${codecWords[result.codec] ?? result.codec} in ${result.container.toUpperCase()} from the platform's encoder`;
}

const suite: BenchSuite = async () => {
  await using platform = await createNodePlatform();
  const template = defaultTemplate();
  const generate = async (t: unknown = template) => {
    const result = await generateVideo({ photo: samplePhoto(), consent, template: t }, platform);
    result.video.purge();
    return result;
  };

  const warmUp = await generate(); // warm-up: first inference, encoder start-up, JIT
  const used = `${tf.getBackend()} detection, ${describeDecoder(platform.decoder)}, ${describeVideo(warmUp)}`;
  const runs: { total: number; timings: StageTimings }[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const result = await generate();
    runs.push({ total: performance.now() - started, timings: result.timings });
  }
  runs.sort((a, b) => a.total - b.total);
  const median = runs[Math.floor(runs.length / 2)]!;
  const stages = Object.entries(median.timings) as [keyof StageTimings, number][];
  const purgeShare = median.timings.purge / median.total;

  // Soak: 50 generations of a short clip at full frame size, RSS and tensors after each.
  const short = defaultTemplate(1 / 3);
  const rss: number[] = [];
  const tensors: number[] = [];
  for (let i = 0; i < 50; i++) {
    await generate(short);
    gc?.();
    rss.push(process.memoryUsage().rss / 2 ** 20);
    tensors.push(tf.memory().numTensors);
  }
  const settled = rss.slice(10);

  const sections: BenchSection[] = [
    {
      title: 'Photo → 3 s 720×1280 video, end to end (Node)',
      markdown: `
The demo's job: \`astronaut.png\` (512×512) with the default template (\`${template.id as string}\`,
90 frames at 30 fps) on \`createNodePlatform()\` with its defaults: ${used}. Median of 5 runs
after a warm-up, in one process.

${table(
  ['stage', 'median run, ms', 'share'],
  [
    ...stages.map(([stage, value]) => [stage, ms(value), `${((value / median.total) * 100).toFixed(1)} %`]),
    ['**total**', ms(median.total), '100 %'],
  ],
)}

- Real-time ratio (video seconds / wall seconds): **${(3000 / median.total).toFixed(2)}** (goal > 1).
- Purge's share of the generation: **${(purgeShare * 100).toFixed(2)} %** (goal < 2 %).
- Fastest / slowest of the 5 runs: ${ms(runs[0]!.total)} / ${ms(runs[runs.length - 1]!.total)} ms.`,
    },
    {
      title: '50 generations in one process',
      markdown: `
A 10-frame 720×1280 clip generated 50 times in a row, with a GC after each (\`--expose-gc\`).

${table(
  ['measure', 'first', 'last', 'slope per generation (runs 11–50)'],
  [
    ['RSS, MiB', rss[0]!.toFixed(1), rss[rss.length - 1]!.toFixed(1), `${slope(settled).toFixed(3)} MiB`],
    ['tfjs tensors', String(tensors[0]), String(tensors[tensors.length - 1]), slope(tensors).toFixed(3)],
  ],
)}`,
    },
  ];
  return sections;
};

export default suite;
