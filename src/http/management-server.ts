import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import type { Lifecycle } from '../actors/lifecycle-actor.js';
import type { SignerMetrics } from '../metrics/signer-metrics.js';
import type { SigningQueue } from '../pipeline/signing-queue.js';

export interface ManagementServerOptions {
  readonly lifecycle: Lifecycle;
  readonly breaker: CircuitBreaker<[Uint8Array], Uint8Array>;
  readonly queue: SigningQueue;
  readonly queueMaxSize: number;
  readonly backendName: string;
  readonly metrics: SignerMetrics;
  readonly logger: Logger;
}

/**
 * Probes and metrics, without a token. `/health` and `/health/readiness` are the readiness
 * gate, read from the lifecycle machine. `/health/liveness` only proves the event loop runs,
 * so a backend outage never gets the container restarted.
 */
export function buildManagementServer(options: ManagementServerOptions): FastifyInstance {
  const { lifecycle, breaker, queue, metrics } = options;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
  });

  function readiness() {
    const stats = breaker.stats;
    const publicKey = lifecycle.publicKey;
    return {
      status: lifecycle.isReady ? 'UP' : 'DOWN',
      state: lifecycle.state,
      backend: options.backendName,
      publicKey: publicKey === undefined ? null : Buffer.from(publicKey).toString('hex').toUpperCase(),
      lastError: lifecycle.lastError ?? null,
      breaker: {
        state: lifecycle.breakerState,
        fires: stats.fires,
        successes: stats.successes,
        failures: stats.failures,
        timeouts: stats.timeouts,
        rejects: stats.rejects,
      },
      queue: { size: queue.size, inFlight: queue.inFlight, maxSize: options.queueMaxSize },
    };
  }

  const readinessHandler = async (_request: unknown, reply: { code(status: number): unknown }) => {
    const body = readiness();
    reply.code(body.status === 'UP' ? 200 : 503);
    return body;
  };

  app.get('/health', readinessHandler);
  app.get('/health/readiness', readinessHandler);
  app.get('/health/liveness', async () => ({ status: 'UP' }));

  app.get('/prometheus', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.setNotFoundHandler((request, reply) => reply.code(404).send({ message: `no route for ${request.method} ${request.url.split('?')[0]}` }));
  return app;
}
