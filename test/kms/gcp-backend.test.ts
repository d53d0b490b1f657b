import { createPublicKey, randomBytes, verify } from 'node:crypto';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { createGcpBackend } from '../../src/kms/gcp/gcp-backend.js';
import { createKmsClient } from '../../src/kms/gcp/kms-client.js';
import { BackendError, type BackendErrorKind, type SigningBackend } from '../../src/kms/signing-backend.js';
import { FakeKms, startFakeKms, type FakeKmsMode } from '../support/fake-kms/index.js';

// Safety net: if anything started an Application Default Credentials lookup, it must not
// probe the GCE metadata server from a test.
process.env['METADATA_SERVER_DETECTION'] = 'none';

// Seed, public key, vote hash and signature from the Atto protocol test vectors.
const SEED = Buffer.from('000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F', 'hex');
const PUBLIC_KEY = '03A107BFF3CE10BE1D70DD18E74BC09967E4D6309BA50D5F1DDC8664125531B8';
const VOTE_HASH = Buffer.from('54E35E5430E0124C462D78A009DD0147858C9A2DD2E1DBA134B8C1A66ABCD2B6', 'hex');
const VOTE_SIGNATURE =
  '3F5158A5BAC80EF3E5BB1EC4C61805FDF6F3098AEDA5B1DBCC3C27E9F93906FE3803F778CBB253B3C085B08DF04292185E2901C97E00A07D4754E5FEE0AC5809';

const CALL_TIMEOUT_MS = 2000;

let fake: FakeKms;
let endpoint: string;
const openBackends: SigningBackend[] = [];

