import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  exitOf,
  killRunningSigners,
  type LogLine,
  parseAddress,
  publicKeyOfSeed,
  type ProcessExit,
  sendRequest,
  type SignerProcess,
  spawnSigner,
  verifySignature,
  voteBody,
  voteHash,
} from './signer-process.js';

const TOKEN = 'startup-test-token-0123456789abcdefghijklmn';
const SEED = '5E3D7C1A9B2F4E6081A3C5E7092B4D6F8A1C3E5072B4D6F8091A3C5E7F2B4D6E';
const TEST_TIMEOUT_MS = 60_000;

// Each group below shares the signers it starts in beforeAll, so they are killed after the
// whole file rather than after each test.
afterAll(async () => {
  await killRunningSigners();
});

const VALID_ENV = {
  ATTO_SIGNER_TOKEN: TOKEN,
  ATTO_SIGNER_BACKEND: 'LOCAL',
  ATTO_SIGNER_KEY: SEED,
  ATTO_SIGNER_CAPABILITIES: 'VOTE,CHALLENGE',
};

interface BadStart {
  readonly name: string;
  readonly env: Record<string, string>;
  readonly variable: string;
  /** Token or key values that must appear in no output. */
  readonly secrets: readonly string[];
}

const { ATTO_SIGNER_TOKEN: _token, ...ENV_WITHOUT_TOKEN } = VALID_ENV;
const MALFORMED_KEY = `${SEED.slice(0, 40)}not-a-hex-key-at-all!!`;

const BAD_STARTS: readonly BadStart[] = [
  { name: 'missing token', env: ENV_WITHOUT_TOKEN, variable: 'ATTO_SIGNER_TOKEN', secrets: [SEED] },
  { name: 'port 70000', env: { ...VALID_ENV, ATTO_SIGNER_PORT: '70000' }, variable: 'ATTO_SIGNER_PORT', secrets: [TOKEN, SEED] },
  { name: 'unknown capability', env: { ...VALID_ENV, ATTO_SIGNER_CAPABILITIES: 'VOTE,SIGN' }, variable: 'ATTO_SIGNER_CAPABILITIES', secrets: [TOKEN, SEED] },
  { name: 'malformed key', env: { ...VALID_ENV, ATTO_SIGNER_KEY: MALFORMED_KEY }, variable: 'ATTO_SIGNER_KEY', secrets: [TOKEN, MALFORMED_KEY] },
  { name: 'unknown backend', env: { ...VALID_ENV, ATTO_SIGNER_BACKEND: 'AWS' }, variable: 'ATTO_SIGNER_BACKEND', secrets: [TOKEN, SEED] },
  { name: 'seed as GCP key', env: { ...VALID_ENV, ATTO_SIGNER_BACKEND: 'GCP' }, variable: 'ATTO_SIGNER_KEY', secrets: [TOKEN, SEED] },
];

describe('signer start with bad configuration', () => {
  // Each bad configuration runs once; the tests below read its outcome.
  const outcomes = new Map<string, { exit: ProcessExit; stdout: string; stderr: string }>();

  beforeAll(async () => {
    await Promise.all(
      BAD_STARTS.map(async (start) => {
        const signer = spawnSigner('src/main.ts', start.env);
        const exit = await exitOf(signer);
        outcomes.set(start.name, { exit, stdout: signer.stdout(), stderr: signer.stderr() });
      }),
    );
  }, TEST_TIMEOUT_MS);

  it.each(BAD_STARTS)('exits with 2 on $name', ({ name }) => {
    expect(outcomes.get(name)?.exit).toEqual({ code: 2, signal: null });
  });

  it.each(BAD_STARTS)('prints one stderr line on $name', ({ name }) => {
    expect(outcomes.get(name)?.stderr).toMatch(/^[^\n]+\n$/);
  });

  it.each(BAD_STARTS)('names the variable on $name', ({ name, variable }) => {
    expect(outcomes.get(name)?.stderr.startsWith(`atto-signer: invalid configuration: ${variable}: `)).toBe(true);
  });

  // The logger starts only after the configuration loads, so an empty stdout also shows
  // that no server was started.
  it.each(BAD_STARTS)('writes no stdout on $name', ({ name }) => {
    expect(outcomes.get(name)?.stdout).toBe('');
  });

  it.each(BAD_STARTS)('hides secrets on $name', ({ name, secrets }) => {
    const output = `${outcomes.get(name)?.stdout}${outcomes.get(name)?.stderr}`.toLowerCase();
    for (const secret of secrets) {
      expect(output, `output contains the secret ${secret}`).not.toContain(secret.toLowerCase());
    }
  });
});

