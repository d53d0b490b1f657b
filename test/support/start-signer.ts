import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/logger.js';
import type { SigningBackend } from '../../src/kms/signing-backend.js';
import { Signer } from '../../src/signer.js';

/** A token long enough for production settings, used by every test signer. */
export const TEST_TOKEN = 'test-token-0123456789abcdef0123456789abcdef';

/** A signer listening on 127.0.0.1 with free ports, and what a test needs to reach it. */
export interface StartedSigner {
  readonly signer: Signer;
  readonly apiUrl: string;
  readonly managementUrl: string;
  /** Every log line the signer wrote, as text. */
  readonly logs: string[];
  stop(): Promise<void>;
}

/**
 * Starts a signer on 127.0.0.1 with ports picked by the OS. `env` adds or overrides
 * ATTO_SIGNER_* settings; `backend` replaces the configured backend, and `clock` the policy's clock.
 */
export async function startSigner(
  env: Record<string, string> = {},
  backend?: SigningBackend,
  clock?: () => number,
): Promise<StartedSigner> {
  const config = loadConfig({
    ATTO_SIGNER_TOKEN: TEST_TOKEN,
    ATTO_SIGNER_BACKEND: 'LOCAL',
    ATTO_SIGNER_KEY: '000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F',
    ATTO_SIGNER_CAPABILITIES: 'BLOCK,VOTE,CHALLENGE',
    ATTO_SIGNER_HOST: '127.0.0.1',
    ATTO_SIGNER_PORT: '0',
    ATTO_SIGNER_MANAGEMENT_HOST: '127.0.0.1',
    ATTO_SIGNER_MANAGEMENT_PORT: '0',
    ATTO_SIGNER_LOG_LEVEL: 'debug',
    ...env,
  });

  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const signer = new Signer({ config, logger: createLogger(config.logLevel, sink), ...(backend ? { backend } : {}), ...(clock ? { clock } : {}) });
  const addresses = await signer.start();

  return {
    signer,
    apiUrl: `http://${addresses.api}`,
    managementUrl: `http://${addresses.management}`,
    logs,
    stop: () => signer.stop(),
  };
}

/** Polls `check` every 20 ms until it returns true or `timeoutMs` passes; returns the last result. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads the state field of /health. */
export async function healthState(managementUrl: string): Promise<{ status: number; state: string; body: Record<string, unknown> }> {
  const response = await fetch(`${managementUrl}/health`);
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, state: String(body.state), body };
}
