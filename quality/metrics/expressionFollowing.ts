import { pearsonCorrelation, standardDeviation } from './correlation';

/**
 * How well an output series follows the template's driving series (mouth opening or eye aspect
 * ratio, frame by frame), or why no correlation can be given.
 *
 * - `'static-template'`: the template drives no expression (its series barely moves), so there
 *   is nothing to follow.
 * - `'static-output'`: the template moves but the output does not (it moves less than
 *   {@link followingShare} as much): a correlation of detection noise against the signal would be
 *   a meaningless number, so none is given.
 * - `'measured'`: both move; `correlation` is Pearson's r.
 * - `'too-few-frames'`: the face was found on fewer than 2 frames of the output.
 */
export type ExpressionFollowing =
  | { readonly kind: 'too-few-frames'; readonly frames: number }
  | { readonly kind: 'static-template'; readonly drivingSpread: number; readonly outputSpread: number }
  | { readonly kind: 'static-output'; readonly drivingSpread: number; readonly outputSpread: number }
  | {
      readonly kind: 'measured';
      readonly correlation: number;
      readonly drivingSpread: number;
      readonly outputSpread: number;
    };

/**
 * Standard deviation below which a series counts as still, in the series' own units (inter-ocular
 * distances for mouth opening, a ratio for the eye aspect ratio). A blink moves the eye aspect
 * ratio by about 0.25 and a smile the mouth opening by 0.1 or more, giving spreads of several
 * hundredths over a clip; re-detecting a face that does not move gives a few thousandths.
 */
export const stillSpread = 0.01;

/**
 * The share of the template's spread below which the output counts as not moving. Re-detecting a
 * rigidly pasted face (the v1 compositor) that turns and zooms gives a mouth-opening spread of
 * 0.004–0.012 against the motion preset's 0.036–0.056: under 30 % of it is noise, not following.
 */
const followingShare = 0.3;

/**
 * Compare a driving series with the output's, frame by frame (the same frames, in order).
 *
 * @param minSpread - the standard deviation below which a series counts as still
 * @throws Error when the series differ in length.
 */
export function expressionFollowing(
  driving: readonly number[],
  output: readonly number[],
  minSpread = stillSpread,
): ExpressionFollowing {
  if (driving.length !== output.length) throw new Error('expressionFollowing: the series differ in length.');
  if (driving.length < 2) return { kind: 'too-few-frames', frames: driving.length };
  const drivingSpread = standardDeviation(driving);
  const outputSpread = standardDeviation(output);
  if (!(drivingSpread >= minSpread)) return { kind: 'static-template', drivingSpread, outputSpread };
  if (!(outputSpread >= Math.max(minSpread, followingShare * drivingSpread))) {
    return { kind: 'static-output', drivingSpread, outputSpread };
  }
  return { kind: 'measured', correlation: pearsonCorrelation(driving, output), drivingSpread, outputSpread };
}
