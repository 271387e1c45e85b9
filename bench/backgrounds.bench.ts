/**
 * Recorded template backgrounds against the procedural one: the render stage of the same 3 s
 * 720×1280 30 fps H.264 template, with the same face track, whose background is the default
 * built-in's generator (the baseline), an H.264 MP4 of that same background, 90 JPEGs of it, or
 * one JPEG as a still. The recorded assets are made here, once, from the procedural frames (the
 * video with the SDK's own encoder, the JPEGs with sharp) in a temp folder removed afterwards.
 *
 * Each measurement is a fresh Node process (bench/backgroundChild.ts): one warm-up render, one
 * timed render with its peak RSS, and the background alone (`BackgroundRenderer.render` or the
 * background source's `next()`, 90 frames). The four cases run in turn, three rounds.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { BackgroundRenderer, EphemeralScope, createNodeVideoEncoder, resolveTemplate } from '@vopop/node-adapter';
import { type BenchSection, type BenchSuite, ratio, table } from './harness';
import { defaultTemplate, repoRoot } from './pipelineKit';

const seconds = 3;
const rounds = 3;
const jpegQuality = 90;
const run = promisify(execFile);

interface ChildResult {
  renderMs: number;
  frames: number;
  outputBytes: number;
  backgroundMs: number;
  restingRssMiB: number;
  peakRssMiB: number;
  peakReset: boolean;
}

const cases = ['procedural', 'video', 'frames', 'framesWasm', 'still'] as const;
type Case = (typeof cases)[number];

const describeCase: Record<Case, string> = {
  procedural: 'procedural (built-in generator)',
  video: 'video (H.264 MP4, decoded per frame)',
  frames: `frames (90 JPEGs, q${jpegQuality}, one decoded per frame by sharp, the default)`,
  framesWasm: `frames, the same JPEGs decoded by the residue-free WebAssembly decoder`,
  still: `still (1 JPEG, q${jpegQuality}, decoded once)`,
};

/** Write the MP4, the JPEGs and one manifest per recorded case into `folder`; returns the asset sizes. */
async function makeAssets(folder: string): Promise<Record<Exclude<Case, 'procedural' | 'framesWasm'>, number>> {
  const base = defaultTemplate(seconds);
  const template = resolveTemplate(base);
  const { width, height, fps, frameCount } = template;
  const painter = new BackgroundRenderer(template);
  const frame = new Uint8Array(width * height * 4);
  const encoder = await createNodeVideoEncoder();
  using scope = new EphemeralScope({ label: 'bench.background-video' });
  const session = await encoder.open({ width, height, fps, frameCount, codec: 'avc' }, scope);
  mkdirSync(join(folder, 'frames'));
  const framePaths: string[] = [];
  let framesBytes = 0;
  try {
    for (let i = 0; i < frameCount; i++) {
      painter.render(i, frame);
      const jpeg = await sharp(frame, { raw: { width, height, channels: 4 } }).jpeg({ quality: jpegQuality }).toBuffer();
      const path = `frames/${String(i).padStart(4, '0')}.jpg`;
      writeFileSync(join(folder, path), jpeg);
      framePaths.push(path);
      framesBytes += jpeg.byteLength;
      if (i === 0) writeFileSync(join(folder, 'still.jpg'), jpeg);
      await session.addFrame(frame);
    }
  } catch (error) {
    await session.cancel().catch(() => undefined);
    throw error;
  }
  const video = await session.finish();
  writeFileSync(join(folder, 'background.mp4'), video.bytes.value);
  const backgrounds = {
    video: { kind: 'video', path: 'background.mp4' },
    frames: { kind: 'frames', frames: framePaths },
    still: { kind: 'frames', frames: ['still.jpg'] },
  } as const;
  for (const [name, background] of Object.entries(backgrounds)) {
    writeFileSync(join(folder, `${name}.json`), JSON.stringify({ ...base, id: `bench-${name}`, background }));
  }
  return {
    video: statSync(join(folder, 'background.mp4')).size,
    frames: framesBytes,
    still: statSync(join(folder, 'still.jpg')).size,
  };
}

async function runChild(target: string, decoder: 'sharp' | 'wasm'): Promise<ChildResult> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(repoRoot, 'bench', 'backgroundChild.ts'), target, decoder],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mib = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(2);

