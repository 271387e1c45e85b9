import { VopopError } from './vopopError';

/**
 * What went wrong with a remote rendering service.
 * - `http`: the service answered with an error status (see `status` and `problemCode`);
 * - `network`: the connection failed, was reset, or the body ended early;
 * - `timeout`: the total deadline passed;
 * - `redirect`: the service answered with a redirect, which is never followed;
 * - `response-invalid`: the answer was not what the contract allows (type, size, framing);
 * - `too-large`: the answer was larger than the client accepts;
 * - `receipt-invalid`: the deletion receipt was missing, not signed by a pinned key, or did not
 *   match the request or the video it came with.
 *
 * @public
 */
export type RenderServiceFailure =
  | 'http'
  | 'network'
  | 'timeout'
  | 'redirect'
  | 'response-invalid'
  | 'too-large'
  | 'receipt-invalid';

/**
 * Thrown when a remote rendering service fails or answers outside the contract. Whatever the
 * service sent has been wiped and discarded; only these facts remain. The message never echoes
 * the service's own text (which the client cannot vouch for), only its stable problem code.
 *
 * @public
 */
export class RenderServiceError extends VopopError {
  readonly code = 'RENDER_SERVICE' as const;

  constructor(
    /** The kind of failure. */
    readonly failure: RenderServiceFailure,
    /** Details for apps and logs; no personal data. */
    readonly details: {
      /** The HTTP status, where the service answered. */
      readonly status?: number;
      /** The service's stable problem code (`rate_limited`, `no_face`, …), where it sent one. */
      readonly problemCode?: string;
      /** Whether trying again later may succeed. */
      readonly retryable: boolean;
      /** How many requests were made, retries included. */
      readonly attempts: number;
      /** What was checked and failed, for `receipt-invalid` and `response-invalid`. */
      readonly reason?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(
      `The rendering service failed (${failure}` +
        `${details.status === undefined ? '' : `, HTTP ${details.status}`}` +
        `${details.problemCode === undefined ? '' : `, ${details.problemCode}`}` +
        `${details.reason === undefined ? '' : `: ${details.reason}`}) after ${details.attempts} ` +
        `attempt${details.attempts === 1 ? '' : 's'}. Nothing it sent was kept; ` +
        (details.retryable ? 'try again later.' : 'this will not succeed by retrying; check the request and the service.'),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'RenderServiceError';
  }

  /** Whether trying again later may succeed. */
  get retryable(): boolean {
    return this.details.retryable;
  }
}
