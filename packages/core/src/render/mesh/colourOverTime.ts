import type { EphemeralHandle } from '../../purge/ephemeralHandle';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import {
  addLabSample,
  decodeLut,
  encodeLinear,
  labStatsFromAccumulator,
  labToLinearRgb,
} from '../compositing/colourTransfer';
import type { LabAccumulator, LabStats } from '../compositing/colourTransfer';
import { meshPointCount } from './faceTopology';

/*
 * The face's colour following the scene's light. The compositor matches the face's skin to the
 * skin-only statistics under it once, exactly (Reinhard in L*a*b*, the whole crop converted).
 * Doing that again per frame would cost a full L*a*b* round trip of the crop, and would make the
 * face flicker with whatever passes under it. Instead the statistics under the face are measured
 * every frame at the target mesh's skin points (a few hundred samples), smoothed over time (an
 * exponential filter whose per-frame step is bounded), and the drift of the smoothed mean since
 * the exact match is applied as a diagonal gain in linear RGB (von Kries, the usual model of a
 * change of illuminant), i.e. three 256-entry tables that the crop is re-packed through. The
 * standard deviations stay as first matched: contrast does not follow the scene.
 */

/** Weight of a new measurement in the exponential filter (a time constant of ~12 frames). */
const smoothing = 0.08;
/** Largest change of the smoothed target per frame: L\*, a\*, b\* means. */
const maxStep = [0.4, 0.25, 0.25] as const;
/** Drift (L\*a\*b\* units) below which the tables are not rebuilt. */
const deadband = 0.05;
/** Bounds of the per-channel gain, against a degenerate (near-black) face mean. */
const minGain = 0.25;
const maxGain = 4;

// Layout of the state array.
const smoothed = 0; // 3 smoothed target means
const matched = 3; // 3 target means the exact match used
const face = 6; // 3 face means after the exact match
const built = 9; // 3 shifts the tables were built for
const rgb = 12; // 6 scratch: face mean and shifted mean in linear RGB
const measured = 18; // 6 this frame's statistics
const acc = 24; // 7 accumulator
const started = 31; // 1 when the filter holds a value
const stateLength = 32;

/**
 * The skin-only L\*a\*b\* statistics of `frame` under the target mesh, sampled at its skin
 * points (eyes, brows and lips are not skin on a recorded actor either). False when no skin point
 * lies in the frame. `acc` is zeroed afterwards.
 *
 * @internal
 */
export function sampleSkinStats(
  frame: Uint8Array,
  width: number,
  height: number,
  vertices: Float32Array,
  skin: Uint8Array,
  accumulator: LabAccumulator,
  out: LabStats,
): boolean {
  accumulator.fill(0);
  for (let i = 0; i < meshPointCount; i++) {
    if (skin[i] === 0) continue;
    const x = Math.floor(vertices[i * 3]!);
    const y = Math.floor(vertices[i * 3 + 1]!);
    if (x < 0 || y < 0 || x >= width || y >= height) continue;
    const o = (y * width + x) * 4;
    addLabSample(accumulator, frame[o]!, frame[o + 1]!, frame[o + 2]!, 1);
  }
  const ok = labStatsFromAccumulator(accumulator, out);
  accumulator.fill(0);
  return ok;
}

/**
 * Follows the light under the face over time and keeps three per-channel tables (sRGB byte →
 * byte, `[r ×256, g ×256, b ×256]`) that carry the exactly matched crop to the current light.
 * Its buffers are held in the scope given (statistics of the face: `'aligned-face'`), and nothing
 * is allocated per frame.
 *
 * @internal
 */
export class ColourOverTime {
  readonly #strength: number;
  readonly #state: EphemeralHandle<Float64Array>;
  readonly #lut: EphemeralHandle<Uint8Array>;

  constructor(scope: EphemeralScope, strength: number) {
    this.#strength = strength;
    this.#state = scope.hold(new Float64Array(stateLength), { kind: 'aligned-face', label: 'mesh.light-stats' });
    this.#lut = scope.hold(new Uint8Array(768), { kind: 'aligned-face', label: 'mesh.light-lut' });
    this.#resetLut();
  }

  /** Tables to re-pack the matched crop through (identity until the light drifts). */
  get lut(): Uint8Array {
    return this.#lut.value;
  }

  /** The face's mean L\* under the current tables. */
  get lightness(): number {
    const s = this.#state.value;
    return s[face]! + s[built]!;
  }

  /**
   * The exact match has just been made: `source` are the crop's statistics, `target` those it was
   * matched toward. The filter starts from `target` and the tables are reset to identity.
   */
  start(source: LabStats, target: LabStats): void {
    const s = this.#state.value;
    for (let c = 0; c < 3; c++) {
      s[smoothed + c] = target[c]!;
      s[matched + c] = target[c]!;
      s[face + c] = source[c]! + (target[c]! - source[c]!) * this.#strength;
      s[built + c] = 0;
    }
    s[started] = 1;
    this.#resetLut();
  }

  /**
   * Measure this frame's skin under the target mesh, update the filter, and rebuild the tables
   * when the smoothed light has drifted. Returns true when the tables changed (the crop must be
   * re-packed).
   */
  follow(frame: Uint8Array, width: number, height: number, vertices: Float32Array, skin: Uint8Array): boolean {
    const s = this.#state.value;
    if (s[started] !== 1) return false;
    const stats = s.subarray(measured, measured + 6);
    if (!sampleSkinStats(frame, width, height, vertices, skin, s.subarray(acc, acc + 7), stats)) return false;
    let drift = 0;
    for (let c = 0; c < 3; c++) {
      const step = Math.min(maxStep[c]!, Math.max(-maxStep[c]!, (stats[c]! - s[smoothed + c]!) * smoothing));
      s[smoothed + c] = s[smoothed + c]! + step;
      const shift = (s[smoothed + c]! - s[matched + c]!) * this.#strength;
      drift = Math.max(drift, Math.abs(shift - s[built + c]!));
    }
    stats.fill(0);
    if (drift < deadband) return false;
    for (let c = 0; c < 3; c++) s[built + c] = (s[smoothed + c]! - s[matched + c]!) * this.#strength;
    return this.#buildLut();
  }

  /** Tables for the diagonal gain that moves the face's mean from `face` to `face + built`. */
  #buildLut(): boolean {
    const s = this.#state.value;
    labToLinearRgb(s[face]!, s[face + 1]!, s[face + 2]!, s, rgb);
    labToLinearRgb(s[face]! + s[built]!, s[face + 1]! + s[built + 1]!, s[face + 2]! + s[built + 2]!, s, rgb + 3);
    const decode = decodeLut();
    const lut = this.#lut.value;
    let changed = false;
    for (let c = 0; c < 3; c++) {
      const from = s[rgb + c]!;
      const gain = from > 1e-4 ? Math.min(maxGain, Math.max(minGain, s[rgb + 3 + c]! / from)) : 1;
      for (let v = 0; v < 256; v++) {
        const out = encodeLinear(decode[v]! * gain);
        if (lut[c * 256 + v] !== out) changed = true;
        lut[c * 256 + v] = out;
      }
    }
    s.fill(0, rgb, rgb + 6);
    return changed;
  }

  #resetLut(): void {
    const lut = this.#lut.value;
    for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) lut[c * 256 + v] = v;
  }
}
