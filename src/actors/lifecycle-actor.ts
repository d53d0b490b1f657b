import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { type Actor, createActor, fromPromise, type SnapshotFrom } from 'xstate';
import { selfTest } from '../kms/self-test.js';
import type { SigningBackend } from '../kms/signing-backend.js';
import { RepeatLimiter } from '../log/repeat-limiter.js';
import { toAddress } from '../protocol/address.js';
import { challengeMessage, MIN_CHALLENGE_BYTES } from '../protocol/challenge.js';
import { type BreakerState, type LifecycleState, type LifecycleTimings, lifecycleMachine, READY_STATES } from './lifecycle-machine.js';

/** During an outage every call fails; one warning per interval carries the count of the rest. */
const FAILURE_LOG_INTERVAL_MS = 5000;

/** Timers of the machine never keep the process alive, as opossum's own timers do not. */
const unrefClock = {
  setTimeout(callback: () => void, delay: number) {
    return setTimeout(callback, delay).unref();
  },
  clearTimeout(timer: unknown) {
    clearTimeout(timer as NodeJS.Timeout);
  },
};

export interface LifecycleOptions {
  readonly backend: SigningBackend;
  readonly breaker: CircuitBreaker<[Uint8Array], Uint8Array>;
  readonly timings: LifecycleTimings;
  /** A successful backend call slower than this, in milliseconds, marks the signer degraded. */
  readonly slowCallMs: number;
  readonly logger: Logger;
}

type Snapshot = SnapshotFrom<typeof lifecycleMachine>;

/** Returns the top-level state of the lifecycle region, without its sub-states. */
function lifecycleStateOf(snapshot: Snapshot): LifecycleState {
  const value = snapshot.value.lifecycle;
  return (typeof value === 'string' ? value : Object.keys(value)[0]) as LifecycleState;
}


/**
 * The running lifecycle machine, fed by the breaker's events. This is the single source of
 * the service state that the signing gate, /health and the metrics read.
 */
export class Lifecycle {
  private readonly actor: Actor<typeof lifecycleMachine>;
  private currentState: LifecycleState = 'loadingPublicKey';

  constructor(private readonly options: LifecycleOptions) {
    const { backend, breaker, timings, logger } = options;

    const machine = lifecycleMachine.provide({
      actors: {
        loadPublicKey: fromPromise(() => backend.loadPublicKey()),
        recheckBackend: fromPromise(() => selfTest(backend)),
        probeBreaker: fromPromise(() => this.probeBreaker()),
      },
      actions: {
        closeBreaker: () => breaker.close(),
      },
    });
    this.actor = createActor(machine, { input: { timings }, clock: unrefClock });

    let loadFailures = 0;
    this.actor.subscribe((snapshot) => {
      const { context } = snapshot;
      if (context.loadFailures > loadFailures) {
        logger.warn({ loadFailures: context.loadFailures, lastError: context.lastError }, 'public key load failed; retrying with backoff');
      }
      loadFailures = context.loadFailures;

      const next = lifecycleStateOf(snapshot);
      if (next === this.currentState) return;
      this.logTransition(this.currentState, next, context.lastError);
      this.currentState = next;
    });

    this.connectBreaker(breaker, logger);
  }

  /** Starts loading the public key. */
  start(): void {
    this.options.logger.info({ backend: this.options.backend.name, keyName: this.options.backend.keyDescription }, 'loading public key');
    this.actor.start();
  }

  /**
   * Moves to `stopping`, which has no way out, so late breaker events change nothing. The
   * actor keeps running so that /health can report `stopping` until the process exits.
   */
  stop(): void {
    this.actor.send({ type: 'STOP' });
  }

  /** The current top-level state. */
  get state(): LifecycleState {
    return this.currentState;
  }

  /** The breaker state as the machine's breaker region mirrors it. */
  get breakerState(): BreakerState {
    return this.actor.getSnapshot().value.breaker as BreakerState;
  }

  /** True while the readiness gate is UP (`ready` or `degraded`). */
  get isReady(): boolean {
    return READY_STATES.has(this.currentState);
  }

  /** The loaded public key, once `loadingPublicKey` has succeeded. */
  get publicKey(): Uint8Array | undefined {
    return this.actor.getSnapshot().context.publicKey;
  }

  /** Message of the last backend error that changed the state. */
  get lastError(): string | undefined {
    return this.actor.getSnapshot().context.lastError;
  }

  /** Failed public-key loads since the last success. */
  get loadFailures(): number {
    return this.actor.getSnapshot().context.loadFailures;
  }

  /** Sends one random challenge through the breaker as its half-open trial call. */
  private async probeBreaker(): Promise<void> {
    const publicKey = this.publicKey;
    if (publicKey === undefined) return;

    const message = challengeMessage(publicKey, randomBytes(MIN_CHALLENGE_BYTES), BigInt(Date.now()));
    await this.options.breaker.fire(message).catch(() => {
      // The outcome reaches the machine as the breaker's close or open event.
    });
  }

  private connectBreaker(breaker: CircuitBreaker<[Uint8Array], Uint8Array>, logger: Logger): void {
    const emitter: EventEmitter = breaker;
    const { slowCallMs } = this.options;

    // opossum emits `failure` for every failed or timed-out call, after `timeout` if it timed out.
    const failureLog = new RepeatLimiter(FAILURE_LOG_INTERVAL_MS);
    emitter.on('failure', (error: unknown) => {
      const suppressed = failureLog.take();
      if (suppressed !== undefined) logger.warn({ err: error, suppressed }, 'backend call failed');
      this.actor.send({ type: 'BACKEND_FAILED', error });
    });
    // `success` carries the call latency in milliseconds.
    emitter.on('success', (_result: unknown, latencyMs: number) => {
      if (latencyMs > slowCallMs) this.actor.send({ type: 'BACKEND_SLOW', latencyMs });
    });
    emitter.on('open', () => this.actor.send({ type: 'BREAKER_OPENED' }));
    emitter.on('halfOpen', () => this.actor.send({ type: 'BREAKER_HALF_OPENED' }));
    emitter.on('close', () => this.actor.send({ type: 'BREAKER_CLOSED' }));
  }

  private logTransition(from: LifecycleState, to: LifecycleState, lastError: string | undefined): void {
    const fields = { from, to, lastError };
    const publicKey = this.publicKey;
    if (from === 'loadingPublicKey' && publicKey !== undefined) {
      this.options.logger.info(
        { publicKey: Buffer.from(publicKey).toString('hex').toUpperCase(), address: toAddress(publicKey) },
        'public key loaded',
      );
    }

    if (to === 'misconfigured') {
      this.options.logger.error(fields, 'backend is misconfigured; fix the cause named in lastError, the signer re-checks by itself');
    } else if (to === 'circuitOpen') {
      this.options.logger.warn(fields, 'circuit breaker opened; signing requests get 503 until the backend recovers');
    } else {
      this.options.logger.info(fields, 'lifecycle state changed');
    }
  }
}