function openBackend(callTimeoutMs = CALL_TIMEOUT_MS): SigningBackend {
  const backend = createGcpBackend({ keyVersionName: fake.keyVersionName, endpoint, callTimeoutMs });
  openBackends.push(backend);
  return backend;
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

async function expectBackendError(call: Promise<unknown>, kind: BackendErrorKind): Promise<BackendError> {
  const error: unknown = await call.then(
    (value) => ({ unexpectedResult: value }),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BackendError);
  expect((error as BackendError).kind).toBe(kind);
  return error as BackendError;
}

beforeAll(async () => {
  ({ fake, endpoint } = await startFakeKms({ seed: SEED }));
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.setMode('healthy');
  fake.resetCalls();
});

afterEach(async () => {
  await Promise.all(openBackends.splice(0).map((backend) => backend.close()));
});

describe('GCP backend against fake KMS', () => {
  it('loads the configured public key', async () => {
    const backend = openBackend();

    const publicKey = await backend.loadPublicKey();

    expect(toHex(publicKey)).toBe(PUBLIC_KEY);
    expect(backend.keyDescription).toBe(fake.keyVersionName);
    expect(fake.calls.getPublicKey).toBe(1);
  });

  it('signs a vote hash', async () => {
    const backend = openBackend();
    await backend.loadPublicKey();

    const signature = await backend.sign(VOTE_HASH);

    expect(toHex(signature)).toBe(VOTE_SIGNATURE);
    expect(fake.calls.asymmetricSign).toBe(1);
  });

  it('signs a 64-byte message', async () => {
    const backend = openBackend();
    const message = randomBytes(64);

    const signature = await backend.sign(message);

    const x = Buffer.from(PUBLIC_KEY, 'hex').toString('base64url');
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    expect(signature).toHaveLength(64);
    expect(verify(null, message, publicKey, signature)).toBe(true);
  });

  it('sign loads the key first', async () => {
    const backend = openBackend();

    await backend.sign(VOTE_HASH);

    expect(fake.calls.getPublicKey).toBe(1);
    expect(fake.calls.asymmetricSign).toBe(1);
  });

  it('concurrent signs share one key load', async () => {
    const backend = openBackend();

    const signatures = await Promise.all([backend.sign(VOTE_HASH), backend.sign(VOTE_HASH), backend.sign(VOTE_HASH)]);

    expect(signatures.map(toHex)).toEqual([VOTE_SIGNATURE, VOTE_SIGNATURE, VOTE_SIGNATURE]);
    expect(fake.calls.getPublicKey).toBe(1);
    expect(fake.calls.asymmetricSign).toBe(3);
  });

  it('signs within the deadline under latency', async () => {
    const backend = openBackend();
    fake.setMode('latency', { latencyMs: 200 });

    expect(toHex(await backend.sign(VOTE_HASH))).toBe(VOTE_SIGNATURE);
  });
});

describe('GCP backend failure modes', () => {
  it.each<[FakeKmsMode, BackendErrorKind]>([
    ['unavailable', 'unavailable'],
    ['permissionDenied', 'misconfigured'],
    ['keyDisabled', 'misconfigured'],
    ['wrongAlgorithm', 'misconfigured'],
    ['wrongPemCrc', 'integrity'],
    ['wrongKeyName', 'integrity'],
  ])('loadPublicKey in %s is %s', async (mode, kind) => {
    const backend = openBackend();
    fake.setMode(mode);

    await expectBackendError(backend.loadPublicKey(), kind);
    expect(fake.calls.getPublicKey).toBe(1);
  });

  it.each<[FakeKmsMode, BackendErrorKind]>([
    ['unavailable', 'unavailable'],
    ['permissionDenied', 'misconfigured'],
    ['keyDisabled', 'misconfigured'],
    ['wrongAlgorithm', 'misconfigured'],
    ['corruptSignature', 'integrity'],
    ['wrongSignatureCrc', 'integrity'],
    ['unverifiedDataCrc', 'integrity'],
    ['wrongKeyName', 'integrity'],
  ])('sign in %s is %s', async (mode, kind) => {
    const backend = openBackend();
    await backend.loadPublicKey();
    fake.setMode(mode);

    await expectBackendError(backend.sign(VOTE_HASH), kind);
    expect(fake.calls.asymmetricSign).toBe(1);
  });

  it.each<[FakeKmsMode, string]>([
    ['corruptSignature', 'does not verify against the public key'],
    ['wrongSignatureCrc', 'signatureCrc32c is'],
    ['unverifiedDataCrc', 'verifiedDataCrc32c is not true'],
    ['wrongKeyName', 'cryptoKeyVersions/2'],
  ])('integrity error in %s names check', async (mode, check) => {
    const backend = openBackend();
    await backend.loadPublicKey();
    fake.setMode(mode);

    const error = await expectBackendError(backend.sign(VOTE_HASH), 'integrity');
    expect(error.message).toContain(check);
  });

  it('misconfigured errors name the fix', async () => {
    const backend = openBackend();

    fake.setMode('permissionDenied');
    const denied = await expectBackendError(backend.loadPublicKey(), 'misconfigured');
    fake.setMode('wrongAlgorithm');
    const wrongAlgorithm = await expectBackendError(backend.loadPublicKey(), 'misconfigured');
    fake.setMode('keyDisabled');
    const disabled = await expectBackendError(backend.sign(VOTE_HASH), 'misconfigured');

    expect(denied.message).toContain('cloudkms.cryptoKeyVersions.viewPublicKey');
    expect(denied.message).toContain('roles/cloudkms.signerVerifier');
    expect(wrongAlgorithm.message).toContain('EC_SIGN_P256_SHA256');
    expect(wrongAlgorithm.message).toContain('EC_SIGN_ED25519');
    expect(disabled.message).toContain('ENABLED');
  });

  it('sign in wrongAlgorithm fails before signing', async () => {
    const backend = openBackend();
    fake.setMode('wrongAlgorithm');

    await expectBackendError(backend.sign(VOTE_HASH), 'misconfigured');
    expect(fake.calls.getPublicKey).toBe(1);
    expect(fake.calls.asymmetricSign).toBe(0);
  });

  it('hang ends at the call deadline', async () => {
    const callTimeoutMs = 300;
    const backend = openBackend(callTimeoutMs);
    await backend.loadPublicKey();
    fake.setMode('hang');

    const started = performance.now();
    const error = await expectBackendError(backend.sign(VOTE_HASH), 'unavailable');
    const elapsedMs = performance.now() - started;

    expect(elapsedMs).toBeLessThan(callTimeoutMs + 1000);
    expect(error.message).toContain('deadline');
    expect(fake.calls.asymmetricSign).toBe(1);
  });

  it('latency past deadline is unavailable', async () => {
    const backend = openBackend(300);
    fake.setMode('latency', { latencyMs: 1500 });

    await expectBackendError(backend.loadPublicKey(), 'unavailable');
    expect(fake.calls.getPublicKey).toBe(1);
  });

  it('makes one attempt per call', async () => {
    const backend = openBackend();
    fake.setMode('unavailable');

    for (let attempt = 1; attempt <= 3; attempt++) {
      await expectBackendError(backend.loadPublicKey(), 'unavailable');
      expect(fake.calls.getPublicKey).toBe(attempt);
    }
    fake.setMode('healthy');
    await backend.loadPublicKey();
    fake.setMode('unavailable');
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expectBackendError(backend.sign(VOTE_HASH), 'unavailable');
      expect(fake.calls.asymmetricSign).toBe(attempt);
    }
  });

  it('recovers after healthy again', async () => {
    const backend = openBackend();
    fake.setMode('unavailable');
    await expectBackendError(backend.sign(VOTE_HASH), 'unavailable');

    fake.setMode('healthy');

    expect(toHex(await backend.sign(VOTE_HASH))).toBe(VOTE_SIGNATURE);
  });

  it('closed backend rejects calls', async () => {
    const backend = openBackend();
    await backend.loadPublicKey();

    await backend.close();

    await expectBackendError(backend.sign(VOTE_HASH), 'unavailable');
    expect(fake.calls.asymmetricSign).toBe(0);
  });
});

