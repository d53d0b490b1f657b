import { afterEach, describe, expect, it } from 'vitest';

import type { FakeKms, FakeKmsMode } from '../support/fake-kms/index.js';
import type { StartedSigner } from '../support/start-signer.js';
import { VOTE_VECTORS, voteJson } from '../protocol/vectors.js';
import {
  PINO_ERROR_LEVEL,
  logRecords,
  metricValue,
  postSigning,
  scrapeMetrics,
  startGcpSigner,
  startVectorKms,
  waitForState,
} from './gcp-harness.js';

// Nothing here may probe the GCE metadata server if an Application Default Credentials
// lookup starts by mistake.
process.env['METADATA_SERVER_DETECTION'] = 'none';

const VOTE = VOTE_VECTORS[0]!;
const VOTE_BODY = `{"target":${voteJson(VOTE)}}`;
const INTEGRITY_ERRORS = { operation: 'sign', kind: 'integrity' };

/** Fake KMS modes whose AsymmetricSign response fails one of the signer's checks. */
const INTEGRITY_FAILURES: Array<{ mode: FakeKmsMode; problem: string }> = [
  { mode: 'corruptSignature', problem: 'does not verify' },
  { mode: 'wrongSignatureCrc', problem: 'CRC32C of the signature' },
  { mode: 'unverifiedDataCrc', problem: 'verifiedDataCrc32c' },
  { mode: 'wrongKeyName', problem: 'names the key version' },
];

let fake: FakeKms | undefined;
let signer: StartedSigner | undefined;

afterEach(async () => {
  await signer?.stop();
  await fake?.stop();
  signer = undefined;
  fake = undefined;
});

describe('GCP signer integrity checks', () => {
  it.each(INTEGRITY_FAILURES)('discards $mode responses', async ({ mode, problem }) => {
    const kms = await startVectorKms();
    fake = kms.fake;
    signer = await startGcpSigner(kms.fake, kms.endpoint);
    expect(await waitForState(signer, 'ready')).toBe(true);
    const errorsBefore = metricValue(await scrapeMetrics(signer), 'atto_signer_backend_errors_total', INTEGRITY_ERRORS);

    kms.fake.setMode(mode);
    const outcome = await postSigning(signer, '/votes', VOTE_BODY);

    expect(outcome.status).toBe(503);
    expect(outcome.retryAfter).not.toBeNull();
    expect(outcome.body.signature).toBeUndefined();
    expect(JSON.stringify(outcome.body)).not.toContain(VOTE.signature.slice(2));
    expect(kms.fake.calls.asymmetricSign).toBeGreaterThan(0);

    const errorLines = logRecords(signer).filter((record) => record['level'] === PINO_ERROR_LEVEL);
    const integrityLine = errorLines.find((record) => record['hash'] === VOTE.hash);
    expect(integrityLine, `error lines: ${JSON.stringify(errorLines)}`).toBeDefined();
    expect(integrityLine?.['keyName']).toBe(kms.fake.keyVersionName);
    expect(JSON.stringify(integrityLine?.['err'])).toContain(problem);

    const errorsAfter = metricValue(await scrapeMetrics(signer), 'atto_signer_backend_errors_total', INTEGRITY_ERRORS);
    expect(errorsAfter).toBe(errorsBefore + 1);
  });
});
