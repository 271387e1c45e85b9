import { parseTemplate } from './parseTemplate';
import type { Template } from './templateSchema';

/** What every built-in shares: portrait 720p, 30 fps, 3 s. */
const common = {
  format: 'vopop-template',
  version: 1,
  licence: 'Apache-2.0',
  width: 720,
  height: 1280,
  fps: 30,
  frameCount: 90,
} as const;

/**
 * The built-in manifests, as template authors would write them (they go through the same
 * validation as any untrusted manifest, so they double as worked examples of the format).
 */
const manifests: readonly unknown[] = [
  {
    ...common,
    id: 'confetti-pop',
    title: 'Confetti Pop',
    background: {
      kind: 'procedural',
      generator: {
        name: 'confetti',
        top: '#2a0f57',
        bottom: '#c2307f',
        palette: ['#ffd23f', '#3bceac', '#ff6b6b', '#ffffff', '#5ec8ff', '#ff9f1c'],
        count: 150,
        size: 26,
        fallFrames: 150,
        seed: 20_240_601,
      },
    },
    // The face pops in small and turned, overshoots, settles, then drifts and keeps zooming.
    faceTrack: {
      kind: 'keyframes',
      interpolation: 'cubic',
      keyframes: [
        { frame: 0, x: 360, y: 600, scale: 250, angle: -14 },
        { frame: 12, x: 360, y: 560, scale: 450, angle: 5 },
        { frame: 22, x: 360, y: 550, scale: 400, angle: -2 },
        { frame: 55, x: 376, y: 530, scale: 420, angle: 3 },
        { frame: 89, x: 352, y: 520, scale: 460, angle: -3 },
      ],
    },
    mask: { shape: 'faceOval', feather: 0.1 },
    colourMatch: { strength: 0.35 },
    cutout: 'head',
  },
  {
    ...common,
    id: 'golden-hour',
    title: 'Golden Hour',
    background: {
      kind: 'procedural',
      generator: {
        name: 'lightSweep',
        top: '#2d1b4e',
        bottom: '#e9824a',
        glow: '#ffd39a',
        bandWidth: 0.22,
        periodFrames: 90,
        angle: 20,
        sparkles: 80,
        seed: 7_071_977,
      },
    },
    // A slow push-in with a gentle tilt from one side to the other, like a handheld dolly.
    faceTrack: {
      kind: 'keyframes',
      interpolation: 'cubic',
      keyframes: [
        { frame: 0, x: 372, y: 580, scale: 330, angle: -6 },
        { frame: 45, x: 352, y: 550, scale: 385, angle: 4 },
        { frame: 89, x: 364, y: 525, scale: 445, angle: -1 },
      ],
    },
    mask: { shape: 'faceOval', feather: 0.12 },
    colourMatch: { strength: 0.5 },
    cutout: 'head',
  },
  {
    ...common,
    id: 'neon-bounce',
    title: 'Neon Bounce',
    background: {
      kind: 'procedural',
      generator: {
        name: 'bokeh',
        top: '#0a0b2e',
        bottom: '#2a0b45',
        palette: ['#ff2e88', '#00e5ff', '#8a5cff', '#ffe066'],
        count: 34,
        minRadius: 10,
        maxRadius: 70,
        speed: 3.5,
        seed: 31_337,
      },
    },
    // The face hops from side to side on the beat, leaning into each hop and landing at rest.
    faceTrack: {
      kind: 'keyframes',
      interpolation: 'ease',
      keyframes: [
        { frame: 0, x: 360, y: 560, scale: 380, angle: 0 },
        { frame: 15, x: 300, y: 500, scale: 400, angle: -9 },
        { frame: 30, x: 360, y: 565, scale: 390, angle: 0 },
        { frame: 45, x: 420, y: 500, scale: 410, angle: 9 },
        { frame: 60, x: 360, y: 565, scale: 400, angle: 0 },
        { frame: 75, x: 300, y: 500, scale: 420, angle: -9 },
        { frame: 89, x: 360, y: 545, scale: 430, angle: 0 },
      ],
    },
    mask: { shape: 'faceOval', feather: 0.08 },
    colourMatch: { strength: 0.3 },
    cutout: 'head',
  },
  {
    ...common,
    id: 'floating-hearts',
    title: 'Floating Hearts',
    background: {
      kind: 'procedural',
      generator: {
        name: 'hearts',
        top: '#ff9ab3',
        bottom: '#c2185b',
        palette: ['#ffffff', '#ff1744', '#ff80ab', '#ffd54f'],
        count: 60,
        minSize: 18,
        maxSize: 72,
        riseFrames: 160,
        seed: 14_022_024,
      },
    },
    // A gentle sway, as if carried by the hearts, closing in slowly.
    faceTrack: {
      kind: 'keyframes',
      interpolation: 'cubic',
      keyframes: [
        { frame: 0, x: 360, y: 590, scale: 340, angle: 6 },
        { frame: 30, x: 344, y: 560, scale: 375, angle: -4 },
        { frame: 60, x: 376, y: 545, scale: 400, angle: 4 },
        { frame: 89, x: 360, y: 530, scale: 430, angle: 0 },
      ],
    },
    mask: { shape: 'faceOval', feather: 0.12 },
    colourMatch: { strength: 0.3 },
    cutout: 'head',
  },
];

/**
 * The templates that ship with the SDK, validated and frozen: 720×1280, 30 fps, 3 s each, with
 * procedural backgrounds (no asset files) and keyframed camera moves.
 *
 * @public
 */
export const builtInTemplates: readonly Template[] = /*@__PURE__*/ (() =>
  // Wrapped so that bundlers can drop the whole list (and its validation) when it is unused.
  Object.freeze(manifests.map((manifest) => parseTemplate(manifest))))();

/**
 * The id of the template used when the app does not choose one.
 *
 * @public
 */
export const defaultTemplateId = 'confetti-pop';

/**
 * The built-in template with this id, or `undefined`.
 *
 * @public
 */
export function getBuiltInTemplate(id: string): Template | undefined {
  return builtInTemplates.find((template) => template.id === id);
}
