import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig, type LoadOptions } from '../../src/config/load-config.js';
import type { SignerConfig } from '../../src/config/signer-config.js';

const TOKEN = 'load-config-test-token-0123456789abcdef';
const SEED = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';
const ZERO_SEED = '0'.repeat(64);
const KEY_VERSION_NAME = 'projects/atto-prod/locations/europe-west1/keyRings/voters/cryptoKeys/voter-1/cryptoKeyVersions/3';

type Env = Record<string, string | undefined>;

/** Builds a valid LOCAL environment, where `overrides` replace variables or, with undefined, remove them. */
function localEnv(overrides: Env = {}): Env {
  return { ATTO_SIGNER_TOKEN: TOKEN, ATTO_SIGNER_BACKEND: 'LOCAL', ATTO_SIGNER_KEY: SEED, ...overrides };
}

/** Builds a valid GCP environment, where `overrides` replace variables or, with undefined, remove them. */
function gcpEnv(overrides: Env = {}): Env {
  return { ATTO_SIGNER_TOKEN: TOKEN, ATTO_SIGNER_BACKEND: 'GCP', ATTO_SIGNER_KEY: KEY_VERSION_NAME, ...overrides };
}

/** Returns what loadConfig throws; fails the test when it returns a configuration. */
function thrownBy(env: Env, options?: LoadOptions): unknown {
  try {
    loadConfig(env, options);
  } catch (error) {
    return error;
  }
  throw new Error('loadConfig returned a configuration; expected a ConfigError');
}

function valueAt(config: SignerConfig, path: string): unknown {
  let value: unknown = config;
  for (const part of path.split('.')) value = (value as Record<string, unknown>)[part];
  return value;
}

// Key files live in one private temporary folder, removed after the tests.
let keyFolder: string;
let paddedKeyFile: string;
let badKeyFile: string;
const BAD_FILE_KEY = `${SEED.slice(0, 60)}zzzz`;

beforeAll(() => {
  keyFolder = mkdtempSync(join(tmpdir(), 'atto-signer-config-'));
  paddedKeyFile = join(keyFolder, 'padded.key');
  writeFileSync(paddedKeyFile, `\n  ${SEED.toLowerCase()}  \n\n`, { mode: 0o600 });
  chmodSync(paddedKeyFile, 0o600);
  badKeyFile = join(keyFolder, 'bad.key');
  writeFileSync(badKeyFile, `${BAD_FILE_KEY}\n`, { mode: 0o600 });
});

afterAll(() => {
  rmSync(keyFolder, { recursive: true, force: true });
});

describe('loadConfig defaults', () => {
  const config = loadConfig(localEnv());

  it.each([
    ['api.host', '127.0.0.1'],
    ['api.port', 8080],
    ['api.maxBodyBytes', 4096],
    ['management.host', '0.0.0.0'],
    ['management.port', 8081],
    ['queue.concurrency', 32],
    ['queue.ratePerSecond', 1000],
    ['queue.maxSize', 256],
    ['queue.deadlineMs', 800],
    ['breaker.callTimeoutMs', 500],
    ['breaker.errorThresholdPercentage', 50],
    ['breaker.volumeThreshold', 10],
    ['breaker.resetTimeoutMs', 5000],
    ['breaker.rollingWindowMs', 10_000],
    ['lifecycle.loadRetryInitialMs', 500],
    ['lifecycle.loadRetryMaxMs', 30_000],
    ['lifecycle.degradedRecoveryMs', 30_000],
    ['lifecycle.misconfiguredRecheckMs', 30_000],
    ['slowCallMs', 250],
    ['shutdownGraceMs', 5000],
    ['logLevel', 'info'],
    ['token', TOKEN],
    ['backend.type', 'LOCAL'],
  ])('defaults %s to %s', (path, expected) => {
    expect(valueAt(config, path)).toEqual(expected);
  });

  it('defaults capabilities to VOTE and CHALLENGE', () => {
    expect([...config.capabilities].sort()).toEqual(['CHALLENGE', 'VOTE']);
  });

  it('decodes the LOCAL seed', () => {
    expect(config.backend).toEqual({ type: 'LOCAL', seed: Buffer.from(SEED, 'hex') });
  });

  it('treats blank capabilities as unset', () => {
    const blank = loadConfig(localEnv({ ATTO_SIGNER_CAPABILITIES: '  ' }));
    expect([...blank.capabilities].sort()).toEqual(['CHALLENGE', 'VOTE']);
  });
});

