/** One render in a fresh process, for the rendering benchmark: prints one JSON line. */
import { readFileSync } from 'node:fs';
import { EphemeralScope, LocalRenderer, createNodePlatform, resolveTemplate, selectFace } from '@vopop/node-adapter';
import { createNodeVideoEncoder } from '@vopop/node-adapter';
import { defaultTemplate, samplePhoto } from './pipelineKit';

const seconds = Number(process.argv[2] ?? 3);
await using platform = await createNodePlatform();
const template = resolveTemplate(defaultTemplate(seconds));
const renderer = new LocalRenderer({ encoder: await createNodeVideoEncoder() });
using scope = new EphemeralScope({ label: 'bench' });
const photo = scope.hold(samplePhoto(), { kind: 'photo-bytes', label: 'photo' });
const image = await platform.decoder.decode(photo.value, scope);
const face = selectFace(await platform.detector.detect(image, scope));
const started = performance.now();
const video = await renderer.render({ photo: image, landmarks: face.value, template }, scope);
const renderMs = performance.now() - started;
// VmHWM, not resourceUsage().maxRSS: Linux carries ru_maxrss over exec, so a child would report
// its parent's peak.
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
console.log(JSON.stringify({ seconds, renderMs, frames: video.frameCount, peakRssMiB: Number(hwm?.[1]) / 1024 }));
