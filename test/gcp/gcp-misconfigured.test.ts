import { afterEach, describe, expect, it } from 'vitest';

import type { FakeKms, FakeKmsMode } from '../support/fake-kms/index.js';
import { healthState, type StartedSigner } from '../support/start-signer.js';
import { VOTE_VECTORS, voteJson } from '../protocol/vectors.js';
import { metricValue, postSigning, scrapeMetrics, startGcpSigner, startVectorKms, waitForState } from './gcp-harness.js';

// Nothing here may probe the GCE metadata server if an Application Default Credentials
// lookup starts by mistake.
process.env['METADATA_SERVER_DETECTION'] = 'none';

const VOTE = VOTE_VECTORS[0]!;
const VOTE_BODY = `{"target":${voteJson(VOTE)}}`;

/**
 * Fake KMS modes that need an operator's change, and what lastError must name. The fake
 * fails GetPublicKey too, so the re-checks replace the AsymmetricSign error with their own.
 */
const SIGNING_MISCONFIGURATIONS: Array<{ mode: FakeKmsMode; cause: string }> = [
  { mode: 'permissionDenied', cause: 'permission denied' },
  { mode: 'keyDisabled', cause: 'must be ENABLED' },
];

let fake: FakeKms | undefined;
let signer: StartedSigner | undefined;

afterEach(async () => {
  await signer?.stop();
  await fake?.stop();
  signer = undefined;
  fake = undefined;
});

async function startReadySigner(env: Record<string, string> = {}): Promise<{ fake: FakeKms; signer: StartedSigner }> {
  const kms = await startVectorKms();
  fake = kms.fake;
  signer = await startGcpSigner(kms.fake, kms.endpoint, env);
  expect(await waitForState(signer, 'ready')).toBe(true);
  return { fake: kms.fake, signer };
}

/** Checks that the signer reports `misconfigured`, rejects signing, and names `cause`. */
async function expectMisconfigured(target: StartedSigner, cause: string): Promise<void> {
  const health = await healthState(target.managementUrl);
  expect(health.status).toBe(503);
  expect(health.state).toBe('misconfigured');
  expect(String(health.body.lastError)).toContain(cause);

  const outcome = await postSigning(target, '/votes', VOTE_BODY);
  expect(outcome.status).toBe(503);
  expect(outcome.retryAfter).not.toBeNull();
  expect(outcome.body.signature).toBeUndefined();
}

/** Checks that the signer is back to `ready` and signs the vote vector. */
async function expectRecovered(target: StartedSigner): Promise<void> {
  expect(await waitForState(target, 'ready')).toBe(true);

  const health = await healthState(target.managementUrl);
  expect(health.status).toBe(200);
  expect(health.body.lastError).toBeNull();

  const outcome = await postSigning(target, '/votes', VOTE_BODY);
  expect(outcome.status).toBe(200);
  expect(outcome.body.signature).toBe(VOTE.signature);
}

describe('GCP signer with a misconfigured key', () => {
  it.each(SIGNING_MISCONFIGURATIONS)('recovers from $mode while signing', async ({ mode, cause }) => {
    const started = await startReadySigner();

    started.fake.setMode(mode);
    const failed = await postSigning(started.signer, '/votes', VOTE_BODY);

    expect(failed.status).toBe(503);
    expect(failed.retryAfter).not.toBeNull();
    expect(failed.body.signature).toBeUndefined();
    expect(await waitForState(started.signer, 'misconfigured')).toBe(true);
    await expectMisconfigured(started.signer, cause);

    // The signer re-checks by itself, and the re-checks keep failing while the key stays unusable.
    const callsBeforeRecheck = started.fake.calls.getPublicKey;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(started.fake.calls.getPublicKey).toBeGreaterThan(callsBeforeRecheck);
    await expectMisconfigured(started.signer, cause);

    started.fake.setMode('healthy');

    await expectRecovered(started.signer);
  });

  it('reports a closed breaker after recovery', async () => {
    // One failed call opens the breaker, and it stays open far longer than the re-check takes.
    const started = await startReadySigner({
      ATTO_SIGNER_BREAKER_VOLUME_THRESHOLD: '1',
      ATTO_SIGNER_BREAKER_RESET_TIMEOUT_MS: '60000',
    });
    started.fake.setMode('permissionDenied');
    await postSigning(started.signer, '/votes', VOTE_BODY);
    expect(await waitForState(started.signer, 'misconfigured')).toBe(true);
    const misconfiguredHealth = await healthState(started.signer.managementUrl);
    expect((misconfiguredHealth.body.breaker as { state: string }).state).toBe('open');

    started.fake.setMode('healthy');
    await expectRecovered(started.signer);

    const health = await healthState(started.signer.managementUrl);
    expect((health.body.breaker as { state: string }).state).toBe('closed');
    const metrics = await scrapeMetrics(started.signer);
    expect(metricValue(metrics, 'atto_signer_breaker_state', { state: 'closed' })).toBe(1);
    expect(metricValue(metrics, 'atto_signer_breaker_state', { state: 'open' })).toBe(0);
  });

  it('names the algorithm of a non-Ed25519 key', async () => {
    const kms = await startVectorKms();
    fake = kms.fake;
    kms.fake.setMode('wrongAlgorithm');
    signer = await startGcpSigner(kms.fake, kms.endpoint);

    expect(await waitForState(signer, 'misconfigured')).toBe(true);
    await expectMisconfigured(signer, 'EC_SIGN_P256_SHA256');

    kms.fake.setMode('healthy');

    await expectRecovered(signer);
  });

  it('explains rejections before any key loaded', async () => {
    const kms = await startVectorKms();
    fake = kms.fake;
    kms.fake.setMode('wrongAlgorithm');
    signer = await startGcpSigner(kms.fake, kms.endpoint);
    expect(await waitForState(signer, 'misconfigured')).toBe(true);

    const outcome = await postSigning(signer, '/votes', VOTE_BODY);

    expect(outcome.status).toBe(503);
    expect(String(outcome.body.message)).toContain('misconfigured');
  });
});
