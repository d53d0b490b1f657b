import { afterEach, describe, expect, it } from 'vitest';
import { VECTOR_PRIVATE_KEY, VOTE_VECTORS, voteJson } from '../protocol/vectors.js';
import { ControllableBackend } from '../support/controllable-backend.js';
import { post, type TestResponse } from '../support/http-client.js';
import { eventually, healthState, startSigner, type StartedSigner } from '../support/start-signer.js';

const VOTE_BODY = `{"target":${voteJson(VOTE_VECTORS[0]!)}}`;
const SIGNATURE = VOTE_VECTORS[0]!.signature;

// Short timings so that a test sees the breaker open and recover within a second or two.
const FAST_TIMINGS = {
  ATTO_SIGNER_REQUEST_TIMEOUT_MS: '400',
  ATTO_SIGNER_BACKEND_TIMEOUT_MS: '200',
  ATTO_SIGNER_BREAKER_VOLUME_THRESHOLD: '4',
  ATTO_SIGNER_BREAKER_RESET_TIMEOUT_MS: '300',
  ATTO_SIGNER_DEGRADED_RECOVERY_MS: '200',
  ATTO_SIGNER_LOAD_RETRY_INITIAL_MS: '20',
  ATTO_SIGNER_LOAD_RETRY_MAX_MS: '50',
  ATTO_SIGNER_MISCONFIGURED_RECHECK_MS: '50',
  ATTO_SIGNER_SHUTDOWN_GRACE_MS: '50',
};

let started: StartedSigner | undefined;
let backend: ControllableBackend;

async function start(env: Record<string, string> = {}): Promise<StartedSigner> {
  backend = new ControllableBackend(Buffer.from(VECTOR_PRIVATE_KEY, 'hex'));
  started = await startSigner({ ...FAST_TIMINGS, ...env }, backend);
  return started;
}

afterEach(async () => {
  backend?.releaseStalled();
  await started?.stop();
  started = undefined;
});

async function vote(signer: StartedSigner): Promise<TestResponse> {
  return post(`${signer.apiUrl}/votes`, VOTE_BODY);
}

let nextTimestamp = 1_733_000_100_000;

/** A vote no other request in the run has sent, so it is never coalesced with another. */
async function uniqueVote(signer: StartedSigner): Promise<TestResponse> {
  nextTimestamp += 1;
  return post(`${signer.apiUrl}/votes`, VOTE_BODY.replace('"timestamp":1733000000123', `"timestamp":${nextTimestamp}`));
}

async function metricsText(signer: StartedSigner): Promise<string> {
  return (await fetch(`${signer.managementUrl}/prometheus`)).text();
}

describe('circuit breaker and lifecycle', () => {
  it('opens, fails fast, recovers', async () => {
    const signer = await start();
    expect(await eventually(async () => (await healthState(signer.managementUrl)).state === 'ready')).toBe(true);

    backend.mode = 'unavailable';
    for (let i = 0; i < 6; i += 1) await vote(signer);
    const health = await healthState(signer.managementUrl);
    expect(health.status).toBe(503);
    expect(health.state).toBe('circuitOpen');
    expect((health.body.breaker as { state: string }).state).toBe('open');

    const callsBefore = backend.signCalls;
    const rejected = await vote(signer);
    expect(rejected.status).toBe(503);
    expect(rejected.headers.get('retry-after')).toBe('1');
    expect(rejected.body.message).toMatch(/circuit breaker is open/);
    expect(backend.signCalls).toBe(callsBefore);

    const metrics = await metricsText(signer);
    expect(metrics).toContain('atto_signer_breaker_state{state="open"} 1');
    expect(metrics).toContain('atto_signer_lifecycle_state{state="circuitOpen"} 1');
    expect(metrics).toMatch(/atto_signer_queue_rejections_total\{reason="circuit_open"\} [1-9]/);

    backend.mode = 'healthy';
    const recovered = await eventually(async () => {
      const response = await vote(signer);
      return response.status === 200 && (await healthState(signer.managementUrl)).state === 'ready';
    });
    expect(recovered).toBe(true);
    expect((await vote(signer)).body).toEqual({ signature: SIGNATURE });
  });

  it('stalled backend trips the breaker', async () => {
    const signer = await start();
    await eventually(async () => (await healthState(signer.managementUrl)).state === 'ready');

    backend.mode = 'stall';
    const responses = await Promise.all(Array.from({ length: 6 }, () => uniqueVote(signer)));

    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(503));
    expect(await eventually(async () => (await healthState(signer.managementUrl)).state === 'circuitOpen')).toBe(true);
  });

  it('one failure marks degraded, still UP', async () => {
    const signer = await start({ ATTO_SIGNER_DEGRADED_RECOVERY_MS: '60000' });
    await eventually(async () => (await healthState(signer.managementUrl)).state === 'ready');

    backend.mode = 'unavailable';
    const failed = await vote(signer);
    backend.mode = 'healthy';
    const health = await healthState(signer.managementUrl);

    expect(failed.status).toBe(503);
    expect(failed.body.message).toBe('backend failed to sign; retry later');
    expect(health.status).toBe(200);
    expect(health.state).toBe('degraded');
    expect((await vote(signer)).status).toBe(200);
  });

  it('slow calls mark degraded', async () => {
    const signer = await start({ ATTO_SIGNER_SLOW_CALL_MS: '20', ATTO_SIGNER_DEGRADED_RECOVERY_MS: '60000' });
    await eventually(async () => (await healthState(signer.managementUrl)).state === 'ready');

    backend.mode = 'slow';
    backend.slowMs = 60;
    const response = await vote(signer);

    expect(response.status).toBe(200);
    expect((await healthState(signer.managementUrl)).state).toBe('degraded');
  });

  it('misconfigured backend recovers by itself', async () => {
    const signer = await start();
    await eventually(async () => (await healthState(signer.managementUrl)).state === 'ready');

    backend.mode = 'misconfigured';
    await vote(signer);
    const down = await healthState(signer.managementUrl);
    const refused = await vote(signer);

    expect(down.status).toBe(503);
    expect(down.state).toBe('misconfigured');
    expect(down.body.lastError).toBe('test key is disabled');
    expect(refused.status).toBe(503);

    backend.mode = 'healthy';
    expect(await eventually(async () => (await healthState(signer.managementUrl)).state === 'ready')).toBe(true);
    expect((await vote(signer)).status).toBe(200);
  });
});

