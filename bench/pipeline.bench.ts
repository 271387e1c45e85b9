/**
 * The main job end to end in Node: photo → 3 s 720×1280 video with the default template, per
 * stage, and purge's share of it; then 50 generations in one process to show that memory and
 * tensors stay flat. It measures `createNodePlatform()` with its defaults, and the text names
 * the decoder, tfjs backend and codec that the run actually used (read from the platform and
 * the result, not written by hand), so the document cannot drift from the code.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import {
  EphemeralScope,
  LocalRenderer,
  NodeImageDecoder,
  WasmImageDecoder,
  createNodePersonSegmenter,
  createNodePlatform,
  createNodeVideoEncoder,
  generateVideo,
  resolveTemplate,
  selectFace,
  type EncodedVideo,
  type StageTimings,
  type VideoEncoderPort,
} from '@vopop/node-adapter';
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

/** CPU time of the calling thread so far, in ms (Linux: /proc/thread-self/stat, 10 ms ticks). */
function mainThreadCpuMs(): number {
  const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** CPU time of the whole process (every thread) so far, in ms. */
function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

interface StageCost {
  readonly wall: number;
  readonly cpu: number;
  readonly mainCpu: number;
}

const medianOf = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The render stage against the encoder alone, on the same frames, in one run: the 90 frames the
 * render stage produces are captured once (held in a scope, wiped after), then three cases run
 * interleaved: the render stage as `generateVideo` runs it (compositing and encoding), the
 * compositing alone (an encoder that drops the frames), and the platform's encoder alone fed
 * the captured frames (RGBA→I420 in JavaScript, VideoFrame, mediabunny, x264). Wall time, the
 * process's CPU time (every thread) and the main thread's, per case.
 */
async function renderAgainstEncoder(platform: Platform, runs: number): Promise<Record<'render' | 'composite' | 'encode', StageCost>> {
  await using scope = new EphemeralScope({ label: 'bench.render-vs-encode' });
  const template = resolveTemplate(defaultTemplate());
  const { width, height, frameCount, fps } = template;
  const photo = scope.hold(samplePhoto(), { kind: 'photo-bytes', label: 'photo' });
  const image = await platform.decoder.decode(photo.value, scope);
  const face = selectFace(await platform.detector.detect(image, scope));
  using segmenter = await createNodePersonSegmenter();
  const encoder = await createNodeVideoEncoder();
  const frames = Array.from({ length: frameCount }, (_, i) =>
    scope.hold(new Uint8Array(width * height * 4), { kind: 'frame', label: `frame.${i}` }),
  );
  let capture = true;
  // Takes the frames and returns a one-byte "video": the render stage minus the encoder.
  const dropping: VideoEncoderPort = {
    async open(options, held) {
      let added = 0;
      return {
        codec: 'avc',
        container: 'mp4',
        get framesAdded() {
          return added;
        },
        async addFrame(rgba) {
          if (capture) frames[added]!.value.set(rgba);
          added++;
        },
        async finish(): Promise<EncodedVideo> {
          return {
            bytes: held.hold(new Uint8Array(1), { kind: 'video', label: 'video.dropped' }),
            container: 'mp4', codec: 'avc', mimeType: 'video/mp4', width, height, fps, frameCount: added, durationSec: added / fps,
          };
        },
        async cancel() {},
        async [Symbol.asyncDispose]() {},
      };
    },
  };
  const job = { photo: image, landmarks: face.value, template };
  const renderers = {
    render: new LocalRenderer({ encoder, segmenter }),
    composite: new LocalRenderer({ encoder: dropping, segmenter }),
  };
  (await renderers.composite.render(job, scope)).bytes.purge();
  capture = false;
  const cases: Record<'render' | 'composite' | 'encode', () => Promise<void>> = {
    render: async () => {
      const video = await renderers.render.render(job, scope);
      video.bytes.purge();
    },
    composite: async () => {
      const video = await renderers.composite.render(job, scope);
      video.bytes.purge();
    },
    encode: async () => {
      const session = await encoder.open({ width, height, fps, frameCount, codec: 'avc' }, scope);
      for (const frame of frames) await session.addFrame(frame.value);
      (await session.finish()).bytes.purge();
    },
  };
  const names = Object.keys(cases) as (keyof typeof cases)[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as StageCost[]])) as Record<keyof typeof cases, StageCost[]>;
  for (let i = -1; i < runs; i++) {
    for (const name of names) {
      gc?.();
      const [wall0, cpu0, main0] = [performance.now(), processCpuMs(), mainThreadCpuMs()];
      await cases[name]();
      const cost = { wall: performance.now() - wall0, cpu: processCpuMs() - cpu0, mainCpu: mainThreadCpuMs() - main0 };
      if (i >= 0) samples[name].push(cost); // run -1 is the warm-up
    }
  }
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        wall: medianOf(samples[name].map((c) => c.wall)),
        cpu: medianOf(samples[name].map((c) => c.cpu)),
        mainCpu: medianOf(samples[name].map((c) => c.mainCpu)),
      },
    ]),
  ) as Record<keyof typeof cases, StageCost>;
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

  // After the soak: the captured frames (330 MiB) would raise the soak's starting RSS.
  const stage = await renderAgainstEncoder(platform, 5);
  const defaultFrames = resolveTemplate(template).frameCount;
  const throughput = stage.encode.wall / stage.render.wall;
  // What an idle 2-core machine would allow, from CPU times (which a loaded machine inflates far
  // less than wall times). The encoder alone can finish no sooner than its busiest thread (x264's,
  // everything but the main thread's share) or half its CPU; the render stage no sooner than half
  // its CPU or its main thread's CPU, and no sooner than half its CPU even if the encoder's
  // main-thread share (conversion, VideoFrame, mediabunny, GC) moved to a worker.
  const encoderFloor = Math.max(stage.encode.cpu - stage.encode.mainCpu, stage.encode.mainCpu, stage.encode.cpu / 2);
  const renderFloor = Math.max(stage.render.cpu / 2, stage.render.mainCpu);
  const workerFloor = Math.max(stage.render.cpu / 2, stage.render.mainCpu - stage.encode.mainCpu);

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
      title: 'Render stage against the encoder alone (same frames)',
      markdown: `
The render stage of the job above (default template, 90 frames of 720×1280, head cut-out and mesh
face) against the platform's H.264 encoder alone fed the same 90 frames, captured from the render
stage beforehand; and the compositing alone (an encoder that drops the frames). Interleaved,
median of 5 after a warm-up, in one process. CPU is the process's (every thread: x264 runs on its
own) and the main thread's (\`/proc/thread-self/stat\`, 10 ms ticks).

${table(
  ['case', 'wall ms', 'frames/s', 'process CPU ms', 'CPU ÷ wall', 'main-thread CPU ms'],
  (['render', 'composite', 'encode'] as const).map((name) => [
    { render: 'render stage (composite + encode)', composite: 'compositing alone', encode: 'encoder alone' }[name],
    ms(stage[name].wall),
    ((defaultFrames * 1000) / stage[name].wall).toFixed(0),
    ms(stage[name].cpu),
    (stage[name].cpu / stage[name].wall).toFixed(2),
    ms(stage[name].mainCpu),
  ]),
)}

- Render-stage throughput ÷ encoder-alone throughput, wall time: **${throughput.toFixed(2)}×** (goal ≥ 0.9×).
- From CPU times, on an idle 2-core machine: the encoder alone needs about
  ${ms(encoderFloor)} ms (its busiest thread), the render stage at least ${ms(renderFloor)} ms
  (max of CPU ÷ 2 and its main thread), so at most **${(encoderFloor / renderFloor).toFixed(2)}×**; with
  the encoder's main-thread work moved to a worker thread at least ${ms(workerFloor)} ms, at most
  **${(encoderFloor / workerFloor).toFixed(2)}×**. A worker moves CPU time, it does not remove it: the
  sum of the two stages' CPU over two cores is the floor.`,
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
