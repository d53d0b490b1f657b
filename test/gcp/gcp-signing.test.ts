import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FakeKms } from '../support/fake-kms/index.js';
import type { StartedSigner } from '../support/start-signer.js';
import {
  BLOCK_VECTORS,
  CHALLENGE_TIMESTAMP,
  CHALLENGE_VECTORS,
  VECTOR_PUBLIC_KEY,
  VOTE_VECTORS,
  vectorChallenge,
  voteJson,
} from '../protocol/vectors.js';
import { postSigning, startGcpSigner, startVectorKms, waitForState } from './gcp-harness.js';

// Nothing here may probe the GCE metadata server if an Application Default Credentials
// lookup starts by mistake.
process.env['METADATA_SERVER_DETECTION'] = 'none';

let fake: FakeKms;
let signer: StartedSigner;

beforeAll(async () => {
  const kms = await startVectorKms();
  fake = kms.fake;
  // Timing is not under test here, so calls get time to spare on a busy machine. The policy
  // signs a challenge only near its own clock, so that clock reads the vectors' time.
  signer = await startGcpSigner(
    fake,
    kms.endpoint,
    { ATTO_SIGNER_BACKEND_TIMEOUT_MS: '2000', ATTO_SIGNER_REQUEST_TIMEOUT_MS: '3000' },
    () => Number(CHALLENGE_TIMESTAMP),
  );
  expect(await waitForState(signer, 'ready')).toBe(true);
});

afterAll(async () => {
  await signer?.stop();
  await fake?.stop();
});

describe('GCP signer signing vectors', () => {
  it('serves the vector public key', async () => {
    const response = await fetch(`${signer.apiUrl}/public-keys`);
    const body = (await response.json()) as { publicKey?: unknown };

    expect(response.status).toBe(200);
    expect(body.publicKey).toBe(VECTOR_PUBLIC_KEY);
  });

  it.each(BLOCK_VECTORS)('signs the $name block vector', async (vector) => {
    const callsBefore = fake.calls.asymmetricSign;

    const outcome = await postSigning(signer, '/blocks', `{"target":${vector.json}}`);

    expect(outcome.status).toBe(200);
    expect(outcome.body.signature).toBe(vector.signature);
    expect(fake.calls.asymmetricSign).toBe(callsBefore + 1);
  });

  it.each(VOTE_VECTORS)('signs the $name vote vector', async (vector) => {
    const callsBefore = fake.calls.asymmetricSign;

    const outcome = await postSigning(signer, '/votes', `{"target":${voteJson(vector)}}`);

    expect(outcome.status).toBe(200);
    expect(outcome.body.signature).toBe(vector.signature);
    expect(fake.calls.asymmetricSign).toBe(callsBefore + 1);
  });

  it.each(CHALLENGE_VECTORS)('signs the $length-byte challenge vector', async (vector) => {
    const challenge = vectorChallenge(vector.length).toString('hex').toUpperCase();
    const body = `{"target":"${challenge}","timestamp":${CHALLENGE_TIMESTAMP}}`;
    const callsBefore = fake.calls.asymmetricSign;

    const outcome = await postSigning(signer, '/challenges', body);

    expect(outcome.status).toBe(200);
    expect(outcome.body.signature).toBe(vector.signature);
    expect(fake.calls.asymmetricSign).toBe(callsBefore + 1);
  });
});
