/**
 * The motion preset that brings a built-in template's face to life, as a function of time: when
 * the face blinks, smiles, talks, and how its head turns and nods. Deterministic (the same clip
 * always moves the same way), smooth (no jumps between frames), and cyclic over 8 s, so a clip
 * of any length keeps moving.
 *
 * @internal
 */
export interface FaceMotion {
  /** 0 open … 1 shut. */
  blink: number;
  /** 0 … 1. */
  smile: number;
  /** Jaw opening, 0 … 1. */
  open: number;
  /** Head turn about the face's vertical axis, radians. */
  yaw: number;
  /** Nod about the face's horizontal axis, radians. */
  pitch: number;
}

const cycle = 8;
/** Blinks: first at 0.9 s, then every 2.7 s; close in 80 ms, hold 50 ms, open in 110 ms. */
const blinkFirst = 0.9;
const blinkEvery = 2.7;
const blinkClose = 0.08;
const blinkHold = 0.05;
const blinkOpen = 0.11;
/** Talking: syllables at about 4 Hz inside two windows of each cycle. */
const talkWindows = [
  [0.15, 1.2],
  [2.2, 3.05],
  [4.6, 5.6],
] as const;
const syllableHz = 4.2;

function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

/**
 * The preset's pose and expression at `seconds` into the clip, written into `out`.
 *
 * @internal
 */
export function faceMotionAt(seconds: number, out: FaceMotion): FaceMotion {
  const t = Math.max(0, seconds);
  const inCycle = t % cycle;

  const sinceBlink = t < blinkFirst ? -1 : (t - blinkFirst) % blinkEvery;
  let blink = 0;
  if (sinceBlink >= 0) {
    if (sinceBlink < blinkClose) blink = smoothstep(0, blinkClose, sinceBlink);
    else if (sinceBlink < blinkClose + blinkHold) blink = 1;
    else blink = 1 - smoothstep(blinkClose + blinkHold, blinkClose + blinkHold + blinkOpen, sinceBlink);
  }

  const smile = smoothstep(1.3, 1.9, inCycle) * (1 - smoothstep(5.8, 6.6, inCycle));

  let talking = 0;
  for (const [from, to] of talkWindows) talking = Math.max(talking, smoothstep(from, from + 0.15, inCycle) * (1 - smoothstep(to - 0.15, to, inCycle)));
  const syllable = Math.max(0, Math.sin(2 * Math.PI * syllableHz * t)) ** 0.8;
  const open = talking * (0.25 + 0.5 * syllable);

  out.blink = blink;
  out.smile = smile;
  out.open = open;
  out.yaw = 0.12 * Math.sin((2 * Math.PI * t) / 4.1);
  out.pitch = 0.05 * Math.sin((2 * Math.PI * t) / 2.9 + 0.7);
  return out;
}
