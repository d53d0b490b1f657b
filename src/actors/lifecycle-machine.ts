import { assign, fromPromise, setup } from 'xstate';
import { isBackendError } from '../kms/signing-backend.js';

/** Every top-level lifecycle state, defined once; health and metrics report these names. */
export const LIFECYCLE_STATES = [
  'loadingPublicKey',
  'ready',
  'degraded',
  'circuitOpen',
  'halfOpen',
  'misconfigured',
  'stopping',
] as const;

export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/** States of the breaker mirror, as opossum names them. */
export const BREAKER_STATES = ['closed', 'open', 'halfOpen'] as const;

export type BreakerState = (typeof BREAKER_STATES)[number];

/** States in which the readiness gate is UP: the signer serves signatures. */
export const READY_STATES: ReadonlySet<LifecycleState> = new Set(['ready', 'degraded']);

/** Timing settings of the machine, all in milliseconds. */
export interface LifecycleTimings {
  /** First delay before retrying a failed public-key load; doubles per attempt. */
  readonly loadRetryInitialMs: number;
  /** Upper bound of the load retry delay. */
  readonly loadRetryMaxMs: number;
  /** How long `degraded` lasts after the last backend failure or slow call. */
  readonly degradedRecoveryMs: number;
  /** Delay between re-checks of a misconfigured backend. */
  readonly misconfiguredRecheckMs: number;
}

export interface LifecycleContext {
  readonly timings: LifecycleTimings;
  readonly publicKey: Uint8Array | undefined;
  /** Failed load attempts since the last success; drives the backoff. */
  readonly loadFailures: number;
  /** Message of the last backend error that changed the state, for /health. */
  readonly lastError: string | undefined;
}

/**
 * Events sent to the machine. The breaker's events are sent where the breaker is wired to
 * the machine (lifecycle-actor.ts); STOP is sent on shutdown.
 */
export type LifecycleEvent =
  | { type: 'BACKEND_FAILED'; error: unknown }
  | { type: 'BACKEND_SLOW'; latencyMs: number }
  | { type: 'BREAKER_OPENED' }
  | { type: 'BREAKER_HALF_OPENED' }
  | { type: 'BREAKER_CLOSED' }
  | { type: 'STOP' };

