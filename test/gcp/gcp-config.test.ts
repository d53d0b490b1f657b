import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { DEFAULT_FAKE_KEY_VERSION_NAME } from '../support/fake-kms/index.js';
import { TEST_TOKEN } from '../support/start-signer.js';

// Nothing here may probe the GCE metadata server if an Application Default Credentials
// lookup starts by mistake.
process.env['METADATA_SERVER_DETECTION'] = 'none';

/** The expected shape, whatever placeholder names the message uses for its parts. */
const KEY_VERSION_SHAPE = /projects\/\w+\/locations\/\w+\/keyRings\/\w+\/cryptoKeys\/\w+\/cryptoKeyVersions\/\w+/;

function gcpEnv(overrides: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ATTO_SIGNER_TOKEN: TEST_TOKEN, ATTO_SIGNER_BACKEND: 'GCP', ATTO_SIGNER_KEY: DEFAULT_FAKE_KEY_VERSION_NAME, ...overrides };
}

/** Runs loadConfig and returns what it threw, or fails the test when it returned. */
function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  let thrown: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  return thrown as ConfigError;
}

/** Values of ATTO_SIGNER_KEY that are not a crypto key version resource name. */
const INVALID_KEY_VERSION_NAMES = [
  { name: 'key without version', value: 'projects/atto/locations/global/keyRings/atto/cryptoKeys/voter' },
  { name: 'version 0', value: 'projects/atto/locations/global/keyRings/atto/cryptoKeys/voter/cryptoKeyVersions/0' },
  { name: 'REST URL', value: `https://cloudkms.googleapis.com/v1/${DEFAULT_FAKE_KEY_VERSION_NAME}` },
  { name: 'key ring only', value: 'projects/atto/locations/global/keyRings/atto' },
];

describe('GCP settings', () => {
  it('accepts a key version name', () => {
    const config = loadConfig(gcpEnv({ ATTO_SIGNER_GCP_ENDPOINT: '127.0.0.1:9000' }));

    expect(config.backend).toEqual({
      type: 'GCP',
      keyVersionName: DEFAULT_FAKE_KEY_VERSION_NAME,
      endpoint: '127.0.0.1:9000',
      callTimeoutMs: 500,
    });
  });

  it.each(INVALID_KEY_VERSION_NAMES)('rejects a $name as key', ({ value }) => {
    const error = configErrorOf(gcpEnv({ ATTO_SIGNER_KEY: value }));

    expect(error.variable).toBe('ATTO_SIGNER_KEY');
    expect(error.message).toContain('ATTO_SIGNER_KEY');
    expect(error.message).toMatch(KEY_VERSION_SHAPE);
  });

  it('rejects a missing key', () => {
    const error = configErrorOf(gcpEnv({ ATTO_SIGNER_KEY: undefined }));

    expect(error.variable).toBe('ATTO_SIGNER_KEY');
    expect(error.message).toContain('is not set');
    expect(error.message).toMatch(KEY_VERSION_SHAPE);
  });

  it('rejects an endpoint without port', () => {
    const error = configErrorOf(gcpEnv({ ATTO_SIGNER_GCP_ENDPOINT: 'cloudkms.googleapis.com' }));

    expect(error.variable).toBe('ATTO_SIGNER_GCP_ENDPOINT');
    expect(error.message).toContain('host:port');
  });

  it('rejects a call timeout past the deadline', () => {
    const error = configErrorOf(gcpEnv({ ATTO_SIGNER_BACKEND_TIMEOUT_MS: '800', ATTO_SIGNER_REQUEST_TIMEOUT_MS: '800' }));

    expect(error.variable).toBe('ATTO_SIGNER_BACKEND_TIMEOUT_MS');
    expect(error.message).toContain('ATTO_SIGNER_REQUEST_TIMEOUT_MS');
  });
});
