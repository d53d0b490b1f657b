import { describe, expect, it } from 'vitest';
import { type SnapshotFrom, transition } from 'xstate';
import { lifecycleMachine, type LifecycleEvent } from '../../src/actors/lifecycle-machine.js';
import { BackendError } from '../../src/kms/signing-backend.js';

type Snapshot = SnapshotFrom<typeof lifecycleMachine>;

const TIMINGS = { loadRetryInitialMs: 100, loadRetryMaxMs: 1000, degradedRecoveryMs: 1000, misconfiguredRecheckMs: 1000 };

/** A snapshot in the given lifecycle and breaker states, as if the machine had arrived there. */
function at(lifecycle: string, breaker = 'closed'): Snapshot {
  return lifecycleMachine.resolveState({
    value: { lifecycle, breaker },
    context: { timings: TIMINGS, publicKey: new Uint8Array(32), loadFailures: 0, lastError: undefined },
  });
}

function after(snapshot: Snapshot, event: LifecycleEvent): { lifecycle: string; breaker: string } {
  const [next] = transition(lifecycleMachine, snapshot, event);
  const value = next.value as { lifecycle: string | Record<string, string>; breaker: string };
  const lifecycle = typeof value.lifecycle === 'string' ? value.lifecycle : Object.keys(value.lifecycle)[0]!;
  return { lifecycle, breaker: value.breaker };
}

const unavailable: LifecycleEvent = { type: 'BACKEND_FAILED', error: new BackendError('unavailable', 'down') };
const misconfigured: LifecycleEvent = { type: 'BACKEND_FAILED', error: new BackendError('misconfigured', 'disabled') };
const timeout: LifecycleEvent = { type: 'BACKEND_FAILED', error: Object.assign(new Error('Timed out'), { code: 'ETIMEDOUT' }) };

describe('lifecycle transitions', () => {
  const CASES: ReadonlyArray<{ from: string; breaker?: string; event: LifecycleEvent; to: string; toBreaker?: string }> = [
    { from: 'ready', event: unavailable, to: 'degraded' },
    { from: 'ready', event: timeout, to: 'degraded' },
    { from: 'ready', event: misconfigured, to: 'misconfigured' },
    { from: 'ready', event: { type: 'BACKEND_SLOW', latencyMs: 900 }, to: 'degraded' },
    { from: 'ready', event: { type: 'BREAKER_OPENED' }, to: 'circuitOpen', toBreaker: 'open' },
    { from: 'degraded', event: unavailable, to: 'degraded' },
    { from: 'degraded', event: misconfigured, to: 'misconfigured' },
    { from: 'degraded', event: { type: 'BREAKER_OPENED' }, to: 'circuitOpen', toBreaker: 'open' },
    { from: 'circuitOpen', breaker: 'open', event: unavailable, to: 'circuitOpen', toBreaker: 'open' },
    { from: 'circuitOpen', breaker: 'open', event: { type: 'BREAKER_HALF_OPENED' }, to: 'halfOpen', toBreaker: 'halfOpen' },
    { from: 'halfOpen', breaker: 'halfOpen', event: { type: 'BREAKER_CLOSED' }, to: 'degraded', toBreaker: 'closed' },
    { from: 'halfOpen', breaker: 'halfOpen', event: { type: 'BREAKER_OPENED' }, to: 'circuitOpen', toBreaker: 'open' },
    { from: 'halfOpen', breaker: 'halfOpen', event: unavailable, to: 'halfOpen', toBreaker: 'halfOpen' },
    { from: 'halfOpen', breaker: 'halfOpen', event: misconfigured, to: 'misconfigured', toBreaker: 'halfOpen' },
    { from: 'misconfigured', event: unavailable, to: 'misconfigured' },
    { from: 'misconfigured', event: { type: 'BREAKER_OPENED' }, to: 'misconfigured', toBreaker: 'open' },
    { from: 'loadingPublicKey', event: unavailable, to: 'loadingPublicKey' },
    { from: 'loadingPublicKey', event: { type: 'STOP' }, to: 'stopping' },
    { from: 'ready', event: { type: 'STOP' }, to: 'stopping' },
    { from: 'circuitOpen', breaker: 'open', event: { type: 'STOP' }, to: 'stopping', toBreaker: 'open' },
    { from: 'stopping', event: { type: 'BREAKER_CLOSED' }, to: 'stopping' },
    { from: 'stopping', event: unavailable, to: 'stopping' },
  ];

  for (const { from, breaker = 'closed', event, to, toBreaker = breaker } of CASES) {
    const eventName = event.type === 'BACKEND_FAILED' ? `${event.type}(${(event.error as Error).message})` : event.type;
    it(`${from} + ${eventName} → ${to}`, () => {
      const next = after(at(from, breaker), event);

      expect(next.lifecycle).toBe(to);
      expect(next.breaker).toBe(toBreaker);
    });
  }
});