describe('loadConfig accepted settings', () => {
  it.each([
    ['vote, Challenge', ['CHALLENGE', 'VOTE']],
    ['VOTE,vote, Vote ', ['VOTE']],
    ['block,VOTE,,challenge,', ['BLOCK', 'CHALLENGE', 'VOTE']],
  ])('reads capabilities "%s"', (text, expected) => {
    const config = loadConfig(localEnv({ ATTO_SIGNER_CAPABILITIES: text }));
    expect([...config.capabilities].sort()).toEqual(expected);
  });

  it('reads the key file', () => {
    const config = loadConfig(localEnv({ ATTO_SIGNER_KEY: undefined, ATTO_SIGNER_KEY_FILE: paddedKeyFile }));
    expect(config.backend).toEqual({ type: 'LOCAL', seed: Buffer.from(SEED, 'hex') });
  });

  it('trims the inline key', () => {
    const config = loadConfig(localEnv({ ATTO_SIGNER_KEY: `  ${SEED}\n` }));
    expect(config.backend).toEqual({ type: 'LOCAL', seed: Buffer.from(SEED, 'hex') });
  });

  it('accepts a 32-character token', () => {
    const token = 't'.repeat(32);
    expect(loadConfig(localEnv({ ATTO_SIGNER_TOKEN: token })).token).toBe(token);
  });

  it('accepts short token in development', () => {
    expect(loadConfig(localEnv({ ATTO_SIGNER_TOKEN: 'dev' }), { development: true }).token).toBe('dev');
  });

  it('accepts all-zero key in development', () => {
    const config = loadConfig(localEnv({ ATTO_SIGNER_KEY: ZERO_SEED }), { development: true });
    expect(config.backend).toEqual({ type: 'LOCAL', seed: Buffer.alloc(32) });
  });

  it('accepts port 0 and 65535', () => {
    const config = loadConfig(localEnv({ ATTO_SIGNER_PORT: '0', ATTO_SIGNER_MANAGEMENT_PORT: '65535' }));
    expect([config.api.port, config.management.port]).toEqual([0, 65535]);
  });

  it('reads a GCP key version', () => {
    const config = loadConfig(gcpEnv({ ATTO_SIGNER_GCP_ENDPOINT: '127.0.0.1:9000', ATTO_SIGNER_BACKEND_TIMEOUT_MS: '300' }));
    expect(config.backend).toEqual({ type: 'GCP', keyVersionName: KEY_VERSION_NAME, endpoint: '127.0.0.1:9000', callTimeoutMs: 300 });
  });
});

interface BadSetting {
  readonly name: string;
  readonly env: () => Env;
  readonly options?: LoadOptions;
  /** The variable the ConfigError must name. */
  readonly variable: string;
  /** Text of the fix, or of the expected form, that the message must contain. */
  readonly hint: string;
  /** Token or key values that the message must not contain. */
  readonly secrets: readonly string[];
}

const SHORT_TOKEN = 'short-token-0123456789abcdefghi';
const NOT_HEX_KEY = `${SEED.slice(0, 63)}G`;
const PORT_HINT = 'must be an integer from 0 to 65535';
const TIMEOUT_HINT = 'must be an integer from 10 to 60000 (milliseconds)';

