import type { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import type { SignerMetrics } from '../metrics/signer-metrics.js';
import type { SigningBackend } from '../kms/signing-backend.js';

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

/** Wraps `backend.sign` in an opossum circuit breaker whose events are counted. */
export function createBackendBreaker(
  backend: SigningBackend,
  settings: BreakerSettings,
  metrics: SignerMetrics,
): CircuitBreaker<[Uint8Array], Uint8Array> {

  const breaker = new CircuitBreaker<[Uint8Array], Uint8Array>((message: Uint8Array) => backend.sign(message), {
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
