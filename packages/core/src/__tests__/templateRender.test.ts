import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BackgroundRenderer,
  builtInTemplates,
  defaultTemplateId,
  getBuiltInTemplate,
  InvalidArgumentError,
  parseTemplate,
  renderBackground,
  resolveFaceTrack,
  TemplateInvalidError,
} from '@vopop/core';

/** memcmp, not hashing: these suites compare hundreds of 3.7 MB frames. */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

describe('built-in templates', () => {
  it('has at least three, 720×1280 at 30 fps for 3 s, with unique ids and a registered default', () => {
    expect(builtInTemplates.length).toBeGreaterThanOrEqual(3);
    expect(new Set(builtInTemplates.map((t) => t.id)).size).toBe(builtInTemplates.length);
    for (const t of builtInTemplates) {
      expect([t.width, t.height, t.fps, t.frameCount]).toEqual([720, 1280, 30, 90]);
      expect(t.background.kind).toBe('procedural');
      expect(parseTemplate(structuredClone(t))).toEqual(t);
    }
    expect(getBuiltInTemplate(defaultTemplateId)?.id).toBe(defaultTemplateId);
    expect(getBuiltInTemplate('no-such-template')).toBeUndefined();
  });

  describe.each(builtInTemplates.map((t) => [t.id, t] as const))('%s background', (_id, template) => {
    const size = template.width * template.height * 4;
    let renderer: BackgroundRenderer;
    beforeAll(() => {
      renderer = new BackgroundRenderer(template);
    });

    it('renders deterministically: the same frame twice gives the same bytes, in any order', () => {
      const first = new Uint8Array(size);
      renderer.render(30, first);
      const out = new Uint8Array(size);
      renderer.render(0, out);
      renderer.render(89, out);
      renderer.render(30, out);
      expect(same(out, first)).toBe(true);
      // A fresh renderer (fresh caches) and the cached entry point agree too.
      out.fill(0);
      new BackgroundRenderer(template).render(30, out);
      expect(same(out, first)).toBe(true);
      out.fill(0);
      renderBackground(template, 30, out);
      expect(same(out, first)).toBe(true);
    });

    it('moves: every frame differs from the one before, and alpha is opaque everywhere', () => {
      const buffers = [new Uint8Array(size), new Uint8Array(size)] as const;
      for (let f = 0; f < template.frameCount; f++) {
        const out = buffers[f % 2]!;
        renderer.render(f, out);
        if (f > 0) expect(same(out, buffers[(f + 1) % 2]!), `frame ${f} equals frame ${f - 1}`).toBe(false);
      }
      const words = new Uint32Array(buffers[0].buffer);
      const alphaMask = new Uint32Array(new Uint8Array([0, 0, 0, 255]).buffer)[0]!;
      for (let i = 0; i < words.length; i++) if ((words[i]! & alphaMask) >>> 0 !== alphaMask) throw new Error(`pixel ${i} not opaque`);
    });

    it('overwrites the whole buffer (no stale bytes from the previous use)', () => {
      const a = new Uint8Array(size).fill(0);
      const b = new Uint8Array(size).fill(255);
      renderer.render(12, a);
      renderer.render(12, b);
      expect(same(a, b)).toBe(true);
    });

    it('draws into an unaligned buffer the same as into an aligned one', () => {
      const aligned = new Uint8Array(size);
      renderer.render(44, aligned);
      const unaligned = new Uint8Array(new ArrayBuffer(size + 1), 1, size);
      renderer.render(44, unaligned);
      expect(same(unaligned, aligned)).toBe(true);
    });
  });

  it('rejects bad frame indices, wrong buffer sizes and non-procedural backgrounds with InvalidArgumentError', () => {
    const template = builtInTemplates[0]!;
    const out = new Uint8Array(template.width * template.height * 4);
    for (const frame of [-1, 90, 1.5, Number.NaN]) {
      expect(() => renderBackground(template, frame, out)).toThrow(InvalidArgumentError);
    }
    expect(() => renderBackground(template, 0, new Uint8Array(16))).toThrow(InvalidArgumentError);
    const video = parseTemplate({ ...structuredClone(template), background: { kind: 'video', path: 'clip.mp4' } });
    expect(() => renderBackground(video, 0, out)).toThrow(InvalidArgumentError);
  });

  it('re-validates objects that did not come from parseTemplate', () => {
    const handMade = structuredClone(builtInTemplates[0]!) as any;
    handMade.background.generator.count = 1e9;
    expect(() => new BackgroundRenderer(handMade)).toThrow(TemplateInvalidError);
    expect(() => resolveFaceTrack({ ...handMade, faceTrack: { kind: 'points', points: [] } })).toThrow(TemplateInvalidError);
    handMade.background.generator.count = 10;
    const out = new Uint8Array(handMade.width * handMade.height * 4);
    renderBackground(handMade, 3, out);
    expect(out[3]).toBe(255);
  });

  it('keeps separate caches per template instance: two templates differing only by seed differ', () => {
    const base = structuredClone(builtInTemplates[0]!) as any;
    const reseeded = parseTemplate({ ...base, background: { ...base.background, generator: { ...base.background.generator, seed: 1 } } });
    const a = new Uint8Array(base.width * base.height * 4);
    const b = new Uint8Array(a.length);
    renderBackground(builtInTemplates[0]!, 10, a);
    renderBackground(reseeded, 10, b);
    expect(same(a, b)).toBe(false);
  });
});

