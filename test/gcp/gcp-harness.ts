import { createPublicKey, verify, type KeyObject } from 'node:crypto';

import { blake2b } from '@noble/hashes/blake2.js';

import { TEST_TOKEN, eventually, startSigner, type StartedSigner } from '../support/start-signer.js';
import { startFakeKms, type FakeKms } from '../support/fake-kms/index.js';
import { VECTOR_PRIVATE_KEY, VECTOR_PUBLIC_KEY, VOTE_BLOCK_HASH } from '../protocol/vectors.js';

/** Seed of the published test vectors, so the fake KMS signs as the vectors expect. */
export const VECTOR_SEED = Buffer.from(VECTOR_PRIVATE_KEY, 'hex');

/**
 * Short timings for end-to-end runs: a backend call gets 200 ms, a request 500 ms, and the
 * breaker half-opens 500 ms after opening. The node's client gives up on a socket after 1 s.
 */
export const SHORT_TIMINGS: Readonly<Record<string, string>> = {
  ATTO_SIGNER_BACKEND_TIMEOUT_MS: '200',
  ATTO_SIGNER_REQUEST_TIMEOUT_MS: '500',
  ATTO_SIGNER_BREAKER_RESET_TIMEOUT_MS: '500',
  ATTO_SIGNER_BREAKER_VOLUME_THRESHOLD: '5',
  ATTO_SIGNER_BREAKER_WINDOW_MS: '1000',
  ATTO_SIGNER_LOAD_RETRY_INITIAL_MS: '50',
  ATTO_SIGNER_LOAD_RETRY_MAX_MS: '200',
  ATTO_SIGNER_DEGRADED_RECOVERY_MS: '300',
  ATTO_SIGNER_MISCONFIGURED_RECHECK_MS: '100',
  ATTO_SIGNER_SHUTDOWN_GRACE_MS: '100',
};

/** Starts a fake KMS holding the vector key. The caller sets its mode before starting a signer. */
export async function startVectorKms(): Promise<{ fake: FakeKms; endpoint: string }> {
  return startFakeKms({ seed: VECTOR_SEED });
}

/** Starts a GCP signer against `endpoint` with SHORT_TIMINGS, overridden by `env`; `clock` replaces the policy's clock. */
export function startGcpSigner(
  fake: FakeKms,
  endpoint: string,
  env: Record<string, string> = {},
  clock?: () => number,
): Promise<StartedSigner> {
  return startSigner(
    {
      ATTO_SIGNER_BACKEND: 'GCP',
      ATTO_SIGNER_KEY: fake.keyVersionName,
      ATTO_SIGNER_GCP_ENDPOINT: endpoint,
      ...SHORT_TIMINGS,
      ...env,
    },
    undefined,
    clock,
  );
}

/** Waits until /health reports `state`, and returns false when it does not within `timeoutMs`. */
export function waitForState(signer: StartedSigner, state: string, timeoutMs = 10_000): Promise<boolean> {
  return eventually(async () => {
    const response = await fetch(`${signer.managementUrl}/health`);
    const body = (await response.json()) as { state?: unknown };
    return body.state === state;
  }, timeoutMs);
}

/** The outcome of one signing request, as the node's client would see it. */
export interface SigningOutcome {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown>;
  /** Time from sending the request to reading the whole response, in milliseconds. */
  readonly elapsedMs: number;
}

/** Sends a signing request with the test token, as the node does. */
export async function postSigning(signer: StartedSigner, path: string, body: string): Promise<SigningOutcome> {
  const startedAt = performance.now();
  const response = await fetch(`${signer.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: TEST_TOKEN, 'content-type': 'application/json' },
    body,
  });
  const parsed = (await response.json()) as Record<string, unknown>;
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: parsed,
    elapsedMs: performance.now() - startedAt,
  };
}

/** Builds the body of `POST /votes` for a vote by the vector key on the vector block hash. */
export function voteRequestBody(timestamp: bigint): string {
  return (
    `{"target":{"version":0,"algorithm":"V1","publicKey":"${VECTOR_PUBLIC_KEY}",` +
    `"blockAlgorithm":"V1","blockHash":"${VOTE_BLOCK_HASH}","timestamp":${timestamp}}}`
  );
}

/**
 * Computes the BLAKE2b-256 hash of the vote that voteRequestBody describes, serialized as
 * version(2) ‖ algorithm(1) ‖ publicKey(32) ‖ blockAlgorithm(1) ‖ blockHash(32) ‖ timestamp(8),
 * little-endian. Written here from the wire format, without the service's own encoder.
 */
export function voteHash(timestamp: bigint): Uint8Array {
  const bytes = Buffer.alloc(76);
  bytes.writeUInt16LE(0, 0);
  bytes.writeUInt8(0, 2);
  Buffer.from(VECTOR_PUBLIC_KEY, 'hex').copy(bytes, 3);
  bytes.writeUInt8(0, 35);
  Buffer.from(VOTE_BLOCK_HASH, 'hex').copy(bytes, 36);
  bytes.writeBigInt64LE(timestamp, 68);
  return blake2b(bytes, { dkLen: 32 });
}

/** Builds the vector public key as a node:crypto key. */
export function vectorPublicKey(): KeyObject {
  const x = Buffer.from(VECTOR_PUBLIC_KEY, 'hex').toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/** Returns true when `signatureHex` is a valid Ed25519 signature of `message` by the vector key. */
export function verifiesWithVectorKey(message: Uint8Array, signatureHex: unknown): boolean {
  if (typeof signatureHex !== 'string' || !/^[0-9A-Fa-f]{128}$/.test(signatureHex)) return false;
  return verify(null, message, vectorPublicKey(), Buffer.from(signatureHex, 'hex'));
}

/** Reads the Prometheus text of the signer's management server. */
export async function scrapeMetrics(signer: StartedSigner): Promise<string> {
  const response = await fetch(`${signer.managementUrl}/prometheus`);
  return response.text();
}

/**
 * Returns the value of the sample `name` whose labels include every pair in `labels`, or 0
 * when there is none (a counter that was never incremented has no sample).
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;

    const sampleLabels = new Map<string, string>();
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      sampleLabels.set(pair[1] as string, pair[2] as string);
    }
    if (Object.entries(labels).every(([key, value]) => sampleLabels.get(key) === value)) {
      return Number(match[3]);
    }
  }
  return 0;
}

/** Parses the JSON log lines the signer wrote. */
export function logRecords(signer: StartedSigner): Array<Record<string, unknown>> {
  return signer.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** pino's numeric level of `error` records. */
export const PINO_ERROR_LEVEL = 50;
