import type { LifecycleTimings } from '../actors/lifecycle-machine.js';
import type { BreakerSettings } from '../pipeline/backend-breaker.js';
import type { CacheSettings } from '../pipeline/signing-pipeline.js';
import type { QueueSettings } from '../pipeline/signing-queue.js';
import { NETWORK_CODES, type Network } from '../protocol/primitives.js';

/** A permission to have one kind of message signed; each signing route needs one. */
export const CAPABILITIES = ['BLOCK', 'VOTE', 'CHALLENGE'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** The known Atto networks, all allowed by default in ATTO_SIGNER_NETWORKS. */
export const NETWORKS = Object.keys(NETWORK_CODES) as Network[];

export const BACKEND_TYPES = ['LOCAL', 'GCP'] as const;
export type BackendType = (typeof BACKEND_TYPES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type BackendConfig =
  | { readonly type: 'LOCAL'; readonly seed: Buffer }
  | { readonly type: 'GCP'; readonly keyVersionName: string; readonly endpoint: string | undefined; readonly callTimeoutMs: number };

export interface ListenConfig {
  readonly host: string;
  readonly port: number;
}

/** The whole configuration of the service, read once at start. */
export interface SignerConfig {
  readonly token: string;
  readonly capabilities: ReadonlySet<Capability>;
  /** Networks whose blocks may be signed. */
  readonly networks: ReadonlySet<Network>;
  /**
   * Largest distance, in milliseconds, between a challenge's timestamp and the signer's clock,
   * and how far ahead of that clock a vote's timestamp may be.
   */
  readonly maxClockSkewMs: number;
  readonly backend: BackendConfig;
  readonly api: ListenConfig & { readonly maxBodyBytes: number };
  readonly management: ListenConfig;
  readonly queue: QueueSettings;
  readonly breaker: BreakerSettings;
  readonly signatureCache: CacheSettings;
  readonly lifecycle: LifecycleTimings;
  /** A successful backend call slower than this, in milliseconds, marks the signer degraded. */
  readonly slowCallMs: number;
  /** Time queued requests get to finish on SIGTERM, in milliseconds. */
  readonly shutdownGraceMs: number;
  readonly logLevel: LogLevel;
}