describe('procedural generators at the edges of their ranges', () => {
  const colour = fc.integer({ min: 0, max: 0xffffff }).map((v) => `#${v.toString(16).padStart(6, '0')}`);
  const palette = fc.array(colour, { minLength: 1, maxLength: 12 });
  const seed = fc.integer({ min: 0, max: 0xffffffff });
  const generator = fc.oneof(
    fc.record({
      name: fc.constant('lightSweep'),
      top: colour,
      bottom: colour,
      glow: colour,
      bandWidth: fc.double({ min: 0.02, max: 1, noNaN: true }),
      periodFrames: fc.integer({ min: 2, max: 3600 }),
      angle: fc.double({ min: -80, max: 80, noNaN: true }),
      sparkles: fc.integer({ min: 0, max: 400 }),
      seed,
    }),
    fc.record({
      name: fc.constant('confetti'),
      top: colour,
      bottom: colour,
      palette,
      count: fc.integer({ min: 0, max: 600 }),
      size: fc.double({ min: 4, max: 64, noNaN: true }),
      fallFrames: fc.integer({ min: 10, max: 3600 }),
      seed,
    }),
    fc
      .record({
        name: fc.constant('bokeh'),
        top: colour,
        bottom: colour,
        palette,
        count: fc.integer({ min: 0, max: 200 }),
        minRadius: fc.double({ min: 4, max: 200, noNaN: true }),
        maxRadius: fc.double({ min: 4, max: 200, noNaN: true }),
        speed: fc.double({ min: 0, max: 40, noNaN: true }),
        seed,
      })
      .map((g) => ({ ...g, minRadius: Math.min(g.minRadius, g.maxRadius), maxRadius: Math.max(g.minRadius, g.maxRadius) })),
    fc
      .record({
        name: fc.constant('hearts'),
        top: colour,
        bottom: colour,
        palette,
        count: fc.integer({ min: 0, max: 300 }),
        minSize: fc.double({ min: 8, max: 160, noNaN: true }),
        maxSize: fc.double({ min: 8, max: 160, noNaN: true }),
        riseFrames: fc.integer({ min: 10, max: 3600 }),
        seed,
      })
      .map((g) => ({ ...g, minSize: Math.min(g.minSize, g.maxSize), maxSize: Math.max(g.minSize, g.maxSize) })),
  );

  it('draw every frame asked for, opaque, at small and odd frame sizes, without throwing', () => {
    const even = (max: number) => fc.integer({ min: 32, max: max / 2 }).map((v) => v * 2);
    fc.assert(
      fc.property(generator, even(200), even(200), fc.integer({ min: 0, max: 3599 }), (g, width, height, frame) => {
        const base = structuredClone(builtInTemplates[0]!) as any;
        const template = parseTemplate({
          ...base,
          width,
          height,
          frameCount: 3600,
          fps: 60,
          faceTrack: { kind: 'keyframes', interpolation: 'linear', keyframes: [{ frame: 0, x: width / 2, y: height / 2, scale: 32, angle: 0 }] },
          background: { kind: 'procedural', generator: g },
        });
        const out = new Uint8Array(width * height * 4);
        const again = new Uint8Array(out.length);
        const renderer = new BackgroundRenderer(template);
        renderer.render(frame, out);
        renderer.render(frame, again);
        expect(same(out, again)).toBe(true);
        for (let i = 3; i < out.length; i += 4) if (out[i] !== 255) throw new Error(`alpha ${out[i]} at byte ${i}`);
      }),
      { numRuns: 80, seed: 77 },
    );
  });
});
