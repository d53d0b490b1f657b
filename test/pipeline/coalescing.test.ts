import { afterEach, describe, expect, it } from 'vitest';
import { VECTOR_PRIVATE_KEY, VECTOR_PUBLIC_KEY, VOTE_BLOCK_HASH } from '../protocol/vectors.js';
import { ControllableBackend } from '../support/controllable-backend.js';
import { post } from '../support/http-client.js';
import { eventually, healthState, startSigner, type StartedSigner } from '../support/start-signer.js';
import { AttoOracle } from '../support/atto-oracle.js';

let started: StartedSigner | undefined;
let backend: ControllableBackend;

async function start(env: Record<string, string> = {}): Promise<StartedSigner> {
  backend = new ControllableBackend(Buffer.from(VECTOR_PRIVATE_KEY, 'hex'));
  started = await startSigner({ ATTO_SIGNER_SHUTDOWN_GRACE_MS: '50', ...env }, backend);
  await eventually(async () => (await healthState(started!.managementUrl)).state === 'ready');
  return started;
}

afterEach(async () => {
  await started?.stop();
  started = undefined;
});

function voteBody(timestamp: number): string {
  return `{"target":{"version":0,"algorithm":"V1","publicKey":"${VECTOR_PUBLIC_KEY}","blockAlgorithm":"V1","blockHash":"${VOTE_BLOCK_HASH}","timestamp":${timestamp}}}`;
}

async function coalescedCount(signer: StartedSigner, source: string): Promise<number> {
  const text = await (await fetch(`${signer.managementUrl}/prometheus`)).text();
  const match = new RegExp(`atto_signer_coalesced_total\\{source="${source}"\\} (\\d+)`).exec(text);
  return match ? Number(match[1]) : 0;
}

describe('coalescing duplicate requests', () => {
  it('concurrent duplicates share one call', async () => {
    const signer = await start();
    const oracle = await AttoOracle.fromSeed(VECTOR_PRIVATE_KEY);
    const expected = await oracle.vote({ blockHash: VOTE_BLOCK_HASH, timestamp: 1_733_000_000_500n });
    backend.mode = 'slow';
    backend.slowMs = 100;

    const responses = await Promise.all(Array.from({ length: 8 }, () => post(`${signer.apiUrl}/votes`, voteBody(1_733_000_000_500))));

    expect(backend.signCalls).toBe(1);
    expect(responses.map((response) => response.body.signature)).toEqual(Array(8).fill(expected.signatureHex));
    expect(await coalescedCount(signer, 'inflight')).toBe(7);
  });

  it('retry within lifetime makes no call', async () => {
    const signer = await start();
    const first = await post(`${signer.apiUrl}/votes`, voteBody(1_733_000_000_600));
    const retry = await post(`${signer.apiUrl}/votes`, voteBody(1_733_000_000_600));

    expect(backend.signCalls).toBe(1);
    expect(retry.body).toEqual(first.body);
    expect(await coalescedCount(signer, 'cache')).toBe(1);
  });

  it('retry after lifetime calls again', async () => {
    const signer = await start({ ATTO_SIGNER_SIGNATURE_CACHE_TTL_MS: '20' });
    await post(`${signer.apiUrl}/votes`, voteBody(1_733_000_000_700));
    await new Promise((resolve) => setTimeout(resolve, 60));
    await post(`${signer.apiUrl}/votes`, voteBody(1_733_000_000_700));

    expect(backend.signCalls).toBe(2);
  });

  it('different messages call separately', async () => {
    const signer = await start();
    backend.mode = 'slow';
    backend.slowMs = 50;

    const responses = await Promise.all([1, 2, 3, 4].map((offset) => post(`${signer.apiUrl}/votes`, voteBody(1_733_000_001_000 + offset))));

    expect(backend.signCalls).toBe(4);
    expect(new Set(responses.map((response) => response.body.signature)).size).toBe(4);
  });

  it('failed call is not remembered', async () => {
    const signer = await start();
    backend.mode = 'unavailable';
    const failed = await post(`${signer.apiUrl}/votes`, voteBody(1_733_000_000_800));
    backend.mode = 'healthy';
    const retried = await post(`${signer.apiUrl}/votes`, voteBody(1_733_000_000_800));

    expect(failed.status).toBe(503);
    expect(retried.status).toBe(200);
    expect(backend.signCalls).toBe(2);
  });

  it('cache size 0 turns it off', async () => {
    const signer = await start({ ATTO_SIGNER_SIGNATURE_CACHE_SIZE: '0' });
    await post(`${signer.apiUrl}/votes`, voteBody(1_733_000_000_900));
    await post(`${signer.apiUrl}/votes`, voteBody(1_733_000_000_900));

    expect(backend.signCalls).toBe(2);
  });
});
