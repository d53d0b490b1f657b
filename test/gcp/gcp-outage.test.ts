import { afterEach, describe, expect, it } from 'vitest';

import type { FakeKms } from '../support/fake-kms/index.js';
import { healthState, type StartedSigner } from '../support/start-signer.js';
import {
  metricValue,
  postSigning,
  scrapeMetrics,
  startGcpSigner,
  startVectorKms,
  verifiesWithVectorKey,
  voteHash,
  voteRequestBody,
  waitForState,
  type SigningOutcome,
} from './gcp-harness.js';

// Nothing here may probe the GCE metadata server if an Application Default Credentials
// lookup starts by mistake.
process.env['METADATA_SERVER_DETECTION'] = 'none';

/** Concurrent request loops, each sending one vote request at a time. */
const LOOPS = 4;
/** Bounds of each loop, whatever happens to the signer. */
const MAX_REQUESTS_PER_LOOP = 3000;
const MAX_LOAD_MS = 30_000;
/** Pause between two requests of one loop, in milliseconds. */
const LOOP_PAUSE_MS = 5;
/** The Atto node's socket timeout for signing calls. */
const NODE_TIMEOUT_MS = 1000;
/** How long the outage lasts after the breaker opened, long enough for failed half-open trials. */
const OUTAGE_AFTER_OPEN_MS = 1200;

let fake: FakeKms | undefined;
let signer: StartedSigner | undefined;

afterEach(async () => {
  await signer?.stop();
  await fake?.stop();
  signer = undefined;
  fake = undefined;
});

/** One request of the load, with the vote timestamp it signed and when it ran. */
interface LoadOutcome {
  readonly timestamp: bigint;
  /** performance.now() when the request was sent and when its response was read. */
  readonly sentAt: number;
  readonly answeredAt: number;
  /** The response, or undefined when the request failed without one. */
  readonly outcome: SigningOutcome | undefined;
  readonly error: unknown;
}

/** Sequential vote requests in LOOPS concurrent loops, until stop() or the bounds. */
class VoteLoad {
  readonly outcomes: LoadOutcome[] = [];
  private stopped = false;
  private readonly loops: Promise<void>[];

  constructor(private readonly target: StartedSigner) {
    this.loops = Array.from({ length: LOOPS }, (_, loop) => this.run(loop));
  }

  async stop(): Promise<LoadOutcome[]> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.outcomes;
  }

  private async run(loop: number): Promise<void> {
    const endAt = performance.now() + MAX_LOAD_MS;
    for (let i = 0; i < MAX_REQUESTS_PER_LOOP && !this.stopped && performance.now() < endAt; i++) {
      // A distinct timestamp per request, so every signature is over a different vote.
      const timestamp = 1_733_000_000_000n + BigInt(loop) * 1_000_000n + BigInt(i);
      const sentAt = performance.now();
      let outcome: SigningOutcome | undefined;
      let error: unknown;
      try {
        outcome = await postSigning(this.target, '/votes', voteRequestBody(timestamp));
      } catch (caught) {
        error = caught;
      }
      this.outcomes.push({ timestamp, sentAt, answeredAt: performance.now(), outcome, error });
      await new Promise((resolve) => setTimeout(resolve, LOOP_PAUSE_MS));
    }
  }
}

