import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { OneEuroFilter } from '../tracking/oneEuroFilter';
import { defaultTrackSmoothing, smoothPointTrack } from '../tracking/smoothPointTrack';

const fps = 30;

/** Deterministic uniform noise in [-1, 1) (mulberry32). */
function noise(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

function std(values: readonly number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}

function run(filter: OneEuroFilter, signal: (t: number) => number, frames: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < frames; i++) out.push(filter.filter(signal(i / fps), i / fps));
  return out;
}

describe('OneEuroFilter', () => {
  it('step response: passes the first sample, rises monotonically without overshoot, and beta speeds it up', () => {
    const step = (t: number) => (t < 1 ? 0 : 10);
    const adaptive = run(new OneEuroFilter({ minCutoff: 1, beta: 0.05 }), step, 90);
    const plain = run(new OneEuroFilter({ minCutoff: 1, beta: 0 }), step, 90);
    expect(adaptive[0]).toBe(0);
    for (let i = 1; i < adaptive.length; i++) {
      expect(adaptive[i]!).toBeGreaterThanOrEqual(adaptive[i - 1]! - 1e-12);
      expect(adaptive[i]!).toBeLessThanOrEqual(10 + 1e-12);
    }
    const settle = (out: number[]) => out.findIndex((v, i) => i >= 30 && v >= 9);
    // A plain 1 Hz low-pass needs ~0.37 s (11 frames) to reach 90 %; speed-adaptation must beat it.
    expect(settle(plain)).toBeGreaterThanOrEqual(30 + 10);
    expect(settle(adaptive)).toBeGreaterThan(30);
    expect(settle(adaptive)).toBeLessThan(settle(plain));
    expect(adaptive[89]!).toBeGreaterThan(9.99);
  });

  it('reduces jitter on a noisy constant to under half its spread, without bias', () => {
    const random = noise(7);
    const input: number[] = [];
    for (let i = 0; i < 300; i++) input.push(100 + random());
    const filter = new OneEuroFilter(defaultTrackSmoothing);
    const output = input.map((v, i) => filter.filter(v, i / fps));
    const settled = output.slice(30);
    expect(std(settled) / std(input.slice(30))).toBeLessThan(0.5);
    const mean = settled.reduce((s, v) => s + v, 0) / settled.length;
    expect(Math.abs(mean - 100)).toBeLessThan(0.1);
  });

  it('lags a ramp by the steady-state lag of its speed-raised cut-off, far less than without beta', () => {
    const speed = 60; // px/s, 2 px per frame
    const ramp = (t: number) => speed * t;
    const { minCutoff, beta } = defaultTrackSmoothing;
    const adaptive = run(new OneEuroFilter({ minCutoff, beta }), ramp, 120);
    const plain = run(new OneEuroFilter({ minCutoff, beta: 0 }), ramp, 120);
    const lag = (out: number[]) => ramp(119 / fps) - out[119]!;
    // The speed estimate is taken against the previous *filtered* value (as in the reference
    // filter), so it reads (lag + one step) per step; at steady state the lag e solves
    // e = speed / (2π · (minCutoff + beta · (speed + e · fps))). Never more than with speed alone.
    const upper = speed / (2 * Math.PI * (minCutoff + beta * speed));
    let expected = upper;
    for (let i = 0; i < 100; i++) expected = speed / (2 * Math.PI * (minCutoff + beta * (speed + expected * fps)));
    expect(lag(adaptive)).toBeGreaterThan(0);
    expect(lag(adaptive)).toBeLessThan(upper);
    expect(Math.abs(lag(adaptive) - expected)).toBeLessThan(0.05 * expected);
    expect(lag(plain)).toBeGreaterThan(2 * lag(adaptive));
  });

  it('refuses bad parameters and time that does not move forward; reset starts afresh', () => {
    expect(() => new OneEuroFilter({ minCutoff: 0, beta: 0 })).toThrow(InvalidArgumentError);
    expect(() => new OneEuroFilter({ minCutoff: 1, beta: -1 })).toThrow(InvalidArgumentError);
    expect(() => new OneEuroFilter({ minCutoff: 1, beta: 0, dCutoff: Number.NaN })).toThrow(InvalidArgumentError);
    const filter = new OneEuroFilter({ minCutoff: 1, beta: 0 });
    filter.filter(1, 0);
    expect(() => filter.filter(2, 0)).toThrow(InvalidArgumentError);
    expect(() => filter.filter(Number.POSITIVE_INFINITY, 1)).toThrow(InvalidArgumentError);
    filter.reset();
    expect(filter.filter(5, 0)).toBe(5);
  });
});

describe('smoothPointTrack', () => {
  it('forward-backward cancels the lag on a ramp that the forward pass leaves', () => {
    const frames = 90;
    const track = new Float64Array(frames * 2);
    for (let f = 0; f < frames; f++) {
      track[f * 2] = 2 * f; // 60 px/s
      track[f * 2 + 1] = 300 - f; // 30 px/s the other way
    }
    const copy = track.slice();
    const forward = smoothPointTrack(track, 2, fps, { ...defaultTrackSmoothing, direction: 'forward' });
    const both = smoothPointTrack(track, 2, fps);
    expect(track).toEqual(copy);
    const middle = (out: Float64Array, c: number) => Math.abs(out[45 * 2 + c]! - track[45 * 2 + c]!);
    expect(middle(forward, 0)).toBeGreaterThan(1);
    expect(middle(both, 0)).toBeLessThan(0.05);
    expect(middle(both, 1)).toBeLessThan(0.05);
  });

  it('filters each coordinate on its own and leaves a one-frame track as it is', () => {
    const random = noise(3);
    const frames = 120;
    const track = new Float64Array(frames * 3);
    for (let f = 0; f < frames; f++) {
      track[f * 3] = 10 + random();
      track[f * 3 + 1] = 500; // constant column: must stay exactly constant
      track[f * 3 + 2] = -20 + random();
    }
    const out = smoothPointTrack(track, 3, fps);
    const column = (a: Float64Array, c: number) => Array.from({ length: frames }, (_, f) => a[f * 3 + c]!);
    expect(column(out, 1).every((v) => v === 500)).toBe(true);
    expect(std(column(out, 0))).toBeLessThan(0.5 * std(column(track, 0)));
    expect(std(column(out, 2))).toBeLessThan(0.5 * std(column(track, 2)));
    expect(Array.from(smoothPointTrack(Float64Array.of(1, 2), 2, fps))).toEqual([1, 2]);
  });

  it('refuses a bad stride, fps or a non-finite value', () => {
    expect(() => smoothPointTrack(new Float64Array(5), 2, fps)).toThrow(InvalidArgumentError);
    expect(() => smoothPointTrack(new Float64Array(4), 0, fps)).toThrow(InvalidArgumentError);
    expect(() => smoothPointTrack(new Float64Array(4), 2, 0)).toThrow(InvalidArgumentError);
    expect(() => smoothPointTrack(Float64Array.of(1, Number.NaN), 2, fps)).toThrow(InvalidArgumentError);
    expect(() => smoothPointTrack(new Float64Array(4), 2, fps, { minCutoff: 1, beta: 0, direction: 'up' as never })).toThrow(
      InvalidArgumentError,
    );
  });
});
