import type { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import type { SignerMetrics } from '../metrics/signer-metrics.js';
import { isBackendError, type SigningBackend } from '../kms/signing-backend.js';

/** Settings of the circuit breaker around backend calls. */
export interface BreakerSettings {
  /** Backend call timeout in milliseconds; a slower call counts as a failure. */
  readonly callTimeoutMs: number;
  /** Failure percentage in the rolling window that opens the circuit. */
  readonly errorThresholdPercentage: number;
  /** Calls in the rolling window before the percentage is considered. */
  readonly volumeThreshold: number;
  /** Time the circuit stays open before one trial call (half-open), in milliseconds. */
  readonly resetTimeoutMs: number;
  /** Length of the rolling statistics window, in milliseconds. */
  readonly rollingWindowMs: number;
}

export type SignAction = (message: Uint8Array) => Promise<Uint8Array>;

function errorKind(error: unknown): string {
  return isBackendError(error) ? error.kind : 'unexpected';
}

/**
 * Wraps `backend.sign` in an opossum circuit breaker and meters every call. Integrity
 * failures are logged here with the key and the message, because the caller only sees 503.
 */
export function createBackendBreaker(
  backend: SigningBackend,
  settings: BreakerSettings,
  metrics: SignerMetrics,
  logger: Logger,
): CircuitBreaker<[Uint8Array], Uint8Array> {
  async function meteredSign(message: Uint8Array): Promise<Uint8Array> {
    const startedAt = performance.now();
    try {
      const signature = await backend.sign(message);
      metrics.backendDuration.observe({ operation: 'sign', outcome: 'success' }, (performance.now() - startedAt) / 1000);
      return signature;
    } catch (error) {
      const kind = errorKind(error);
      metrics.backendDuration.observe({ operation: 'sign', outcome: 'failure' }, (performance.now() - startedAt) / 1000);
      metrics.backendErrors.inc({ operation: 'sign', kind });
      if (kind === 'integrity') {
        logger.error(
          { keyName: backend.keyDescription, hash: Buffer.from(message).toString('hex').toUpperCase(), err: error },
          'backend signature failed an integrity check and was discarded',
        );
      }
      throw error;
    }
  }

  const breaker = new CircuitBreaker<[Uint8Array], Uint8Array>(meteredSign, {
    timeout: settings.callTimeoutMs,
    errorThresholdPercentage: settings.errorThresholdPercentage,
    volumeThreshold: settings.volumeThreshold,
    resetTimeout: settings.resetTimeoutMs,
    rollingCountTimeout: settings.rollingWindowMs,
    rollingPercentilesEnabled: false,
  });

  const emitter: EventEmitter = breaker;
  for (const event of ['success', 'failure', 'timeout', 'reject', 'open', 'halfOpen', 'close']) {
    emitter.on(event, () => metrics.breakerEvents.inc({ event }));
  }
  breaker.on('timeout', () => metrics.backendErrors.inc({ operation: 'sign', kind: 'timeout' }));
  return breaker;
}
