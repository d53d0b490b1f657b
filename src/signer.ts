import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { Lifecycle } from './actors/lifecycle-actor.js';
import type { SignerConfig } from './config/signer-config.js';
import { buildApiServer } from './http/api-server.js';
import { buildManagementServer } from './http/management-server.js';
import { TokenAuth } from './http/token-auth.js';
import { createBackend } from './kms/create-backend.js';
import type { SigningBackend } from './kms/signing-backend.js';
import { LIFECYCLE_STATES } from './actors/lifecycle-machine.js';
import { SignerMetrics } from './metrics/signer-metrics.js';
import { createBackendBreaker } from './pipeline/backend-breaker.js';
import { MeteredBackend } from './pipeline/metered-backend.js';
import { SigningPipeline } from './pipeline/signing-pipeline.js';
import { SigningQueue } from './pipeline/signing-queue.js';

export interface SignerOptions {
  readonly config: SignerConfig;
  readonly logger: Logger;
  /** A backend to use in place of the configured one (tests pass a controllable one). */
  readonly backend?: SigningBackend;
  /** The clock of the policy's time rules, in milliseconds since the epoch; `Date.now` by default. */
  readonly clock?: () => number;
}

/** Bound addresses of the two servers, as `host:port`. */
export interface SignerAddresses {
  readonly api: string;
  readonly management: string;
}

function addressOf(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo;
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

/**
 * The whole service: backend, breaker, lifecycle machine, queue, pipeline, and the API and
 * management servers, wired together.
 */
export class Signer {
  readonly backend: SigningBackend;
  readonly lifecycle: Lifecycle;
  readonly metrics = new SignerMetrics();
  readonly api: FastifyInstance;
  readonly management: FastifyInstance;
  private readonly queue: SigningQueue;
  private readonly breaker: CircuitBreaker<[Uint8Array], Uint8Array>;
  private readonly config: SignerConfig;
  private readonly logger: Logger;
  private stopping: Promise<void> | undefined;

  constructor(options: SignerOptions) {
    const { config, logger } = options;
    this.config = config;
    this.logger = logger;
    this.backend = new MeteredBackend(options.backend ?? createBackend(config.backend), this.metrics, logger);

    const breaker = createBackendBreaker(this.backend, config.breaker, this.metrics);
    this.breaker = breaker;
    this.lifecycle = new Lifecycle({ backend: this.backend, breaker, timings: config.lifecycle, slowCallMs: config.slowCallMs, logger });
    this.queue = new SigningQueue(config.queue, this.metrics);
    const pipeline = new SigningPipeline(
      this.lifecycle,
      this.queue,
      breaker,
      this.metrics,
      config.breaker.resetTimeoutMs,
      config.signatureCache,
    );

    this.metrics.observe({
      lifecycleStates: () => LIFECYCLE_STATES,
      lifecycleState: () => this.lifecycle.state,
      breakerState: () => this.lifecycle.breakerState,
      queueSize: () => this.queue.size,
      queueCapacity: () => config.queue.maxSize,
      inFlight: () => this.queue.inFlight,
    });

    this.api = buildApiServer({
      pipeline,
      auth: new TokenAuth(config.token),
      capabilities: config.capabilities,
      metrics: this.metrics,
      policy: { networks: config.networks, maxClockSkewMs: BigInt(config.maxClockSkewMs) },
      clock: options.clock ?? Date.now,
      logger,
      maxBodyBytes: config.api.maxBodyBytes,
    });
    this.management = buildManagementServer({
      lifecycle: this.lifecycle,
      breaker,
      queue: this.queue,
      queueMaxSize: config.queue.maxSize,
      backendName: this.backend.name,
      metrics: this.metrics,
      logger,
    });
  }

  /** Starts the lifecycle and listens on both ports; the key loads in the background. */
  async start(): Promise<SignerAddresses> {
    this.lifecycle.start();
    await this.management.listen({ host: this.config.management.host, port: this.config.management.port });
    await this.api.listen({ host: this.config.api.host, port: this.config.api.port });

    const addresses = { api: addressOf(this.api), management: addressOf(this.management) };
    this.logger.info(
      {
        backend: this.backend.name,
        keyName: this.backend.keyDescription,
        capabilities: [...this.config.capabilities],
        networks: [...this.config.networks],
        maxClockSkewMs: this.config.maxClockSkewMs,
        ...addresses,
      },
      'atto-signer listening',
    );
    return addresses;
  }

  /**
   * Stops in order: new signing requests get 503, queued ones get the grace period to finish,
   * the rest get 503, then the API server, the backend and the management server close.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /**
   * Closes the API server. Fastify closes the keep-alive connections that are idle when it
   * starts closing. A connection whose request was still running becomes idle later and would
   * hold the server open until its keep-alive timeout, so idle connections are swept until the
   * server has closed.
   */
  private async closeApi(): Promise<void> {
    const sweep = setInterval(() => this.api.server.closeIdleConnections(), 50);
    try {
      await this.api.close();
    } finally {
      clearInterval(sweep);
    }
  }

  private async shutdown(): Promise<void> {
    this.logger.info({ graceMs: this.config.shutdownGraceMs, queued: this.queue.size, inFlight: this.queue.inFlight }, 'stopping');
    this.lifecycle.stop();

    await this.queue.drain(this.config.shutdownGraceMs);
    this.queue.abortAll();

    await this.closeApi();
    this.breaker.shutdown();
    await this.backend.close();
    await this.management.close();
    this.logger.info('stopped');
  }
}
