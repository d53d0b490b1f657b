import { readFileSync } from 'node:fs';
import { parseKeyVersionName } from '../kms/gcp/key-version-name.js';
import { parseKmsEndpoint } from '../kms/gcp/kms-endpoint.js';
import { ConfigError } from './config-error.js';
import { EnvReader, type Environment } from './env-reader.js';
import {
  BACKEND_TYPES,
  type BackendConfig,
  CAPABILITIES,
  LOG_LEVELS,
  NETWORKS,
  type SignerConfig,
} from './signer-config.js';

/** Shortest token accepted outside development; a shorter one is guessable. */
export const MIN_TOKEN_LENGTH = 32;

export interface LoadOptions {
  /** Development mode (`npm run dev`) accepts short tokens and the all-zero key. */
  readonly development?: boolean;
}

const SEED_TEXT = /^[0-9a-fA-F]{64}$/;

/** Reads the LOCAL seed from ATTO_SIGNER_KEY or ATTO_SIGNER_KEY_FILE; never echoes its value. */
function readSeed(reader: EnvReader, development: boolean): Buffer {
  const inline = reader.optional('ATTO_SIGNER_KEY');
  const file = reader.optional('ATTO_SIGNER_KEY_FILE');
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError('ATTO_SIGNER_KEY_FILE', 'is set together with ATTO_SIGNER_KEY; set only one of them');
  }

  let text: string;
  let variable: string;
  if (file !== undefined) {
    variable = 'ATTO_SIGNER_KEY_FILE';
    // Quoting a seed set here by mistake in the read error below would print the secret.
    if (SEED_TEXT.test(file)) {
      throw new ConfigError(variable, 'is set to a 64-hex-character key, not a file path; move the key to ATTO_SIGNER_KEY or into a file');
    }
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'read error';
      throw new ConfigError(variable, `cannot read the key file "${file}" (${code}); mount the secret or fix the path`);
    }
  } else if (inline !== undefined) {
    variable = 'ATTO_SIGNER_KEY';
    text = inline;
  } else {
    throw new ConfigError('ATTO_SIGNER_KEY', 'is not set; set it to the 64-hex-character Ed25519 seed, or set ATTO_SIGNER_KEY_FILE');
  }

  if (!SEED_TEXT.test(text)) {
    throw new ConfigError(variable, `must hold exactly 64 hex characters (a 32-byte Ed25519 seed); the value has ${text.length} characters or is not hex`);
  }

  const seed = Buffer.from(text, 'hex');
  if (!development && seed.every((byte) => byte === 0)) {
    throw new ConfigError(variable, 'is the all-zero key, which anyone can sign with; generate a new key');
  }
  return seed;
}

function readBackend(reader: EnvReader, development: boolean, callTimeoutMs: number): BackendConfig {
  const type = reader.choice('ATTO_SIGNER_BACKEND', BACKEND_TYPES);
  if (type === 'LOCAL') {
    return { type, seed: readSeed(reader, development) };
  }

  const keyVersionName = reader.required(
    'ATTO_SIGNER_KEY',
    'set it to projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/N',
  );
  try {
    parseKeyVersionName(keyVersionName);
  } catch {
    // The parser's message quotes the value, which may be a LOCAL seed left from a backend switch.
    throw new ConfigError(
      'ATTO_SIGNER_KEY',
      'is not a Cloud KMS key version name (value not shown, as it may be a secret); set it to projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/N',
    );
  }

  const endpoint = reader.optional('ATTO_SIGNER_GCP_ENDPOINT');
  if (endpoint !== undefined) {
    try {
      parseKmsEndpoint(endpoint);
    } catch (error) {
      throw new ConfigError('ATTO_SIGNER_GCP_ENDPOINT', (error as Error).message);
    }
  }
  return { type, keyVersionName, endpoint, callTimeoutMs };
}

function readBackendTimeout(reader: EnvReader): number {
  return reader.integer('ATTO_SIGNER_BACKEND_TIMEOUT_MS', 500, 10, 60_000, 'milliseconds');
}

function readToken(reader: EnvReader, development: boolean): string {
  const token = reader.required('ATTO_SIGNER_TOKEN', 'set it to the token the node sends as ATTO_SIGNER_REMOTE_TOKEN');
  if (!development && token.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError(
      'ATTO_SIGNER_TOKEN',
      `is ${token.length} character${token.length === 1 ? '' : 's'} long; use at least ${MIN_TOKEN_LENGTH} random characters (for example: openssl rand -hex 32)`,
    );
  }
  return token;
}

/**
 * Reads and checks every ATTO_SIGNER_* setting. Throws a ConfigError naming the first
 * invalid variable and its fix.
 */
