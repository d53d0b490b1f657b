import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  exitOf,
  type HttpResult,
  killRunningSigners,
  publicKeyOfSeed,
  sendRequest,
  spawnSigner,
  verifySignature,
  voteBody,
  voteHash,
  type Vote,
} from './signer-process.js';

const TOKEN = 'shutdown-test-token-0123456789abcdefghijklm';
const SEED = '7B1E4D2A9C0F3E5D6A8B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B9C0D1E2F';
const PUBLIC_KEY = publicKeyOfSeed(SEED);
const TEST_TIMEOUT_MS = 60_000;

const BASE_ENV = {
  ATTO_SIGNER_TOKEN: TOKEN,
  ATTO_SIGNER_BACKEND: 'LOCAL',
  ATTO_SIGNER_KEY: SEED,
  ATTO_SIGNER_CAPABILITIES: 'VOTE',
};

// A rate of 5 signatures per second keeps most of a burst of 20 waiting in the queue, and the
// grace period of 400 ms ends before the next 5 may start, so SIGTERM meets queued requests.
const SLOW_QUEUE_ENV = {
  ...BASE_ENV,
  ATTO_SIGNER_RATE_LIMIT: '5',
  ATTO_SIGNER_REQUEST_TIMEOUT_MS: '3000',
  ATTO_SIGNER_BACKEND_TIMEOUT_MS: '1000',
  ATTO_SIGNER_SHUTDOWN_GRACE_MS: '400',
};
const BURST_SIZE = 20;

afterEach(async () => {
  await killRunningSigners();
});

function voteNumber(index: number): Vote {
  return { publicKey: PUBLIC_KEY, blockHash: 'E1'.repeat(32), timestamp: 1_733_000_000_000n + BigInt(index) };
}

function postVote(address: unknown, vote: Vote, agent?: http.Agent): Promise<HttpResult> {
  return sendRequest(address, { method: 'POST', path: '/votes', headers: { authorization: TOKEN }, body: voteBody(vote), ...(agent ? { agent } : {}) });
}

/** Returns why `result` is neither a 200 with a valid signature of `vote` nor a 503 with a message, or undefined. */
function problemWith(result: HttpResult, vote: Vote): string | undefined {
  if ('error' in result) return `socket error ${result.error}`;

  let body: { signature?: unknown; message?: unknown };
  try {
    body = JSON.parse(result.body) as typeof body;
  } catch {
    return `status ${result.status} with a body that is not JSON: ${result.body}`;
  }

  if (result.status === 200) {
    const signature = String(body.signature);
    if (!/^[0-9A-F]{128}$/.test(signature)) return `200 without a 128-hex signature: ${result.body}`;
    return verifySignature(PUBLIC_KEY, voteHash(vote), signature) ? undefined : `200 with a signature that does not verify: ${signature}`;
  }
  if (result.status === 503) {
    return typeof body.message === 'string' && body.message !== '' ? undefined : `503 without a message: ${result.body}`;
  }
  return `status ${result.status}: ${result.body}`;
}

async function queueLength(managementAddress: unknown): Promise<number> {
  const result = await sendRequest(managementAddress, { method: 'GET', path: '/health' });
  if ('error' in result) throw new Error(`GET /health failed: ${result.error}`);
  const body = JSON.parse(result.body) as { queue: { size: number; inFlight: number } };
  return body.queue.size + body.queue.inFlight;
}

describe('signer shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('exits 0 on idle %s', async (signal) => {
    const signer = spawnSigner('src/main.ts', BASE_ENV);
    await signer.waitForLog('atto-signer listening');

    signer.child.kill(signal);
    expect(await exitOf(signer)).toEqual({ code: 0, signal: null });
  }, TEST_TIMEOUT_MS);

  it.each(['shutdown signal received', 'stopping', 'stopped'])('logs "%s" on SIGTERM', async (msg) => {
    const signer = spawnSigner('src/main.ts', BASE_ENV);
    await signer.waitForLog('atto-signer listening');

    signer.child.kill('SIGTERM');
    await exitOf(signer);
    expect(signer.logLines().map((line) => line.msg)).toContain(msg);
  }, TEST_TIMEOUT_MS);

  describe.each([
    ['fresh connections', () => undefined],
    ['keep-alive connections', () => new http.Agent({ keepAlive: true, maxSockets: BURST_SIZE })],
  ])('with queued requests over %s', (_connections, createAgent) => {
    /** Sends a burst, waits until all of it is queued or answered, sends SIGTERM, and collects every outcome. */
    async function shutDownDuringBurst() {
      const signer = spawnSigner('src/main.ts', SLOW_QUEUE_ENV);
      const listening = await signer.waitForLog('atto-signer listening');
      await signer.waitForLog('public key loaded');
      const agent = createAgent();

      try {
        let answered = 0;
        const votes = Array.from({ length: BURST_SIZE }, (_, index) => voteNumber(index));
        const burst = votes.map((vote) =>
          postVote(listening.api, vote, agent).finally(() => {
            answered += 1;
          }),
        );

        // SIGTERM goes out only when every request of the burst has a response or waits in the queue.
        while (answered + (await queueLength(listening.management)) < BURST_SIZE) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        signer.child.kill('SIGTERM');
        const duringGrace = await postVote(listening.api, voteNumber(100));

        const results = await Promise.all(burst);
        const exit = await exitOf(signer);
        const afterExit = await postVote(listening.api, voteNumber(200));
        const stopping = signer.logLines().find((line) => line.msg === 'stopping');
        return { votes, results, exit, duringGrace, afterExit, stopping };
      } finally {
        agent?.destroy();
      }
    }

    // One burst and shutdown per connection kind; the tests below read its outcome.
    let outcome: Awaited<ReturnType<typeof shutDownDuringBurst>>;
    beforeAll(async () => {
      outcome = await shutDownDuringBurst();
    }, TEST_TIMEOUT_MS);

    afterAll(async () => {
      await killRunningSigners();
    });

    it('answers every queued request', () => {
      const { votes, results } = outcome;
      const problems = results.map((result, index) => problemWith(result, votes[index] as Vote)).filter((problem) => problem !== undefined);
      expect(problems).toEqual([]);
    });

    it('rejects some requests with 503', () => {
      const { results } = outcome;
      expect(results.filter((result) => 'status' in result && result.status === 503).length).toBeGreaterThan(0);
    });

    it('stops with requests queued', () => {
      const { stopping } = outcome;
      expect(Number(stopping?.queued)).toBeGreaterThan(0);
    });

    it('exits 0 after the burst', () => {
      const { exit } = outcome;
      expect(exit).toEqual({ code: 0, signal: null });
    });

    it('rejects new request in grace', () => {
      const { duringGrace } = outcome;
      const statusOrError = 'status' in duringGrace ? duringGrace.status : duringGrace.error;
      expect([503, 'ECONNREFUSED']).toContain(statusOrError);
    });

    it('refuses connections after exit', () => {
      const { afterExit } = outcome;
      expect(afterExit).toEqual({ error: 'ECONNREFUSED' });
    });
  });
});
