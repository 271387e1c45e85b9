import { createBokehPainter } from './bokehPainter';
import { createConfettiPainter } from './confettiPainter';
import { createHeartsPainter } from './heartsPainter';
import { createLightSweepPainter } from './lightSweepPainter';
import type { BackgroundGenerator } from '../../templates/templateSchema';

/**
 * Draws one procedural background, frame by frame, into a `Uint32Array` view of an RGBA buffer.
 *
 * A painter owns its precomputed layers (built once, when it is created) and draws frame `n` as
 * a pure function of `n`: no state carries from one frame to the next, so frames can be drawn in
 * any order, twice, or in parallel painters, and always come out the same.
 */
export interface BackgroundPainter {
  /** Overwrite every pixel of `out` (width × height words) with frame `frame`. */
  paint(frame: number, out: Uint32Array): void;
}

/** The painter for a generator, with its static layers built now. */
export function createBackgroundPainter(generator: BackgroundGenerator, width: number, height: number): BackgroundPainter {
  switch (generator.name) {
    case 'lightSweep':
      return createLightSweepPainter(generator, width, height);
    case 'confetti':
      return createConfettiPainter(generator, width, height);
    case 'bokeh':
      return createBokehPainter(generator, width, height);
    case 'hearts':
      return createHeartsPainter(generator, width, height);
  }
}
