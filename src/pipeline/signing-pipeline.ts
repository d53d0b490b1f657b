import type CircuitBreaker from 'opossum';
import type { Lifecycle } from '../actors/lifecycle-actor.js';
import type { SignerMetrics } from '../metrics/signer-metrics.js';
import { RecentSignatures } from './recent-signatures.js';
import { SigningRejectedError } from './signing-errors.js';
import type { SigningQueue } from './signing-queue.js';

/** Settings of the recent-signature cache; 0 entries turns it off. */
export interface CacheSettings {
  readonly maxEntries: number;
  readonly lifetimeMs: number;
}

function isOpenCircuit(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'EOPENBREAKER';
}

/**
 * The path of every signature: the lifecycle gate, then the bounded queue with its deadline,
 * then the circuit breaker around the backend call.
 */
export class SigningPipeline {
  private readonly circuitRetryAfterSeconds: number;
  private readonly recent: RecentSignatures;
  /** Backend calls under way, by message, so that concurrent duplicates share one. */
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly lifecycle: Lifecycle,
    private readonly queue: SigningQueue,
    private readonly breaker: CircuitBreaker<[Uint8Array], Uint8Array>,
    private readonly metrics: SignerMetrics,
    breakerResetTimeoutMs: number,
    cache: CacheSettings,
  ) {
    this.circuitRetryAfterSeconds = Math.max(1, Math.ceil(breakerResetTimeoutMs / 1000));
    this.recent = new RecentSignatures(cache.maxEntries, cache.lifetimeMs);
  }

  /**
   * Returns the public key when the signer accepts signing requests, or throws a
   * SigningRejectedError (503) with the reason.
   */
  admit(): Uint8Array {
    const state = this.lifecycle.state;
    const publicKey = this.lifecycle.publicKey;

    if (state === 'stopping') throw this.reject('stopping', 'signer is shutting down', 1);
    if (state === 'circuitOpen') {
      throw this.reject('circuit_open', 'circuit breaker is open after backend failures; retry later', this.circuitRetryAfterSeconds);
    }
    // Checked before the key, because a backend misconfigured from the start has no key.
    if (state === 'misconfigured') {
      throw this.reject('not_ready', 'backend is misconfigured; see the signer log and /health', 5);
    }
    if (state === 'loadingPublicKey' || publicKey === undefined) {
      throw this.reject('not_ready', 'signer is still loading its public key from the backend', 1);
    }
    return publicKey;
  }

  /** Returns the public key once loaded, whatever the breaker does; 503 before that. */
  loadedPublicKey(): Uint8Array {
    const publicKey = this.lifecycle.publicKey;
    if (publicKey === undefined) throw new SigningRejectedError('not_ready', 'signer is still loading its public key from the backend', 1);
    return publicKey;
  }

  /**
   * Signs a 32- or 64-byte message. A recent signature of the same message is returned at
   * once, and concurrent requests for one message share one backend call. Anything else
   * goes through the queue and the breaker.
   */
  async sign(message: Uint8Array): Promise<Uint8Array> {
    // latin1 maps each byte to one character: the cheapest exact string key for a Map.
    const key = Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('latin1');

    const recent = this.recent.get(key, Date.now());
    if (recent !== undefined) {
      this.metrics.coalesced.inc({ source: 'cache' });
      return recent;
    }

    const running = this.inFlight.get(key);
    if (running !== undefined) {
      this.metrics.coalesced.inc({ source: 'inflight' });
      return running;
    }

    const call = this.signOnce(message);
    this.inFlight.set(key, call);
    try {
      const signature = await call;
      this.recent.set(key, signature, Date.now());
      return signature;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async signOnce(message: Uint8Array): Promise<Uint8Array> {
    try {
      return await this.queue.run(() => this.breaker.fire(message));
    } catch (error) {
      if (error instanceof SigningRejectedError) throw error;
      if (isOpenCircuit(error)) {
        throw this.reject('circuit_open', 'circuit breaker is open after backend failures; retry later', this.circuitRetryAfterSeconds);
      }
      throw new SigningRejectedError('backend', 'backend failed to sign; retry later', 1);
    }
  }

  private reject(reason: 'stopping' | 'circuit_open' | 'not_ready', message: string, retryAfterSeconds: number): SigningRejectedError {
    this.metrics.queueRejections.inc({ reason });
    return new SigningRejectedError(reason, message, retryAfterSeconds);
  }
}
