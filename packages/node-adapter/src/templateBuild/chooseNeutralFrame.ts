/**
 * Mesh indices the neutral-frame score reads (the same in the 468- and 478-point layouts):
 * inner lips (upper 13, lower 14), each eye's corners and lid centres, the nose tip.
 */
const upperLip = 13;
const lowerLip = 14;
const imageLeftEye = { outer: 33, inner: 133, upper: 159, lower: 145 } as const;
const imageRightEye = { outer: 263, inner: 362, upper: 386, lower: 374 } as const;
const noseTip = 1;

/** How the face in one frame departs from rest; smaller is nearer neutral. */
interface FrameShape {
  /** Inner-lip gap over the eye distance. */
  readonly mouthOpen: number;
  /** Lid gap over eye width, both eyes averaged. */
  readonly eyeOpen: number;
  /** Nose tip off the eyes' midpoint along the eye line, over the eye distance (head turn). */
  readonly turn: number;
}

function frameShape(track: ArrayLike<number>, offset: number): FrameShape {
  const x = (i: number) => track[offset + 3 * i]!;
  const y = (i: number) => track[offset + 3 * i + 1]!;
  const distance = (a: number, b: number) => Math.hypot(x(a) - x(b), y(a) - y(b));
  const eyeOpen = (eye: typeof imageLeftEye | typeof imageRightEye) =>
    distance(eye.upper, eye.lower) / Math.max(distance(eye.outer, eye.inner), 1e-6);
  const leftX = (x(imageLeftEye.outer) + x(imageLeftEye.inner)) / 2;
  const leftY = (y(imageLeftEye.outer) + y(imageLeftEye.inner)) / 2;
  const rightX = (x(imageRightEye.outer) + x(imageRightEye.inner)) / 2;
  const rightY = (y(imageRightEye.outer) + y(imageRightEye.inner)) / 2;
  const eyeDistance = Math.max(Math.hypot(rightX - leftX, rightY - leftY), 1e-6);
  // Along the eye line, so an in-plane tilt of the head does not count as a turn.
  const along = ((x(noseTip) - (leftX + rightX) / 2) * (rightX - leftX) + (y(noseTip) - (leftY + rightY) / 2) * (rightY - leftY)) / eyeDistance;
  return {
    mouthOpen: distance(upperLip, lowerLip) / eyeDistance,
    eyeOpen: (eyeOpen(imageLeftEye) + eyeOpen(imageRightEye)) / 2,
    turn: Math.abs(along) / eyeDistance,
  };
}

/**
 * The frame of a mesh track whose face is nearest rest: mouth closed, eyes open, facing the
 * camera. The mesh renderer measures expressions from it, so a frame caught mid-blink or
 * mid-word would make every other frame look like the opposite.
 *
 * Each frame scores its inner-lip gap and its head turn (both over the eye distance) plus how
 * far its eyes are less open than the clip's median (a blink counts, eyes wider than usual do
 * not); the lowest score wins, the earliest frame on a tie.
 *
 * @param track - `frameCount × pointCount × 3` numbers (x, y, z), frame after frame.
 * @internal
 */
export function chooseNeutralFrame(track: ArrayLike<number>, frameCount: number, pointCount: number): number {
  const shapes = Array.from({ length: frameCount }, (_, f) => frameShape(track, f * pointCount * 3));
  const eyes = shapes.map((s) => s.eyeOpen).sort((a, b) => a - b);
  const medianEyeOpen = eyes[Math.floor(eyes.length / 2)]!;
  let best = 0;
  let bestScore = Number.POSITIVE_INFINITY;
  shapes.forEach((shape, f) => {
    const score = shape.mouthOpen + shape.turn + Math.max(0, medianEyeOpen - shape.eyeOpen);
    if (score < bestScore) {
      bestScore = score;
      best = f;
    }
  });
  return best;
}
