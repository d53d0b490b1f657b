/**
 * The one interface every key backend implements. A backend holds one Ed25519 key and
 * signs 32-byte (block, vote) or 64-byte (challenge) messages with it.
 */
export interface SigningBackend {
  /** Backend name as configured in ATTO_SIGNER_BACKEND, for logs and metrics. */
  readonly name: string;

  /** Human-readable key identifier for logs: a KMS resource name, or "local key". Never key material. */
  readonly keyDescription: string;

  /**
   * Reads the 32-byte Ed25519 public key. Throws a BackendError: `unavailable` when a retry
   * can succeed, `misconfigured` when the operator must change something.
   */
  loadPublicKey(): Promise<Uint8Array>;

  /**
   * Signs `message` (32 or 64 bytes) and returns the 64-byte Ed25519 signature. Throws a
   * BackendError on failure; a backend never returns a signature it has not verified.
   */
  sign(message: Uint8Array): Promise<Uint8Array>;

  /** Releases connections and timers. */
  close(): Promise<void>;
}

/**
 * How a backend failure affects the service:
 * - `unavailable`: transient (network, overload, timeout); counts against the breaker.
 * - `integrity`: the backend returned a response that failed a check (CRC32C, key name,
 *   signature verification); counts against the breaker and is never returned to the caller.
 * - `misconfigured`: retrying cannot fix it (permissions, disabled key, wrong algorithm); the
 *   lifecycle moves to `misconfigured` until a slow re-check succeeds.
 */
export type BackendErrorKind = 'unavailable' | 'integrity' | 'misconfigured';

/** A failure of a backend call, classified for the breaker and the lifecycle machine. */
export class BackendError extends Error {
  override readonly name = 'BackendError';

  constructor(
    readonly kind: BackendErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Returns true when `error` is a BackendError of the given kind. */
export function isBackendError(error: unknown, kind?: BackendErrorKind): error is BackendError {
  return error instanceof BackendError && (kind === undefined || error.kind === kind);
}