const BAD_SETTINGS: readonly BadSetting[] = [
  { name: 'missing token', env: () => localEnv({ ATTO_SIGNER_TOKEN: undefined }), variable: 'ATTO_SIGNER_TOKEN', hint: 'is not set; set it to the token', secrets: [SEED] },
  { name: 'blank token', env: () => localEnv({ ATTO_SIGNER_TOKEN: ' \n' }), variable: 'ATTO_SIGNER_TOKEN', hint: 'is not set', secrets: [SEED] },
  {
    name: '31-character token',
    env: () => localEnv({ ATTO_SIGNER_TOKEN: SHORT_TOKEN }),
    variable: 'ATTO_SIGNER_TOKEN',
    hint: 'use at least 32 random characters',
    secrets: [SHORT_TOKEN, SEED],
  },
  { name: 'unknown backend', env: () => localEnv({ ATTO_SIGNER_BACKEND: 'AWS' }), variable: 'ATTO_SIGNER_BACKEND', hint: 'must be one of LOCAL, GCP', secrets: [TOKEN, SEED] },
  { name: 'missing backend', env: () => localEnv({ ATTO_SIGNER_BACKEND: undefined }), variable: 'ATTO_SIGNER_BACKEND', hint: 'set it to one of LOCAL, GCP', secrets: [TOKEN, SEED] },
  { name: 'missing LOCAL key', env: () => localEnv({ ATTO_SIGNER_KEY: undefined }), variable: 'ATTO_SIGNER_KEY', hint: 'or set ATTO_SIGNER_KEY_FILE', secrets: [TOKEN] },
  { name: 'key not hex', env: () => localEnv({ ATTO_SIGNER_KEY: NOT_HEX_KEY }), variable: 'ATTO_SIGNER_KEY', hint: 'exactly 64 hex characters', secrets: [TOKEN, NOT_HEX_KEY] },
  { name: 'key of 62 characters', env: () => localEnv({ ATTO_SIGNER_KEY: SEED.slice(2) }), variable: 'ATTO_SIGNER_KEY', hint: 'exactly 64 hex characters', secrets: [TOKEN, SEED.slice(2)] },
  { name: 'key with 0x prefix', env: () => localEnv({ ATTO_SIGNER_KEY: `0x${SEED}` }), variable: 'ATTO_SIGNER_KEY', hint: 'exactly 64 hex characters', secrets: [TOKEN, SEED] },
  { name: 'all-zero key', env: () => localEnv({ ATTO_SIGNER_KEY: ZERO_SEED }), variable: 'ATTO_SIGNER_KEY', hint: 'generate a new key', secrets: [TOKEN] },
  {
    name: 'key and key file',
    env: () => localEnv({ ATTO_SIGNER_KEY_FILE: paddedKeyFile }),
    variable: 'ATTO_SIGNER_KEY_FILE',
    hint: 'set only one of them',
    secrets: [TOKEN, SEED],
  },
  {
    name: 'missing key file',
    env: () => localEnv({ ATTO_SIGNER_KEY: undefined, ATTO_SIGNER_KEY_FILE: join(keyFolder, 'absent.key') }),
    variable: 'ATTO_SIGNER_KEY_FILE',
    hint: '(ENOENT); mount the secret or fix the path',
    secrets: [TOKEN],
  },
  {
    name: 'key file is folder',
    env: () => localEnv({ ATTO_SIGNER_KEY: undefined, ATTO_SIGNER_KEY_FILE: keyFolder }),
    variable: 'ATTO_SIGNER_KEY_FILE',
    hint: '(EISDIR); mount the secret or fix the path',
    secrets: [TOKEN],
  },
  {
    name: 'key file not hex',
    env: () => localEnv({ ATTO_SIGNER_KEY: undefined, ATTO_SIGNER_KEY_FILE: badKeyFile }),
    variable: 'ATTO_SIGNER_KEY_FILE',
    hint: 'exactly 64 hex characters',
    secrets: [TOKEN, BAD_FILE_KEY],
  },
  {
    name: 'key given as key file',
    env: () => localEnv({ ATTO_SIGNER_KEY: undefined, ATTO_SIGNER_KEY_FILE: SEED }),
    variable: 'ATTO_SIGNER_KEY_FILE',
    hint: 'not a file path; move the key to ATTO_SIGNER_KEY',
    secrets: [TOKEN, SEED],
  },
  {
    name: 'unknown capability',
    env: () => localEnv({ ATTO_SIGNER_CAPABILITIES: 'VOTE,SIGN' }),
    variable: 'ATTO_SIGNER_CAPABILITIES',
    hint: '"SIGN" is not one of BLOCK, VOTE, CHALLENGE',
    secrets: [TOKEN, SEED],
  },
  {
    name: 'empty capability list',
    env: () => localEnv({ ATTO_SIGNER_CAPABILITIES: ' , ,' }),
    variable: 'ATTO_SIGNER_CAPABILITIES',
    hint: 'set one or more of BLOCK, VOTE, CHALLENGE',
    secrets: [TOKEN, SEED],
  },
  { name: 'port 65536', env: () => localEnv({ ATTO_SIGNER_PORT: '65536' }), variable: 'ATTO_SIGNER_PORT', hint: PORT_HINT, secrets: [TOKEN, SEED] },
  { name: 'port -1', env: () => localEnv({ ATTO_SIGNER_PORT: '-1' }), variable: 'ATTO_SIGNER_PORT', hint: PORT_HINT, secrets: [TOKEN, SEED] },
  { name: 'port abc', env: () => localEnv({ ATTO_SIGNER_PORT: 'abc' }), variable: 'ATTO_SIGNER_PORT', hint: PORT_HINT, secrets: [TOKEN, SEED] },
  { name: 'port 80.5', env: () => localEnv({ ATTO_SIGNER_PORT: '80.5' }), variable: 'ATTO_SIGNER_PORT', hint: PORT_HINT, secrets: [TOKEN, SEED] },
  { name: 'management port 65536', env: () => localEnv({ ATTO_SIGNER_MANAGEMENT_PORT: '65536' }), variable: 'ATTO_SIGNER_MANAGEMENT_PORT', hint: PORT_HINT, secrets: [TOKEN, SEED] },
  { name: 'request timeout 1.5', env: () => localEnv({ ATTO_SIGNER_REQUEST_TIMEOUT_MS: '1.5' }), variable: 'ATTO_SIGNER_REQUEST_TIMEOUT_MS', hint: TIMEOUT_HINT, secrets: [TOKEN, SEED] },
  { name: 'request timeout 800ms', env: () => localEnv({ ATTO_SIGNER_REQUEST_TIMEOUT_MS: '800ms' }), variable: 'ATTO_SIGNER_REQUEST_TIMEOUT_MS', hint: TIMEOUT_HINT, secrets: [TOKEN, SEED] },
  { name: 'backend timeout 1e2', env: () => localEnv({ ATTO_SIGNER_BACKEND_TIMEOUT_MS: '1e2' }), variable: 'ATTO_SIGNER_BACKEND_TIMEOUT_MS', hint: TIMEOUT_HINT, secrets: [TOKEN, SEED] },
  {
    name: 'shutdown grace 0.5',
    env: () => localEnv({ ATTO_SIGNER_SHUTDOWN_GRACE_MS: '0.5' }),
    variable: 'ATTO_SIGNER_SHUTDOWN_GRACE_MS',
    hint: 'must be an integer from 0 to 600000 (milliseconds)',
    secrets: [TOKEN, SEED],
  },
  {
    name: 'backend timeout equals request',
    env: () => localEnv({ ATTO_SIGNER_BACKEND_TIMEOUT_MS: '800', ATTO_SIGNER_REQUEST_TIMEOUT_MS: '800' }),
    variable: 'ATTO_SIGNER_BACKEND_TIMEOUT_MS',
    hint: 'must be shorter than ATTO_SIGNER_REQUEST_TIMEOUT_MS (800)',
    secrets: [TOKEN, SEED],
  },
  {
    name: 'request timeout under backend',
    env: () => localEnv({ ATTO_SIGNER_REQUEST_TIMEOUT_MS: '400' }),
    variable: 'ATTO_SIGNER_BACKEND_TIMEOUT_MS',
    hint: '(500) must be shorter than ATTO_SIGNER_REQUEST_TIMEOUT_MS (400)',
    secrets: [TOKEN, SEED],
  },
  { name: 'missing GCP key', env: () => gcpEnv({ ATTO_SIGNER_KEY: undefined }), variable: 'ATTO_SIGNER_KEY', hint: 'set it to projects/P/locations/L', secrets: [TOKEN] },
  {
    name: 'GCP key without version',
    env: () => gcpEnv({ ATTO_SIGNER_KEY: 'projects/p/locations/l/keyRings/r/cryptoKeys/k' }),
    variable: 'ATTO_SIGNER_KEY',
    hint: '/cryptoKeyVersions/',
    secrets: [TOKEN],
  },
  {
    name: 'GCP key is a seed',
    env: () => gcpEnv({ ATTO_SIGNER_KEY: SEED }),
    variable: 'ATTO_SIGNER_KEY',
    hint: 'is not a Cloud KMS key version name',
    secrets: [TOKEN, SEED],
  },
  {
    name: 'GCP endpoint without port',
    env: () => gcpEnv({ ATTO_SIGNER_GCP_ENDPOINT: 'cloudkms.googleapis.com' }),
    variable: 'ATTO_SIGNER_GCP_ENDPOINT',
    hint: 'expected host:port',
    secrets: [TOKEN],
  },
];

describe('loadConfig bad settings', () => {
  it.each(BAD_SETTINGS)('rejects $name with ConfigError', ({ env, options }) => {
    expect(thrownBy(env(), options)).toBeInstanceOf(ConfigError);
  });

  it.each(BAD_SETTINGS)('names variable for $name', ({ env, options, variable }) => {
    expect((thrownBy(env(), options) as ConfigError).variable).toBe(variable);
  });

  it.each(BAD_SETTINGS)('prefixes message for $name', ({ env, options, variable }) => {
    expect((thrownBy(env(), options) as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
  });

  it.each(BAD_SETTINGS)('states the fix for $name', ({ env, options, hint }) => {
    expect((thrownBy(env(), options) as ConfigError).message).toContain(hint);
  });

  it.each(BAD_SETTINGS.filter((setting) => setting.secrets.length > 0))('hides secrets for $name', ({ env, options, secrets }) => {
    const message = (thrownBy(env(), options) as ConfigError).message.toLowerCase();
    for (const secret of secrets) {
      expect(message, `message contains the secret ${secret}`).not.toContain(secret.toLowerCase());
    }
  });
});
