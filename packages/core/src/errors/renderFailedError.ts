import { VopopError } from './vopopError';

/**
 * The stage of producing a video in which a {@link RenderFailedError} happened.
 *
 * @public
 */
export type RenderStage = 'render' | 'composite' | 'encode' | 'mux' | 'decode';

/**
 * Thrown when producing or reading video frames fails after it started: the encoder or decoder
 * reported an error, the muxer rejected a packet, or the compositor failed on a frame. Everything
 * the operation held has been released; `cause` holds the underlying error (which never carries
 * pixel data).
 *
 * @public
 */
export class RenderFailedError extends VopopError {
  readonly code = 'RENDER_FAILED' as const;

  constructor(
    /** Where it failed. */
    readonly stage: RenderStage,
    /** The zero-based frame being processed when it failed, when known. */
    readonly frameIndex: number | undefined,
    options?: { cause?: unknown; detail?: string },
  ) {
    super(
      `Video ${stage} failed${frameIndex === undefined ? '' : ` at frame ${frameIndex}`}` +
        `${options?.detail ? ` (${options.detail})` : ''}. Nothing was kept; retry, and if it ` +
        'fails again try another codec or a smaller size, and report the cause.',
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'RenderFailedError';
  }
}
