import { describe, expect, it } from 'vitest';
import {
  builtInTemplates,
  canonicalFivePoints,
  InvalidArgumentError,
  parseTemplate,
  resolveFaceTrack,
} from '@vopop/core';
import { similarityFivePoints } from '../templates/resolveFaceTrack';

function withKeyframes(interpolation: 'linear' | 'ease' | 'cubic', keyframes: object[]) {
  const base = structuredClone(builtInTemplates[0]!) as any;
  return parseTemplate({ ...base, faceTrack: { kind: 'keyframes', interpolation, keyframes } });
}

const eyeDistance = (p: Float32Array) => Math.hypot(p[2]! - p[0]!, p[3]! - p[1]!);

describe('resolveFaceTrack', () => {
  it.each(builtInTemplates.map((t) => [t.id, t] as const))(
    '%s: every frame keeps all five points inside the frame, with a sizeable face that moves smoothly',
    (_id, template) => {
      const track = resolveFaceTrack(template);
      const p = new Float32Array(10);
      let previous: Float32Array | undefined;
      let moved = 0;
      for (let f = 0; f < template.frameCount; f++) {
        track(f, p);
        for (let i = 0; i < 10; i += 2) {
          expect(p[i]).toBeGreaterThanOrEqual(0);
          expect(p[i]).toBeLessThanOrEqual(template.width);
          expect(p[i + 1]).toBeGreaterThanOrEqual(0);
          expect(p[i + 1]).toBeLessThanOrEqual(template.height);
        }
        expect(eyeDistance(p)).toBeGreaterThan(template.width * 0.08);
        if (previous !== undefined) {
          let step = 0;
          for (let i = 0; i < 10; i++) step = Math.max(step, Math.abs(p[i]! - previous[i]!));
          // A camera move, not a cut: no point jumps more than 5 % of the frame width per frame.
          expect(step, `frame ${f}`).toBeLessThan(template.width * 0.05);
          moved += step;
        }
        previous = p.slice();
      }
      expect(moved).toBeGreaterThan(template.width * 0.1);
    },
  );

  it('passes exactly through each keyframe, holds before the first and after the last', () => {
    const keys = [
      { frame: 10, x: 300, y: 500, scale: 300, angle: -10 },
      { frame: 40, x: 420, y: 620, scale: 420, angle: 15 },
      { frame: 70, x: 360, y: 560, scale: 360, angle: 0 },
    ];
    for (const mode of ['linear', 'ease', 'cubic'] as const) {
      const track = resolveFaceTrack(withKeyframes(mode, keys));
      for (const k of keys) {
        const expected = similarityFivePoints(k.x, k.y, k.scale, k.angle);
        const actual = track(k.frame);
        for (let i = 0; i < 10; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 2);
      }
      expect(Array.from(track(0))).toEqual(Array.from(track(10)));
      expect(Array.from(track(89))).toEqual(Array.from(track(70)));
    }
  });

  it('interpolates: linear halfway is the midpoint pose; cubic starts from rest; scale moves geometrically', () => {
    const keys = [
      { frame: 0, x: 300, y: 500, scale: 200, angle: 0 },
      { frame: 20, x: 400, y: 500, scale: 400, angle: 20 },
    ];
    const linear = resolveFaceTrack(withKeyframes('linear', keys))(10);
    const mid = similarityFivePoints(350, 500, Math.sqrt(200 * 400), 10);
    for (let i = 0; i < 10; i++) expect(linear[i]).toBeCloseTo(mid[i]!, 2);
    const cubic = resolveFaceTrack(withKeyframes('cubic', keys));
    const ease = resolveFaceTrack(withKeyframes('ease', keys));
    // Zero end tangents: the first step is much smaller than the linear one (1/20 of the way).
    const noseX = (p: Float32Array) => p[4]!;
    const firstStep = noseX(cubic(1)) - noseX(cubic(0));
    expect(firstStep).toBeGreaterThan(0);
    expect(firstStep).toBeLessThan((100 / 20) * 0.2);
    expect(noseX(ease(1)) - noseX(ease(0))).toBeLessThan(100 / 20);
  });

  it('maps the canonical crop: a 112 px upright crop at the origin reproduces the canonical points', () => {
    const p = similarityFivePoints(56, 56, 112, 0);
    for (let i = 0; i < 10; i++) expect(p[i]).toBeCloseTo(canonicalFivePoints[i]! * 112, 3);
    // Clockwise on screen (y down): a positive angle moves the right eye down.
    const turned = similarityFivePoints(56, 56, 112, 30);
    expect(turned[3]).toBeGreaterThan(p[3]!);
  });

  it('returns the given points for a points track, and rejects frames outside the clip', () => {
    const base = structuredClone(builtInTemplates[0]!) as any;
    const points = Array.from({ length: 90 }, (_, f) => [300, 500 + f, 420, 500 + f, 360, 580 + f, 320, 650 + f, 400, 650 + f]);
    const track = resolveFaceTrack(parseTemplate({ ...base, faceTrack: { kind: 'points', points } }));
    expect(Array.from(track(42))).toEqual(points[42]);
    for (const bad of [-1, 90, 0.5, Number.NaN]) expect(() => track(bad)).toThrow(InvalidArgumentError);
    expect(() => track(0, new Float32Array(4))).toThrow(InvalidArgumentError);
  });
});
