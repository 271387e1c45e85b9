import type { EphemeralHandle } from '../purge/ephemeralHandle';

/**
 * A decoded image: tightly packed RGBA, 8 bits per channel, rows top to bottom, upright (any
 * EXIF orientation already applied). The pixels live in an ephemeral handle.
 *
 * @public
 */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** `width * height * 4` bytes. */
  readonly pixels: EphemeralHandle<Uint8Array>;
}
