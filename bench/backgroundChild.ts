/**
 * One background case in a fresh process, for the backgrounds benchmark: prints one JSON line.
 *
 * `backgroundChild.ts procedural` renders the stretched default template (3 s); `backgroundChild.ts
 * MANIFEST [sharp|wasm]` renders a template loaded from disk (its files read by the renderer), its
 * images decoded by sharp (the default) or the residue-free WebAssembly decoder. The photo is
 * decoded and its face detected once; then one untimed warm-up render, one timed render (peak
 * RSS measured over it alone), and one timed pass of the background by itself.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  BackgroundRenderer,
  EphemeralScope,
  LocalRenderer,
  NodeImageDecoder,
  RecordedBackgroundSource,
  type Template,
  type TemplateAssets,
  WasmImageDecoder,
  createNodePlatform,
  createNodeVideoEncoder,
  loadTemplateFile,
  resolveTemplate,
  selectFace,
} from '@vopop/node-adapter';
import { defaultTemplate, samplePhoto } from './pipelineKit';

const target = process.argv[2] ?? 'procedural';
// `wasm`: decode `frames` images with the residue-free decoder photos get, instead of the
// background source's default (sharp), to show what the default saves.
const imageDecoder = process.argv[3] === 'wasm' ? new WasmImageDecoder({ label: 'background.pixels' }) : undefined;
const gc = (globalThis as { gc?: () => void }).gc;

function status(field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match?.[1]) / 1024;
}

/** Reset VmHWM to the current RSS (Linux ≥ 4.0); false where the kernel refuses. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

let template: Template;
let assets: TemplateAssets | undefined;
if (target === 'procedural') {
  template = resolveTemplate(defaultTemplate(3));
} else {
  ({ template, assets } = await loadTemplateFile(target));
}

await using platform = await createNodePlatform();
const renderer = new LocalRenderer({
  encoder: await createNodeVideoEncoder(),
  backgroundImages: imageDecoder ?? new NodeImageDecoder({ label: 'background.pixels' }),
});
using scope = new EphemeralScope({ label: 'bench' });
const photo = scope.hold(samplePhoto(), { kind: 'photo-bytes', label: 'photo' });
const image = await platform.decoder.decode(photo.value, scope);
const face = selectFace(await platform.detector.detect(image, scope));
const job = { photo: image, landmarks: face.value, template, ...(assets ? { assets } : {}) };

async function renderOnce(): Promise<{ ms: number; frames: number; bytes: number }> {
  using renderScope = new EphemeralScope({ label: 'bench.render' });
  const started = performance.now();
  const video = await renderer.render(job, renderScope);
  const ms = performance.now() - started;
  return { ms, frames: video.frameCount, bytes: video.bytes.value.byteLength };
}

// Warm-up: JIT, encoder and decoder start-up, file cache.
await renderOnce();
gc?.();
const restingRssMiB = status('VmRSS');
const peakReset = resetPeak();
const timed = await renderOnce();
const peakRssMiB = status('VmHWM');

/** The background alone: open (or construct) it and draw every frame into one buffer. */
async function backgroundOnly(): Promise<number> {
  const out = new Uint8Array(template.width * template.height * 4);
  const started = performance.now();
  if (assets === undefined) {
    const painter = new BackgroundRenderer(template);
    for (let i = 0; i < template.frameCount; i++) painter.render(i, out);
  } else {
    using bgScope = new EphemeralScope({ label: 'bench.background' });
    const source = new RecordedBackgroundSource(assets, imageDecoder ?? new NodeImageDecoder({ label: 'background.pixels' }));
    await using frames = await source.open(template, bgScope);
    for (let i = 0; i < template.frameCount; i++) await frames.next(out);
  }
  return performance.now() - started;
}

const backgroundMs = await backgroundOnly();

console.log(
  JSON.stringify({
    renderMs: timed.ms,
    frames: timed.frames,
    outputBytes: timed.bytes,
    backgroundMs,
    restingRssMiB,
    peakRssMiB,
    peakReset,
  }),
);