describe('public key loading', () => {
  it('retries until the backend answers', async () => {
    backend = new ControllableBackend(Buffer.from(VECTOR_PRIVATE_KEY, 'hex'));
    backend.loadFails = true;
    started = await startSigner(FAST_TIMINGS, backend);
    const signer = started;

    expect(await eventually(() => backend.loadCalls >= 3)).toBe(true);
    const loading = await healthState(signer.managementUrl);
    const liveness = await fetch(`${signer.managementUrl}/health/liveness`);
    const refused = await vote(signer);
    const publicKey = await fetch(`${signer.apiUrl}/public-keys`);

    expect(loading.status).toBe(503);
    expect(loading.state).toBe('loadingPublicKey');
    expect(liveness.status).toBe(200);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(publicKey.status).toBe(503);

    backend.loadFails = false;
    expect(await eventually(async () => (await healthState(signer.managementUrl)).status === 200)).toBe(true);
    expect((await vote(signer)).body).toEqual({ signature: SIGNATURE });
  });
});

describe('queue bounds', () => {
  it('full queue answers 429', async () => {
    const signer = await start({ ATTO_SIGNER_QUEUE_CONCURRENCY: '1', ATTO_SIGNER_QUEUE_MAX_SIZE: '2' });
    await eventually(async () => (await healthState(signer.managementUrl)).state === 'ready');

    backend.mode = 'stall';
    const responses = await Promise.all(Array.from({ length: 5 }, () => uniqueVote(signer)));
    const statuses = responses.map((response) => response.status).sort();

    // One call runs, two wait, two find the queue full.
    expect(statuses).toEqual([429, 429, 503, 503, 503]);
    const full = responses.find((response) => response.status === 429)!;
    expect(full.headers.get('retry-after')).toBe('1');
    expect(full.body.message).toBe('signing queue is full (2 requests waiting)');
  });

  it('expired deadline never reaches the backend', async () => {
    const signer = await start({
      ATTO_SIGNER_QUEUE_CONCURRENCY: '1',
      ATTO_SIGNER_QUEUE_MAX_SIZE: '50',
      ATTO_SIGNER_BACKEND_TIMEOUT_MS: '300',
      ATTO_SIGNER_REQUEST_TIMEOUT_MS: '400',
    });
    await eventually(async () => (await healthState(signer.managementUrl)).state === 'ready');

    backend.mode = 'stall';
    const responses = await Promise.all(Array.from({ length: 5 }, () => uniqueVote(signer)));

    // The first call stalls until the 300 ms call timeout, and the second starts then. All
    // deadlines pass at 400 ms, while the second call still stalls, so the three requests
    // behind it are dropped without a backend call.
    expect(backend.signCalls).toBe(2);
    expect(responses.filter((response) => response.body.message?.toString().startsWith('signing deadline'))).toHaveLength(4);
    expect(await metricsText(signer)).toMatch(/atto_signer_queue_rejections_total\{reason="deadline"\} 4/);
  });

  it('rate limit spaces backend calls', async () => {
    const signer = await start({ ATTO_SIGNER_RATE_LIMIT: '2', ATTO_SIGNER_REQUEST_TIMEOUT_MS: '2500', ATTO_SIGNER_BACKEND_TIMEOUT_MS: '200' });
    await eventually(async () => (await healthState(signer.managementUrl)).state === 'ready');

    const responses = await Promise.all(Array.from({ length: 4 }, () => uniqueVote(signer)));

    // Two calls fit the first one-second interval, two the second, all within the deadline.
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(await metricsText(signer)).toMatch(/atto_signer_queue_wait_seconds_bucket\{le="0\.25"\} 2\n/);
  });
});
