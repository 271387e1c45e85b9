import { InvalidArgumentError } from '../../errors/invalidArgumentError';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import type { RgbaImage } from '../../ports/rgbaImage';
import type { FaceCompositor } from './faceCompositor';
import { createMaskedCompositor } from './faceCompositor';
import type { HeadMatte } from './headMatte';

/**
 * How to create a head layer.
 *
 * @public
 */
export interface HeadLayerOptions {
  /** The decoded photo. Read once, at creation. */
  readonly photo: RgbaImage;
  /** The head's matte in `photo` (from the head cut-out). Read once, at creation: it is copied. */
  readonly matte: HeadMatte;
  /** Owns every buffer the layer derives; the layer opens a child scope in it. */
  readonly scope: EphemeralScope;
  /** How far to move the colours toward the frame under the head, 0…1, as for the face compositor. Default 0.5. */
  readonly colourMatchStrength?: number;
  /** Label of the layer's child scope. Default `'head-layer'`. */
  readonly label?: string;
}

/**
 * The whole head (face, hair, ears and a short neck fade) as one layer: the photo's head region
 * with the head matte as its alpha, warped into each frame through the same photo → frame
 * transform that places the face, so it moves with the head pose exactly as the face does.
 *
 * It is a {@link FaceCompositor}: `composite(frame, width, height, photoToFrame)` blends the head
 * over the frame in place. A renderer that draws the face itself (a mesh warp) calls it first,
 * for hair and ears, and draws its face over it.
 *
 * @throws {@link InvalidArgumentError} for a matte that does not fit the photo, or a strength out
 *   of range; nothing is allocated then.
 * @throws PurgedError when the photo or the scope has been purged.
 * @public
 */
export function createHeadLayer(options: HeadLayerOptions): FaceCompositor {
  const { photo, matte, scope } = options;
  const strength = options.colourMatchStrength ?? 0.5;
  if (!(strength >= 0 && strength <= 1)) throw new InvalidArgumentError('colourMatchStrength must be a number from 0 to 1.');
  const [x = -1, y = -1, width = 0, height = 0] = matte?.region ?? [];
  const fits =
    matte?.alpha instanceof Uint8Array &&
    Number.isInteger(x) &&
    Number.isInteger(y) &&
    x >= 0 &&
    y >= 0 &&
    width >= 1 &&
    height >= 1 &&
    x + width <= photo.width &&
    y + height <= photo.height &&
    matte.alpha.length === width * height;
  if (!fits) {
    throw new InvalidArgumentError('The head matte must cover a rectangle inside the photo with one alpha byte per pixel; build it from this photo.');
  }
  scope.throwIfClosed();
  const mask = matte.alpha.slice();
  return createMaskedCompositor(
    photo,
    scope,
    { x, y, width, height, faceSize: Math.max(width, height) },
    mask,
    { colourMatchStrength: strength, label: options.label ?? 'head-layer' },
  );
}