describe('signer start with LOCAL key', () => {
  let signer: SignerProcess;
  let keyLine: LogLine;
  let listening: LogLine;
  const publicKey = publicKeyOfSeed(SEED);

  beforeAll(async () => {
    signer = spawnSigner('src/main.ts', VALID_ENV);
    keyLine = await signer.waitForLog('public key loaded');
    listening = await signer.waitForLog('atto-signer listening');
  }, TEST_TIMEOUT_MS);

  it('logs the public key', () => {
    expect(keyLine.publicKey).toBe(publicKey);
  });

  it('logs the atto address', () => {
    expect(keyLine.address).toMatch(/^atto:\/\/[a-z2-7]+$/);
  });

  it.each([
    ['backend', 'LOCAL'],
    ['capabilities', ['VOTE', 'CHALLENGE']],
  ])('logs %s when listening', (field, expected) => {
    expect(listening[field]).toEqual(expected);
  });

  it.each(['api', 'management'])('logs %s host', (field) => {
    expect(parseAddress(listening[field]).host).toBe('127.0.0.1');
  });

  it.each(['api', 'management'])('logs bound %s port', (field) => {
    expect(parseAddress(listening[field]).port).toBeGreaterThan(0);
  });

  it('serves GET /public-keys', async () => {
    const result = await sendRequest(listening.api, { method: 'GET', path: '/public-keys' });
    expect(result).toMatchObject({ status: 200, body: JSON.stringify({ publicKey }) });
  });

  it('serves management liveness', async () => {
    const result = await sendRequest(listening.management, { method: 'GET', path: '/health/liveness' });
    expect(result).toMatchObject({ status: 200 });
  });

  it('rejects a wrong token', async () => {
    const vote = { publicKey, blockHash: 'CD'.repeat(32), timestamp: 1_733_000_000_000n };
    const result = await sendRequest(listening.api, {
      method: 'POST',
      path: '/votes',
      headers: { authorization: `${TOKEN}-wrong` },
      body: voteBody(vote),
    });
    expect(result).toMatchObject({ status: 401 });
  });

  it('signs a vote', async () => {
    const vote = { publicKey, blockHash: 'CD'.repeat(32), timestamp: 1_733_000_000_000n };
    const result = await sendRequest(listening.api, { method: 'POST', path: '/votes', headers: { authorization: TOKEN }, body: voteBody(vote) });
    expect(result).toMatchObject({ status: 200 });

    const signature = (JSON.parse('body' in result ? result.body : '{}') as { signature: string }).signature;
    expect(verifySignature(publicKey, voteHash(vote), signature)).toBe(true);
  });

  // Runs last in this group: it stops the signer to read every line it wrote.
  it('logs neither token nor seed', async () => {
    signer.child.kill('SIGTERM');
    await exitOf(signer);

    const lines = `${signer.stdout()}${signer.stderr()}`.split('\n');
    const leaks = lines.filter((line) => line.toLowerCase().includes(TOKEN.toLowerCase()) || line.toLowerCase().includes(SEED.toLowerCase()));
    expect(leaks).toEqual([]);
  });
});

describe('development signer', () => {
  let signer: SignerProcess;
  let listening: LogLine;
  let banner: { seed: string; publicKey: string; address: string; token: string };

  /** Reads the value after `label:` in the banner that dev.ts prints before any log line. */
  function bannerValue(stdout: string, label: string): string {
    const match = new RegExp(`^ {2}${label}: +(\\S+)$`, 'm').exec(stdout);
    if (match === null) throw new Error(`no "${label}" line in the development banner: ${stdout}`);
    return match[1] as string;
  }

  beforeAll(async () => {
    signer = spawnSigner('src/dev.ts', {});
    listening = await signer.waitForLog('atto-signer listening');
    const stdout = signer.stdout();
    banner = {
      seed: bannerValue(stdout, 'generated key \\(seed\\)'),
      publicKey: bannerValue(stdout, 'public key'),
      address: bannerValue(stdout, 'address'),
      token: bannerValue(stdout, 'generated token'),
    };
  }, TEST_TIMEOUT_MS);

  it('prints a 64-hex seed', () => {
    expect(banner.seed).toMatch(/^[0-9A-F]{64}$/);
  });

  it('prints the seed public key', () => {
    expect(banner.publicKey).toBe(publicKeyOfSeed(banner.seed));
  });

  it('prints a 64-hex token', () => {
    expect(banner.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('logs the printed public key', () => {
    expect(signer.logLines().find((line) => line.msg === 'public key loaded')).toMatchObject({ publicKey: banner.publicKey, address: banner.address });
  });

  it('enables all capabilities', () => {
    expect(listening.capabilities).toEqual(['BLOCK', 'VOTE', 'CHALLENGE']);
  });

  it('signs with the printed token', async () => {
    const vote = { publicKey: banner.publicKey, blockHash: '9A'.repeat(32), timestamp: 1_733_000_000_456n };
    const result = await sendRequest(listening.api, {
      method: 'POST',
      path: '/votes',
      headers: { authorization: banner.token },
      body: voteBody(vote),
    });
    expect(result).toMatchObject({ status: 200, body: expect.stringMatching(/^\{"signature":"[0-9A-F]{128}"\}$/) });

    const signature = (JSON.parse('body' in result ? result.body : '{}') as { signature: string }).signature;
    expect(verifySignature(banner.publicKey, voteHash(vote), signature)).toBe(true);
  });

  // Runs last in this group: it stops the signer to read all of its output.
  it.each([
    ['seed', () => banner.seed],
    ['token', () => banner.token],
  ])('prints the %s once', async (_name, secret) => {
    if (signer.child.exitCode === null) signer.child.kill('SIGTERM');
    await exitOf(signer);

    const output = `${signer.stdout()}${signer.stderr()}`.toLowerCase();
    expect(output.split(secret().toLowerCase()).length - 1).toBe(1);
  });
});
