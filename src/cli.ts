#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from './config/config-error.js';
import { loadBackendConfig, loadConfig } from './config/load-config.js';
import { createBackend } from './kms/create-backend.js';
import { LocalBackend } from './kms/local/local-backend.js';
import { selfTest } from './kms/self-test.js';
import type { SigningBackend } from './kms/signing-backend.js';
import { toAddress } from './protocol/address.js';

const USAGE = `Usage: atto-signer <command>

Commands:
  public-key          print the public key and atto:// address of the configured backend
  check               load the configuration, reach the backend, sign and verify a test challenge
  keygen --out FILE   write a new LOCAL key to FILE (mode 0600); print its public key and address

Settings come from the same ATTO_SIGNER_* variables as the service.
Exit codes: 0 success, 1 failure, 2 invalid configuration or usage.`;

class UsageError extends Error {}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

function printKey(publicKey: Uint8Array): void {
  process.stdout.write(`public key: ${hex(publicKey)}\naddress:    ${toAddress(publicKey)}\n`);
}

async function withBackend<T>(backend: SigningBackend, use: (backend: SigningBackend) => Promise<T>): Promise<T> {
  try {
    return await use(backend);
  } finally {
    await backend.close();
  }
}

async function publicKeyCommand(): Promise<void> {
  const backend = createBackend(loadBackendConfig(process.env));
  printKey(await withBackend(backend, (opened) => opened.loadPublicKey()));
}

async function checkCommand(): Promise<void> {
  const config = loadConfig(process.env);
  const backend = createBackend(config.backend);
  const startedAt = performance.now();

  const publicKey = await withBackend(backend, selfTest);
  printKey(publicKey);
  process.stdout.write(
    `check passed: ${backend.name} backend signed a test challenge in ${Math.round(performance.now() - startedAt)} ms and the signature verifies\n`,
  );
}

async function keygenCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  if (values.out === undefined) throw new UsageError('keygen needs --out FILE');

  const seed = randomBytes(32);
  try {
    // `wx` refuses to overwrite: an existing key file may be the only copy of a voter's key.
    writeFileSync(values.out, `${seed.toString('hex').toUpperCase()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'write error';
    throw new Error(`cannot write ${values.out} (${code}); choose a new path, existing files are never overwritten`);
  }
  printKey(await new LocalBackend(seed).loadPublicKey());
  process.stdout.write(`key written to ${values.out}; use it with ATTO_SIGNER_BACKEND=LOCAL ATTO_SIGNER_KEY_FILE=${values.out}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'public-key':
        await publicKeyCommand();
        return 0;
      case 'check':
        await checkCommand();
        return 0;
      case 'keygen':
        await keygenCommand(rest);
        return 0;
      case undefined:
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`atto-signer: invalid configuration: ${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`atto-signer: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`atto-signer: ${command} failed: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