describe('GCP backend connection', () => {
  it('stopped server is unavailable', async () => {
    const stopped = await startFakeKms();
    await stopped.fake.stop();
    const backend = createGcpBackend({
      keyVersionName: stopped.fake.keyVersionName,
      endpoint: stopped.endpoint,
      callTimeoutMs: CALL_TIMEOUT_MS,
    });
    openBackends.push(backend);

    await expectBackendError(backend.loadPublicKey(), 'unavailable');
  });

  it('changed public key is integrity', async () => {
    const first = await startFakeKms();
    const port = Number(first.endpoint.split(':')[1]);
    const backend = createGcpBackend({
      keyVersionName: first.fake.keyVersionName,
      endpoint: first.endpoint,
      callTimeoutMs: CALL_TIMEOUT_MS,
    });
    openBackends.push(backend);
    await backend.loadPublicKey();
    await first.fake.stop();

    const second = new FakeKms();
    await second.start({ port });
    try {
      const error = await expectBackendError(backend.loadPublicKey(), 'integrity');
      expect(error.message).toContain('different public key');
    } finally {
      await second.stop();
    }
  });

  it('loopback client skips credential lookup', async () => {
    const client = createKmsClient(endpoint);
    const getClient = vi.spyOn(client.auth, 'getClient');
    try {
      const [publicKey] = await client.getPublicKey({ name: fake.keyVersionName });

      expect(publicKey.algorithm).toBe('EC_SIGN_ED25519');
      expect(getClient).not.toHaveBeenCalled();
    } finally {
      await client.close();
    }
  });

  it('rejects invalid options', () => {
    expect(() => createGcpBackend({ keyVersionName: 'projects/p', endpoint, callTimeoutMs: 1000 })).toThrow(
      'expected projects/PROJECT',
    );
    expect(() =>
      createGcpBackend({ keyVersionName: fake.keyVersionName, endpoint: 'nowhere', callTimeoutMs: 1000 }),
    ).toThrow('expected host:port');
    expect(() => createGcpBackend({ keyVersionName: fake.keyVersionName, endpoint, callTimeoutMs: 0 })).toThrow(
      'positive number of milliseconds',
    );
  });
});