export function loadConfig(env: Environment, options: LoadOptions = {}): SignerConfig {
  const reader = new EnvReader(env);
  const development = options.development ?? false;

  const deadlineMs = reader.integer('ATTO_SIGNER_REQUEST_TIMEOUT_MS', 800, 10, 60_000, 'milliseconds');
  const callTimeoutMs = readBackendTimeout(reader);
  if (callTimeoutMs >= deadlineMs) {
    throw new ConfigError(
      'ATTO_SIGNER_BACKEND_TIMEOUT_MS',
      `(${callTimeoutMs}) must be shorter than ATTO_SIGNER_REQUEST_TIMEOUT_MS (${deadlineMs}), so a backend call ends before its request's deadline`,
    );
  }

  return {
    token: readToken(reader, development),
    capabilities: new Set(reader.choiceList('ATTO_SIGNER_CAPABILITIES', CAPABILITIES, ['VOTE', 'CHALLENGE'])),
    networks: new Set(reader.choiceList('ATTO_SIGNER_NETWORKS', NETWORKS, NETWORKS)),
    maxClockSkewMs: reader.integer('ATTO_SIGNER_MAX_CLOCK_SKEW_MS', 60_000, 100, 3_600_000, 'milliseconds'),
    backend: readBackend(reader, development, callTimeoutMs),
    api: {
      host: reader.optional('ATTO_SIGNER_HOST') ?? '127.0.0.1',
      port: reader.port('ATTO_SIGNER_PORT', 8080),
      maxBodyBytes: reader.integer('ATTO_SIGNER_MAX_BODY_BYTES', 4096, 1024, 1_048_576, 'bytes'),
    },
    management: {
      host: reader.optional('ATTO_SIGNER_MANAGEMENT_HOST') ?? '0.0.0.0',
      port: reader.port('ATTO_SIGNER_MANAGEMENT_PORT', 8081),
    },
    queue: {
      concurrency: reader.integer('ATTO_SIGNER_QUEUE_CONCURRENCY', 32, 1, 10_000, 'backend calls at once'),
      ratePerSecond: reader.integer('ATTO_SIGNER_RATE_LIMIT', 1000, 0, 1_000_000, 'signatures per second; 0 for no limit'),
      maxSize: reader.integer('ATTO_SIGNER_QUEUE_MAX_SIZE', 256, 1, 1_000_000, 'waiting requests'),
      deadlineMs,
    },
    breaker: {
      callTimeoutMs,
      errorThresholdPercentage: reader.integer('ATTO_SIGNER_BREAKER_ERROR_PERCENTAGE', 50, 1, 100, 'percent of calls in the window'),
      volumeThreshold: reader.integer('ATTO_SIGNER_BREAKER_VOLUME_THRESHOLD', 10, 1, 1_000_000, 'calls in the window'),
      resetTimeoutMs: reader.integer('ATTO_SIGNER_BREAKER_RESET_TIMEOUT_MS', 5000, 100, 3_600_000, 'milliseconds'),
      rollingWindowMs: reader.integer('ATTO_SIGNER_BREAKER_WINDOW_MS', 10_000, 1000, 3_600_000, 'milliseconds'),
    },
    signatureCache: {
      maxEntries: reader.integer('ATTO_SIGNER_SIGNATURE_CACHE_SIZE', 4096, 0, 1_000_000, 'signatures; 0 turns the cache off'),
      lifetimeMs: reader.integer('ATTO_SIGNER_SIGNATURE_CACHE_TTL_MS', 60_000, 1, 86_400_000, 'milliseconds'),
    },
    lifecycle: {
      loadRetryInitialMs: reader.integer('ATTO_SIGNER_LOAD_RETRY_INITIAL_MS', 500, 10, 3_600_000, 'milliseconds'),
      loadRetryMaxMs: reader.integer('ATTO_SIGNER_LOAD_RETRY_MAX_MS', 30_000, 10, 3_600_000, 'milliseconds'),
      degradedRecoveryMs: reader.integer('ATTO_SIGNER_DEGRADED_RECOVERY_MS', 30_000, 10, 3_600_000, 'milliseconds'),
      misconfiguredRecheckMs: reader.integer('ATTO_SIGNER_MISCONFIGURED_RECHECK_MS', 30_000, 10, 3_600_000, 'milliseconds'),
    },
    slowCallMs: reader.integer('ATTO_SIGNER_SLOW_CALL_MS', 250, 1, 60_000, 'milliseconds'),
    shutdownGraceMs: reader.integer('ATTO_SIGNER_SHUTDOWN_GRACE_MS', 5000, 0, 600_000, 'milliseconds'),
    logLevel: reader.choice('ATTO_SIGNER_LOG_LEVEL', LOG_LEVELS, 'info'),
  };
}

/**
 * Reads only the backend settings (ATTO_SIGNER_BACKEND, ATTO_SIGNER_KEY or ATTO_SIGNER_KEY_FILE,
 * ATTO_SIGNER_GCP_ENDPOINT, ATTO_SIGNER_BACKEND_TIMEOUT_MS), for commands that need no token.
 */
export function loadBackendConfig(env: Environment): BackendConfig {
  const reader = new EnvReader(env);
  return readBackend(reader, false, readBackendTimeout(reader));
}