/** Polls /health until `state`, returning that response, or undefined after `timeoutMs`. */
async function waitForHealth(target: StartedSigner, state: string, timeoutMs = 10_000): Promise<Awaited<ReturnType<typeof healthState>> | undefined> {
  const until = Date.now() + timeoutMs;
  while (Date.now() <= until) {
    const health = await healthState(target.managementUrl);
    if (health.state === state) return health;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

/** Polls /prometheus until `accept` returns true for a scrape, returning it, or undefined. */
async function waitForMetrics(target: StartedSigner, accept: (text: string) => boolean, timeoutMs = 10_000): Promise<string | undefined> {
  const until = Date.now() + timeoutMs;
  while (Date.now() <= until) {
    const text = await scrapeMetrics(target);
    if (accept(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

/** Polls /health until `ready` and returns every state seen on the way, in order without repeats. */
async function statesUntilReady(target: StartedSigner, timeoutMs = 10_000): Promise<{ states: string[]; status: number }> {
  const states: string[] = [];
  const until = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() <= until) {
    const health = await healthState(target.managementUrl);
    status = health.status;
    if (states.at(-1) !== health.state) states.push(health.state);
    if (health.state === 'ready') break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { states, status };
}

function isRetryAfter(value: string | null): boolean {
  return value !== null && /^[1-9][0-9]*$/.test(value);
}

/** Describes a request in one line, for failure messages. */
function describeOutcome(entry: LoadOutcome): string {
  const took = Math.round(entry.answeredAt - entry.sentAt);
  if (entry.outcome === undefined) return `vote ${entry.timestamp}: no response after ${took} ms (${String(entry.error)})`;
  return `vote ${entry.timestamp}: ${entry.outcome.status} retry-after=${entry.outcome.retryAfter} after ${took} ms`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs vote traffic through a healthy KMS, then through `failure` until the breaker has been
 * open for OUTAGE_AFTER_OPEN_MS, then through a healthy KMS again until /health is `ready`.
 * Checks what the node receives at each step.
 */
async function expectOutageHandled(failure: 'unavailable' | 'hang'): Promise<void> {
  const kms = await startVectorKms();
  fake = kms.fake;
  signer = await startGcpSigner(kms.fake, kms.endpoint);
  expect(await waitForState(signer, 'ready')).toBe(true);

  const load = new VoteLoad(signer);
  await sleep(300);
  kms.fake.setMode(failure);

  const openHealth = await waitForHealth(signer, 'circuitOpen');
  const openedAt = performance.now();
  expect(openHealth?.state, 'breaker opened').toBe('circuitOpen');
  expect(openHealth?.status).toBe(503);
  const kmsCallsAtOpen = kms.fake.calls.asymmetricSign;

  const openMetrics = await waitForMetrics(
    signer,
    (text) =>
      metricValue(text, 'atto_signer_breaker_state', { state: 'open' }) === 1 &&
      metricValue(text, 'atto_signer_queue_rejections_total', { reason: 'circuit_open' }) > 0,
  );
  expect(openMetrics, 'open breaker and circuit_open rejections in /prometheus').toBeDefined();
  expect(metricValue(openMetrics ?? '', 'atto_signer_breaker_state', { state: 'open' })).toBe(1);
  expect(metricValue(openMetrics ?? '', 'atto_signer_queue_rejections_total', { reason: 'circuit_open' })).toBeGreaterThan(0);

  await sleep(OUTAGE_AFTER_OPEN_MS);
  const outageMetrics = await scrapeMetrics(signer);
  const kmsCallsWhileOpen = kms.fake.calls.asymmetricSign - kmsCallsAtOpen;
  const healedAt = performance.now();
  kms.fake.setMode('healthy');

  const recovery = await statesUntilReady(signer);
  expect(recovery.states.at(-1), `states after recovery: ${recovery.states.join(' -> ')}`).toBe('ready');
  expect(recovery.status).toBe(200);
  expect(recovery.states, 'degraded before ready').toContain('degraded');
  expect(recovery.states.indexOf('degraded')).toBeLessThan(recovery.states.indexOf('ready'));

  await sleep(200);
  const outcomes = await load.stop();
  const finalMetrics = await scrapeMetrics(signer);

  // While the breaker is open, only half-open trials and calls already running when it opened
  // reach KMS.
  const halfOpenTrials = metricValue(outageMetrics, 'atto_signer_breaker_events_total', { event: 'halfOpen' });
  expect(halfOpenTrials, 'half-open trials during the outage').toBeGreaterThan(0);
  expect(kmsCallsWhileOpen).toBeLessThanOrEqual(halfOpenTrials + LOOPS);
  expect(metricValue(finalMetrics, 'atto_signer_breaker_events_total', { event: 'close' })).toBeGreaterThan(0);

  const lost = outcomes.filter((entry) => entry.outcome === undefined).map(describeOutcome);
  expect(lost, 'requests without a response').toEqual([]);

  const late = outcomes.filter((entry) => entry.answeredAt - entry.sentAt >= NODE_TIMEOUT_MS).map(describeOutcome);
  expect(late, `requests answered after ${NODE_TIMEOUT_MS} ms`).toEqual([]);

  const badSignatures = outcomes
    .filter((entry) => entry.outcome?.status === 200 && !verifiesWithVectorKey(voteHash(entry.timestamp), entry.outcome.body.signature))
    .map(describeOutcome);
  expect(badSignatures, 'signatures that do not verify').toEqual([]);

  const notRetryable = outcomes
    .filter((entry) => entry.outcome !== undefined && entry.outcome.status !== 200)
    .filter((entry) => !((entry.outcome!.status >= 500 || entry.outcome!.status === 429) && isRetryAfter(entry.outcome!.retryAfter)))
    .map(describeOutcome);
  expect(notRetryable, 'failures without a retryable status and Retry-After').toEqual([]);

  const duringOutage = outcomes.filter((entry) => entry.sentAt >= openedAt && entry.answeredAt < healedAt);
  expect(duringOutage.length, 'requests while the breaker was open').toBeGreaterThan(0);
  const servedDuringOutage = duringOutage.filter((entry) => entry.outcome?.status !== 503).map(describeOutcome);
  expect(servedDuringOutage, 'requests not answered 503 while the breaker was open').toEqual([]);

  const signedBefore = outcomes.filter((entry) => entry.outcome?.status === 200 && entry.answeredAt < openedAt);
  expect(signedBefore.length, 'votes signed before the outage').toBeGreaterThan(0);
  const signedAfter = outcomes.filter((entry) => entry.outcome?.status === 200 && entry.sentAt > healedAt);
  expect(signedAfter.length, 'votes signed after recovery').toBeGreaterThan(0);
}

describe('GCP signer during a KMS outage', () => {
  it('fails fast while KMS is unavailable', async () => {
    await expectOutageHandled('unavailable');
  }, 60_000);

  it('fails fast while KMS hangs', async () => {
    await expectOutageHandled('hang');

    const metrics = await scrapeMetrics(signer!);
    expect(metricValue(metrics, 'atto_signer_backend_errors_total', { kind: 'timeout' })).toBeGreaterThan(0);
  }, 60_000);

  it('recovers without signing traffic', async () => {
    const kms = await startVectorKms();
    fake = kms.fake;
    signer = await startGcpSigner(kms.fake, kms.endpoint);
    expect(await waitForState(signer, 'ready')).toBe(true);

    kms.fake.setMode('unavailable');
    for (let i = 0n; i < 10n; i++) {
      await postSigning(signer, '/votes', voteRequestBody(1_733_000_000_000n + i));
    }
    expect(await waitForState(signer, 'circuitOpen')).toBe(true);

    // No request follows, because a failing readiness probe takes the signer out of a
    // Service's endpoints, and then no caller is left to make the half-open trial call.
    kms.fake.setMode('healthy');
    await waitForState(signer, 'ready', 5000);

    const health = await healthState(signer.managementUrl);
    expect(health.state).toBe('ready');
    expect(health.status).toBe(200);
  }, 30_000);
});
