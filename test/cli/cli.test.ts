import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttoOracle } from '../support/atto-oracle.js';
import { startFakeKms, type FakeKms } from '../support/fake-kms/index.js';
import { VECTOR_ADDRESS, VECTOR_PRIVATE_KEY, VECTOR_PUBLIC_KEY } from '../protocol/vectors.js';
import { TEST_TOKEN } from '../support/start-signer.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `atto-signer <args>` from the sources with only the given ATTO_SIGNER_* settings. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', METADATA_SERVER_DETECTION: 'none', ...env },
        timeout: 20_000,
      },
      (error, stdout, stderr) => {
        let code = 0;
        if (error !== null) code = typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const LOCAL_ENV = { ATTO_SIGNER_BACKEND: 'LOCAL', ATTO_SIGNER_KEY: VECTOR_PRIVATE_KEY };
let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'atto-signer-cli-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('keygen', () => {
  it('writes a 0600 key file', async () => {
    const file = join(directory, 'new.key');
    const result = await runCli(['keygen', '--out', file]);
    const seed = readFileSync(file, 'utf8').trim();
    const oracle = await AttoOracle.fromSeed(seed);

    expect(result.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(seed).toMatch(/^[0-9A-F]{64}$/);
    expect(result.stdout).toContain(`public key: ${oracle.publicKeyHex()}`);
    expect(result.stdout).toContain(`address:    ${oracle.address()}`);
    expect(result.stdout).not.toContain(seed);
  });

  it('never overwrites a file', async () => {
    const file = join(directory, 'kept.key');
    await runCli(['keygen', '--out', file]);
    const before = readFileSync(file, 'utf8');
    const result = await runCli(['keygen', '--out', file]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('EEXIST');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('needs --out', async () => {
    const result = await runCli(['keygen']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('keygen needs --out FILE');
  });
});

describe('public-key', () => {
  it('prints the LOCAL key and address', async () => {
    const result = await runCli(['public-key'], LOCAL_ENV);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`public key: ${VECTOR_PUBLIC_KEY}\naddress:    ${VECTOR_ADDRESS}\n`);
  });

  it('needs no token', async () => {
    const result = await runCli(['public-key'], { ...LOCAL_ENV, ATTO_SIGNER_TOKEN: '' });

    expect(result.code).toBe(0);
  });

  it('rejects an unknown backend', async () => {
    const result = await runCli(['public-key'], { ATTO_SIGNER_BACKEND: 'AWS' });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe('atto-signer: invalid configuration: ATTO_SIGNER_BACKEND: must be one of LOCAL, GCP, got "AWS"\n');
  });
});

describe('check', () => {
  it('passes on a LOCAL key', async () => {
    const result = await runCli(['check'], { ...LOCAL_ENV, ATTO_SIGNER_TOKEN: TEST_TOKEN });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/check passed: LOCAL backend signed a test challenge/);
  });

  it('fails on a missing token', async () => {
    const result = await runCli(['check'], LOCAL_ENV);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^atto-signer: invalid configuration: ATTO_SIGNER_TOKEN: is not set/);
  });
});

describe('commands against a fake Cloud KMS', () => {
  let fake: FakeKms;
  let gcpEnv: Record<string, string>;

  beforeAll(async () => {
    const started = await startFakeKms({ seed: Buffer.from(VECTOR_PRIVATE_KEY, 'hex') });
    fake = started.fake;
    gcpEnv = {
      ATTO_SIGNER_BACKEND: 'GCP',
      ATTO_SIGNER_KEY: fake.keyVersionName,
      ATTO_SIGNER_GCP_ENDPOINT: started.endpoint,
      ATTO_SIGNER_TOKEN: TEST_TOKEN,
    };
  });

  afterAll(async () => {
    await fake.stop();
  });

  it('public-key asks KMS', async () => {
    fake.setMode('healthy');
    const result = await runCli(['public-key'], gcpEnv);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(VECTOR_ADDRESS);
    expect(fake.calls.getPublicKey).toBeGreaterThan(0);
  });

  it('check signs through KMS', async () => {
    fake.setMode('healthy');
    const signCalls = fake.calls.asymmetricSign;
    const result = await runCli(['check'], gcpEnv);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/check passed: GCP backend/);
    expect(fake.calls.asymmetricSign).toBe(signCalls + 1);
  });

  it('check fails on denied permission', async () => {
    fake.setMode('permissionDenied');
    const result = await runCli(['check'], gcpEnv);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^atto-signer: check failed: .*cloudkms\.cryptoKeyVersions/);
  });

  it('check fails on a corrupt signature', async () => {
    fake.setMode('corruptSignature');
    const result = await runCli(['check'], gcpEnv);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^atto-signer: check failed: /);
  });
});