/** Returns the error carried by BACKEND_FAILED or by an invoked actor's error event. */
function eventError(event: { type: string }): unknown {
  return (event as { error?: unknown }).error;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The service lifecycle and a mirror of the breaker, moved by backend results and breaker
 * events. The actors and the `closeBreaker` action are provided where the machine starts,
 * in lifecycle-actor.ts.
 */
export const lifecycleMachine = setup({
  types: {
    context: {} as LifecycleContext,
    events: {} as LifecycleEvent,
    input: {} as { timings: LifecycleTimings },
  },
  actors: {
    loadPublicKey: fromPromise<Uint8Array>(async () => {
      throw new Error('loadPublicKey is provided when the machine starts');
    }),
    recheckBackend: fromPromise<Uint8Array>(async () => {
      throw new Error('recheckBackend is provided when the machine starts');
    }),
    probeBreaker: fromPromise<void>(async () => {
      throw new Error('probeBreaker is provided when the machine starts');
    }),
  },
  actions: {
    storePublicKey: assign({
      publicKey: ({ event }) => (event as unknown as { output: Uint8Array }).output,
      loadFailures: 0,
      lastError: undefined,
    }),
    recordLoadFailure: assign({
      loadFailures: ({ context }) => context.loadFailures + 1,
      lastError: ({ event }) => errorMessage(eventError(event)),
    }),
    recordError: assign({
      lastError: ({ event }) => errorMessage(eventError(event)),
    }),
    clearError: assign({ lastError: undefined }),
    closeBreaker: () => {
      // Provided when the machine starts: a passed re-check proves the backend works.
    },
  },
  guards: {
    isMisconfiguration: ({ event }) => isBackendError(eventError(event), 'misconfigured'),
  },
  delays: {
    loadRetryDelay: ({ context }) => {
      const { loadRetryInitialMs, loadRetryMaxMs } = context.timings;
      const exponential = Math.min(loadRetryMaxMs, loadRetryInitialMs * 2 ** Math.max(0, context.loadFailures - 1));
      // Equal jitter: many sidecars that lost the same KMS do not retry in lockstep.
      return exponential / 2 + Math.random() * (exponential / 2);
    },
    degradedRecoveryDelay: ({ context }) => context.timings.degradedRecoveryMs,
    misconfiguredRecheckDelay: ({ context }) => context.timings.misconfiguredRecheckMs,
  },
}).createMachine({
  id: 'signer',
  context: ({ input }) => ({ timings: input.timings, publicKey: undefined, loadFailures: 0, lastError: undefined }),
  type: 'parallel',
  states: {
    // The service lifecycle: what /health reports and what the signing gate obeys.
    lifecycle: {
      initial: 'loadingPublicKey',
      on: {
        // Handled by the region, so the breaker mirror keeps its state while stopping.
        STOP: { target: '.stopping' },
      },
      states: {
        loadingPublicKey: {
          id: 'loadingPublicKey',
          initial: 'loading',
          states: {
            loading: {
              invoke: {
                src: 'loadPublicKey',
                onDone: {
                  target: '#ready',
                  actions: 'storePublicKey',
                },
                onError: [
                  {
                    guard: 'isMisconfiguration',
                    target: '#misconfigured',
                    actions: 'recordError',
                  },
                  {
                    target: 'waiting',
                    actions: 'recordLoadFailure',
                  },
                ],
              },
            },
            waiting: {
              after: { loadRetryDelay: 'loading' },
            },
          },
        },

        ready: {
          id: 'ready',
          on: {
            BACKEND_FAILED: [
              {
                guard: 'isMisconfiguration',
                target: 'misconfigured',
                actions: 'recordError',
              },
              { target: 'degraded', actions: 'recordError' },
            ],
            BACKEND_SLOW: { target: 'degraded' },
            BREAKER_OPENED: { target: 'circuitOpen' },
          },
        },

        degraded: {
          after: { degradedRecoveryDelay: { target: 'ready', actions: 'clearError' } },
          on: {
            BACKEND_FAILED: [
              {
                guard: 'isMisconfiguration',
                target: 'misconfigured',
                actions: 'recordError',
              },
              // Re-entering restarts the recovery timer: `degraded` lasts until the backend is quiet.
              { target: 'degraded', reenter: true, actions: 'recordError' },
            ],
            BACKEND_SLOW: { target: 'degraded', reenter: true },
            BREAKER_OPENED: { target: 'circuitOpen' },
          },
        },

        circuitOpen: {
          on: {
            BREAKER_HALF_OPENED: { target: 'halfOpen' },
          },
        },

        halfOpen: {
          // The trial call that closes or reopens the breaker, made at once so that a signer
          // with no signing traffic (for example one taken out of a Service for being
          // unready) still recovers. It never rejects; the breaker's events move the machine.
          invoke: { src: 'probeBreaker' },
          on: {
            // The breaker closed after one good call; failures are recent, so serve as degraded.
            BREAKER_CLOSED: { target: 'degraded' },
            BREAKER_OPENED: { target: 'circuitOpen' },
            BACKEND_FAILED: {
              guard: 'isMisconfiguration',
              target: 'misconfigured',
              actions: 'recordError',
            },
          },
        },

        misconfigured: {
          id: 'misconfigured',
          initial: 'waiting',
          states: {
            waiting: {
              after: { misconfiguredRecheckDelay: 'checking' },
            },
            checking: {
              invoke: {
                src: 'recheckBackend',
                onDone: {
                  target: '#ready',
                  actions: ['storePublicKey', 'closeBreaker'],
                },
                onError: [
                  {
                    guard: 'isMisconfiguration',
                    target: 'waiting',
                    actions: 'recordError',
                  },
                  {
                    target: '#loadingPublicKey',
                    actions: 'recordLoadFailure',
                  },
                ],
              },
            },
          },
        },

        stopping: {},
      },
    },

    // A mirror of the opossum breaker, moved only by the breaker's own events.
    breaker: {
      initial: 'closed',
      states: {
        closed: {
          on: { BREAKER_OPENED: { target: 'open' } },
        },
        open: {
          on: {
            BREAKER_HALF_OPENED: { target: 'halfOpen' },
            // A passed misconfiguration re-check closes the breaker straight from open.
            BREAKER_CLOSED: { target: 'closed' },
          },
        },
        halfOpen: {
          on: {
            BREAKER_CLOSED: { target: 'closed' },
            BREAKER_OPENED: { target: 'open' },
          },
        },
      },
    },
  },
});
