import type { Template } from '@vopop/core';
import { parseTemplate } from '@vopop/core';

/**
 * The same template in `frameCount` frames: keyframes squeezed in proportion (so the whole
 * motion still plays), a per-frame track cut short. For quick runs of the harness.
 *
 * @throws Error for a template whose face track lives in a file (a v2 mesh track).
 */
export function shortenTemplate(template: Template, frameCount: number): Template {
  if (frameCount >= template.frameCount) return template;
  const track = template.faceTrack;
  if (track.kind !== 'keyframes' && track.kind !== 'points') {
    throw new Error(`shortenTemplate: template ${template.id} keeps its face track in a file; run it whole.`);
  }
  const squeeze = (frameCount - 1) / (template.frameCount - 1);
  const faceTrack =
    track.kind === 'keyframes'
      ? {
          ...track,
          keyframes: track.keyframes
            .map((k) => ({ ...k, frame: Math.round(k.frame * squeeze) }))
            // Two keyframes squeezed onto one frame: keep the later pose.
            .filter((k, i, all) => all[i + 1]?.frame !== k.frame),
        }
      : { ...track, points: track.points.slice(0, frameCount) };
  return parseTemplate({ ...template, id: `${template.id}-${frameCount}f`, frameCount, faceTrack });
}
