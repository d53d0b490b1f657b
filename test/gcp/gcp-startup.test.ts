import { afterEach, describe, expect, it } from 'vitest';

import { FakeKms } from '../support/fake-kms/index.js';
import { eventually, healthState, type StartedSigner } from '../support/start-signer.js';
import { VECTOR_PUBLIC_KEY, VOTE_VECTORS, voteJson } from '../protocol/vectors.js';
import { VECTOR_SEED, postSigning, startGcpSigner, waitForState } from './gcp-harness.js';

// Nothing here may probe the GCE metadata server if an Application Default Credentials
// lookup starts by mistake.
process.env['METADATA_SERVER_DETECTION'] = 'none';

const VOTE_BODY = `{"target":${voteJson(VOTE_VECTORS[0]!)}}`;

const fakes: FakeKms[] = [];
const signers: StartedSigner[] = [];

afterEach(async () => {
  await Promise.all(signers.splice(0).map((signer) => signer.stop()));
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

async function startFake(mode: 'healthy' | 'unavailable'): Promise<{ fake: FakeKms; endpoint: string }> {
  const fake = new FakeKms({ seed: VECTOR_SEED });
  fakes.push(fake);
  fake.setMode(mode);
  const { endpoint } = await fake.start();
  return { fake, endpoint };
}

async function startTrackedSigner(fake: FakeKms, endpoint: string): Promise<StartedSigner> {
  const signer = await startGcpSigner(fake, endpoint);
  signers.push(signer);
  return signer;
}

/** Checks what a signer that cannot reach KMS reports while it keeps retrying. */
async function expectLoadingPublicKey(signer: StartedSigner): Promise<void> {
  const health = await healthState(signer.managementUrl);
  expect(health.status).toBe(503);
  expect(health.state).toBe('loadingPublicKey');
  expect(String(health.body.lastError)).toContain('GetPublicKey');

  const liveness = await fetch(`${signer.managementUrl}/health/liveness`);
  expect(liveness.status).toBe(200);

  const outcome = await postSigning(signer, '/votes', VOTE_BODY);
  expect(outcome.status).toBe(503);
  expect(outcome.retryAfter).not.toBeNull();
  expect(outcome.body.signature).toBeUndefined();
}

/** Checks that a signer that has just become ready signs the vote vector. */
async function expectSigning(signer: StartedSigner): Promise<void> {
  const health = await healthState(signer.managementUrl);
  expect(health.status).toBe(200);
  expect(health.body.publicKey).toBe(VECTOR_PUBLIC_KEY);

  const outcome = await postSigning(signer, '/votes', VOTE_BODY);
  expect(outcome.status).toBe(200);
  expect(outcome.body.signature).toBe(VOTE_VECTORS[0]!.signature);
}

describe('GCP signer starting without KMS', () => {
  it('waits for an unavailable KMS', async () => {
    const { fake, endpoint } = await startFake('unavailable');
    const signer = await startTrackedSigner(fake, endpoint);

    // Two failed loads prove the signer is in its retry loop, not before its first call.
    expect(await waitForState(signer, 'loadingPublicKey')).toBe(true);
    const retried = await waitForLoadFailures(signer, 2);
    expect(retried).toBe(true);
    await expectLoadingPublicKey(signer);

    fake.setMode('healthy');

    expect(await waitForState(signer, 'ready')).toBe(true);
    await expectSigning(signer);
  });

  it('waits for a KMS not yet listening', async () => {
    // Reserve a free port for the fake, then close it so that the first calls are refused.
    const { fake, endpoint } = await startFake('healthy');
    const port = Number(endpoint.split(':')[1]);
    await fake.stop();
    const signer = await startTrackedSigner(fake, endpoint);

    const retried = await waitForLoadFailures(signer, 2);
    expect(retried).toBe(true);
    await expectLoadingPublicKey(signer);

    await fake.start({ port });

    // grpc-js 1.14 waits for its reconnect backoff (1 s at first, growing 1.6 times per
    // attempt) before it connects again, so this wait is longer than the signer's retry delay.
    expect(await waitForState(signer, 'ready', 20_000)).toBe(true);
    await expectSigning(signer);
  });
});

/** Waits until the signer has counted `count` failed public-key loads. */
function waitForLoadFailures(signer: StartedSigner, count: number): Promise<boolean> {
  return eventually(() => signer.signer.lifecycle.loadFailures >= count);
}
