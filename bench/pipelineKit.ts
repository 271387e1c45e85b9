/** Shared pieces of the pipeline and rendering benchmarks. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtInTemplates, defaultTemplateId } from '@vopop/node-adapter';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const samplePhoto = (): Uint8Array => readFileSync(join(repoRoot, 'examples/node-cli/astronaut.png'));
export const consent = {
  purpose: 'face-video',
  processing: 'on-device',
  noticeVersion: 'bench',
  grantedAt: '2026-11-29T00:00:00Z',
} as const;

/** The default built-in template, optionally stretched to `seconds` by scaling its keyframes. */
export function defaultTemplate(seconds?: number): Record<string, unknown> {
  const base = builtInTemplates.find((t) => t.id === defaultTemplateId)!;
  if (seconds === undefined) return base as unknown as Record<string, unknown>;
  const frameCount = Math.round(seconds * base.fps);
  const stretch = (frameCount - 1) / (base.frameCount - 1);
  const track = base.faceTrack;
  return {
    ...base,
    id: `${base.id}-${Math.round(seconds * 1000)}ms`,
    frameCount,
    faceTrack:
      track.kind === 'keyframes'
        ? { ...track, keyframes: track.keyframes.map((k) => ({ ...k, frame: Math.round(k.frame * stretch) })) }
        : track,
  };
}

/** Least-squares slope of `values` against their index. */
export function slope(values: readonly number[]): number {
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}
