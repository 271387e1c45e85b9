/**
 * Why a template's `head` cut-out was rendered as a `face` cut instead:
 *
 * - `no-person-matte`: the person segmentation found no person under the face (a drawing, a
 *   statue, a face on a screen…);
 * - `no-segmenter`: the renderer was created without a person segmenter.
 *
 * @public
 */
export type CutoutFallbackReason = 'no-person-matte' | 'no-segmenter';

/**
 * A rendering that succeeded differently from what the template asked: returned with the video,
 * never thrown. Holds no personal data (a fixed code and text).
 *
 * @public
 */
export interface CutoutWarning {
  readonly code: 'HEAD_CUTOUT_FALLBACK';
  readonly reason: CutoutFallbackReason;
  readonly message: string;
}

/** The warning for `reason`. @internal */
export function cutoutWarning(reason: CutoutFallbackReason): CutoutWarning {
  const why =
    reason === 'no-person-matte'
      ? 'the person segmentation found no person under the face'
      : 'this renderer has no person segmenter (pass `segmenter` to LocalRenderer)';
  return { code: 'HEAD_CUTOUT_FALLBACK', reason, message: `The template asks for the whole head, but ${why}; the face was cut out instead.` };
}