const suite: BenchSuite = async () => {
  const folder = mkdtempSync(join(tmpdir(), 'vopop-bench-backgrounds-'));
  const cleanup = () => rmSync(folder, { recursive: true, force: true });
  // try/finally covers errors; these cover an interrupted run (the children get the signal too).
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once('exit', cleanup);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let sizes: Record<Exclude<Case, 'procedural' | 'framesWasm'>, number>;
  const results = Object.fromEntries(cases.map((name) => [name, [] as ChildResult[]])) as Record<Case, ChildResult[]>;
  try {
    sizes = await makeAssets(folder);
    for (let round = 0; round < rounds; round++) {
      for (const name of cases) {
        const manifest = name === 'framesWasm' ? 'frames' : name;
        const target = name === 'procedural' ? 'procedural' : join(folder, `${manifest}.json`);
        const result = await runChild(target, name === 'framesWasm' ? 'wasm' : 'sharp');
        results[name].push(result);
        process.stderr.write(`  ${name} round ${round + 1}: render ${result.renderMs.toFixed(0)} ms, background ${result.backgroundMs.toFixed(0)} ms\n`);
      }
    }
  } finally {
    cleanup();
    process.removeListener('exit', cleanup);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  const summary = Object.fromEntries(
    cases.map((name) => {
      const runs = results[name];
      const frames = runs[0]!.frames;
      return [
        name,
        {
          frames,
          renderMs: median(runs.map((r) => r.renderMs)),
          renderRange: `${Math.min(...runs.map((r) => r.renderMs)).toFixed(0)}–${Math.max(...runs.map((r) => r.renderMs)).toFixed(0)}`,
          backgroundMs: median(runs.map((r) => r.backgroundMs)),
          peakRssMiB: median(runs.map((r) => r.peakRssMiB)),
          aboveRestingMiB: median(runs.map((r) => r.peakRssMiB - r.restingRssMiB)),
          restingRssMiB: median(runs.map((r) => r.restingRssMiB)),
          peakReset: runs.every((r) => r.peakReset),
        },
      ];
    }),
  ) as Record<Case, { frames: number; renderMs: number; renderRange: string; backgroundMs: number; peakRssMiB: number; aboveRestingMiB: number; restingRssMiB: number; peakReset: boolean }>;
  const base = summary.procedural;
  const perFrame = (name: Case) => summary[name].renderMs / summary[name].frames;
  const bgPerFrame = (name: Case) => summary[name].backgroundMs / summary[name].frames;
  const extra = (name: Case) => perFrame(name) - perFrame('procedural');
  const bgExtra = (name: Case) => bgPerFrame(name) - bgPerFrame('procedural');
  const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
  const peakNote = cases.every((name) => summary[name].peakReset)
    ? `Peak RSS is the high-water mark (\`VmHWM\`) over the timed render alone (reset through
\`/proc/self/clear_refs\` after the warm-up and a GC); it includes the loaded models, the encoder
and whatever the warm-up left allocated. "Above resting" is that peak less the RSS just before the
timed render.`
    : `Peak RSS is the process's high-water mark (\`VmHWM\`, warm-up render included: this kernel
would not reset it); it includes the loaded models and the encoder. "Above resting" is that peak
less the RSS just before the timed render.`;
  const signedMiB = (diff: number) => `${diff >= 0 ? '+' : '−'}${Math.abs(diff).toFixed(0)}`;
  const peakDiff = (name: Case) => signedMiB(summary[name].peakRssMiB - base.peakRssMiB);
  const restingDiff = (name: Case) => signedMiB(summary[name].restingRssMiB - base.restingRssMiB);

  const sizeOf: Record<Case, string> = {
    procedural: '–',
    video: `${mib(sizes.video)} MiB`,
    frames: `${mib(sizes.frames)} MiB`,
    framesWasm: `${mib(sizes.frames)} MiB`,
    still: `${(sizes.still / 1024).toFixed(0)} KiB`,
  };

  const sections: BenchSection[] = [
    {
      title: 'Backgrounds: recorded against procedural',
      markdown: `
The render stage only (photo decoded, face detected once), the default template stretched to
${seconds} s, 720×1280 at 30 fps, H.264, same face track; only the background differs. The video
and the JPEGs are that same procedural background, made in this run (the video with the SDK's
encoder at its default bitrate; the JPEGs with sharp) and read by the Node platform's renderer,
which decodes template images with sharp: they are not personal data, so the residue-free
WebAssembly decoder that photos get is not needed, and the row below it shows what it would cost. Each run is a fresh Node process: one warm-up render,
then the timed one; the cases alternate, ${rounds} rounds, medians shown. "Background alone" times
drawing or reading the ${base.frames} background frames with nothing else (\`BackgroundRenderer.render\`,
or the source's \`open\` + \`next()\`).
${peakNote}

${table(
  ['background', 'assets', 'render ms (min–max)', 'ms / frame', '× procedural', 'background alone, ms / frame', 'peak RSS MiB', 'above resting MiB'],
  cases.map((name) => [
    describeCase[name],
    sizeOf[name],
    `${summary[name].renderMs.toFixed(0)} (${summary[name].renderRange})`,
    perFrame(name).toFixed(2),
    name === 'procedural' ? '1.00' : `**${ratio(summary[name].renderMs, base.renderMs)}**`,
    bgPerFrame(name).toFixed(2),
    summary[name].peakRssMiB.toFixed(0),
    summary[name].aboveRestingMiB.toFixed(0),
  ]),
)}

- Where the extra time goes, per frame against procedural: the video background changes the
  render by ${signed(extra('video'))} ms, and decoding a video frame alone costs ${signed(bgExtra('video'))} ms
  against drawing the procedural one; the JPEG sequence changes it by ${signed(extra('frames'))} ms, and
  reading and decoding one JPEG alone costs ${signed(bgExtra('frames'))} ms (with the WebAssembly
  decoder: ${signed(extra('framesWasm'))} and ${signed(bgExtra('framesWasm'))} ms); a still changes it by
  ${signed(extra('still'))} ms (one decode when the background opens, then a copy per frame). The
  two figures differ because a recorded background's next frame is decoded while the current one
  is composited and encoded: that hides some of its cost, or adds to it where the decode and the
  encoder compete for the same cores.
- Decoding the JPEGs with sharp instead of the WebAssembly decoder: the render takes
  **${ratio(summary.frames.renderMs, summary.framesWasm.renderMs)}** of the time.
- Peak RSS against procedural: video ${peakDiff('video')} MiB, frames ${peakDiff('frames')} MiB,
  still ${peakDiff('still')} MiB. Resting RSS (before the timed render, after the warm-up and a GC)
  against procedural: video ${restingDiff('video')} MiB, frames ${restingDiff('frames')} MiB, still
  ${restingDiff('still')} MiB, i.e. memory the first render's background left allocated.`,
    },
  ];
  return sections;
};

export default suite;
