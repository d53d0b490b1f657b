/**
 * The reason a signing request was not served. Each reason maps to one HTTP status: the node's
 * client retries 5xx, 408 and 429, and gives up on every other status.
 */
export type RejectionReason = 'full' | 'deadline' | 'not_ready' | 'circuit_open' | 'stopping' | 'backend';

const STATUS_BY_REASON: Record<RejectionReason, number> = {
  full: 429,
  deadline: 503,
  not_ready: 503,
  circuit_open: 503,
  stopping: 503,
  backend: 503,
};

/** A signing request that the pipeline turned away or could not complete; always retryable. */
export class SigningRejectedError extends Error {
  override readonly name = 'SigningRejectedError';
  readonly statusCode: number;

  constructor(
    readonly reason: RejectionReason,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.statusCode = STATUS_BY_REASON[reason];
  }
}
