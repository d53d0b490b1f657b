import { describe, expect, it } from 'vitest';
import { DeferredBackend } from '../../src/kms/deferred-backend.js';
import { LocalBackend } from '../../src/kms/local/local-backend.js';
import { BackendError } from '../../src/kms/signing-backend.js';
import { VECTOR_PRIVATE_KEY, VECTOR_PUBLIC_KEY } from '../protocol/vectors.js';

const SEED = Buffer.from(VECTOR_PRIVATE_KEY, 'hex');

describe('deferred backend', () => {
  it('builds the backend once', async () => {
    let builds = 0;
    const backend = new DeferredBackend('TEST', 'test key', async () => {
      builds += 1;
      return new LocalBackend(SEED);
    });

    const [first, second] = await Promise.all([backend.loadPublicKey(), backend.loadPublicKey()]);
    await backend.sign(new Uint8Array(32));

    expect(builds).toBe(1);
    expect(Buffer.from(first).toString('hex').toUpperCase()).toBe(VECTOR_PUBLIC_KEY);
    expect(second).toEqual(first);
  });

  it('builds nothing before a call', () => {
    let builds = 0;
    new DeferredBackend('TEST', 'test key', async () => {
      builds += 1;
      return new LocalBackend(SEED);
    });

    expect(builds).toBe(0);
  });

  it('turns a build failure into misconfigured', async () => {
    const backend = new DeferredBackend('TEST', 'test key', async () => {
      throw new Error('Cannot find package @google-cloud/kms');
    });

    const error = await backend.loadPublicKey().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).kind).toBe('misconfigured');
    expect((error as BackendError).message).toContain('@google-cloud/kms');
  });

  it('closes without building', async () => {
    let builds = 0;
    const backend = new DeferredBackend('TEST', 'test key', async () => {
      builds += 1;
      return new LocalBackend(SEED);
    });

    await backend.close();

    expect(builds).toBe(0);
  });
});
