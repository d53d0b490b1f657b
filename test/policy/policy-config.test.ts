import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/logger.js';

const TOKEN = 'policy-config-test-token-0123456789abcdef';
const SEED = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';

function envWith(overrides: Record<string, string>): Record<string, string> {
  return { ATTO_SIGNER_TOKEN: TOKEN, ATTO_SIGNER_BACKEND: 'LOCAL', ATTO_SIGNER_KEY: SEED, ...overrides };
}

/** Returns what loadConfig throws; fails the test when it returns a configuration. */
function thrownBy(overrides: Record<string, string>): unknown {
  try {
    loadConfig(envWith(overrides));
  } catch (error) {
    return error;
  }
  throw new Error('loadConfig returned a configuration; expected a ConfigError');
}

describe('ATTO_SIGNER_NETWORKS', () => {
  const CASES = [
    { value: undefined, networks: ['LIVE', 'BETA', 'DEV', 'LOCAL'] },
    { value: '', networks: ['LIVE', 'BETA', 'DEV', 'LOCAL'] },
    { value: 'LIVE', networks: ['LIVE'] },
    { value: ' live , Beta ', networks: ['LIVE', 'BETA'] },
    { value: 'LOCAL,LOCAL', networks: ['LOCAL'] },
  ];
  for (const { value, networks } of CASES) {
    it(`reads ${JSON.stringify(value)}`, () => {
      const config = loadConfig(envWith(value === undefined ? {} : { ATTO_SIGNER_NETWORKS: value }));

      expect([...config.networks]).toEqual(networks);
    });
  }

  const INVALID = [
    { value: 'MAINNET', hint: '"MAINNET" is not one of LIVE, BETA, DEV, LOCAL' },
    { value: 'LIVE,TEST', hint: '"TEST" is not one of LIVE, BETA, DEV, LOCAL' },
    { value: ',', hint: 'lists nothing' },
  ];
  for (const { value, hint } of INVALID) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      const error = thrownBy({ ATTO_SIGNER_NETWORKS: value });

      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe('ATTO_SIGNER_NETWORKS');
      expect((error as ConfigError).message).toContain(hint);
    });
  }
});

describe('ATTO_SIGNER_MAX_CLOCK_SKEW_MS', () => {
  const CASES = [
    { value: undefined, skew: 60_000 },
    { value: '100', skew: 100 },
    { value: '3600000', skew: 3_600_000 },
  ];
  for (const { value, skew } of CASES) {
    it(`reads ${JSON.stringify(value)}`, () => {
      const config = loadConfig(envWith(value === undefined ? {} : { ATTO_SIGNER_MAX_CLOCK_SKEW_MS: value }));

      expect(config.maxClockSkewMs).toBe(skew);
    });
  }

  for (const value of ['99', '0', '-1', '3600001', '1.5', '1e4', 'one minute']) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      const error = thrownBy({ ATTO_SIGNER_MAX_CLOCK_SKEW_MS: value });

      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain('ATTO_SIGNER_MAX_CLOCK_SKEW_MS: must be an integer from 100 to 3600000 (milliseconds)');
    });
  }
});

describe('logger redaction', () => {
  const SECRET = 'secret-value-that-must-not-appear';
  const RECORDS: ReadonlyArray<{ name: string; fields: Record<string, unknown> }> = [
    { name: 'authorization', fields: { authorization: SECRET } },
    { name: 'headers.authorization', fields: { headers: { authorization: SECRET } } },
    { name: 'req.headers.authorization', fields: { req: { headers: { authorization: SECRET } } } },
    { name: 'request.headers.authorization', fields: { request: { headers: { authorization: SECRET } } } },
    { name: 'token', fields: { token: SECRET } },
    { name: 'config.token', fields: { config: { token: SECRET } } },
    { name: 'config.backend.seed', fields: { config: { backend: { seed: SECRET } } } },
    { name: 'seed', fields: { seed: SECRET } },
    { name: 'privateKey', fields: { privateKey: SECRET } },
    { name: 'key', fields: { key: SECRET } },
    { name: 'nested privateKey', fields: { backend: { privateKey: SECRET } } },
    { name: 'Authorization', fields: { Authorization: SECRET } },
    { name: 'headers.Authorization', fields: { headers: { Authorization: SECRET } } },
    { name: 'response.headers.authorization', fields: { response: { headers: { authorization: SECRET } } } },
    { name: 'call.headers.Authorization', fields: { call: { headers: { Authorization: SECRET } } } },
  ];

  for (const { name, fields } of RECORDS) {
    it(`redacts ${name}`, () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, callback) {
          lines.push(String(chunk));
          callback();
        },
      });

      createLogger('info', sink).info(fields, 'record with a secret');

      expect(lines.join('')).not.toContain(SECRET);
      expect(lines.join('')).toContain('[redacted]');
    });
  }
});
