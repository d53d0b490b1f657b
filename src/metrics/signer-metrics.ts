import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prefix of every metric this service exports. */
export const METRIC_PREFIX = 'atto_signer_';

// Signing is sub-millisecond locally and tens of milliseconds through a KMS; the buckets
// cover both up to the node's 1 s timeout.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5];

/** Live values read at scrape time, so the request path never updates a gauge. */
export interface MetricSources {
  lifecycleStates(): readonly string[];
  lifecycleState(): string;
  breakerState(): string;
  queueSize(): number;
  queueCapacity(): number;
  inFlight(): number;
}

/** The prom-client registry and every metric of the service. */
export class SignerMetrics {
  readonly registry = new Registry();
  private sources: MetricSources | undefined;

  /** Signing requests by kind (block, vote, challenge) and outcome. */
  readonly requests = new Counter({
    name: `${METRIC_PREFIX}requests_total`,
    help: 'Signing requests by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Request latency from the parsed body to the response, by kind and outcome. */
  readonly requestDuration = new Histogram({
    name: `${METRIC_PREFIX}request_duration_seconds`,
    help: 'Signing request latency in seconds, by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Time a request waited in the queue before its backend call started. */
  readonly queueWait = new Histogram({
    name: `${METRIC_PREFIX}queue_wait_seconds`,
    help: 'Time signing requests waited in the queue, in seconds',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Requests turned away before reaching the backend, by reason. */
  readonly queueRejections = new Counter({
    name: `${METRIC_PREFIX}queue_rejections_total`,
    help: 'Signing requests rejected by the queue, by reason (full, deadline, not_ready, circuit_open, stopping)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Requests rejected by the signing policy before reaching the queue, by rule (see src/policy/policy-rules.ts). */
  readonly policyRejections = new Counter({
    name: `${METRIC_PREFIX}policy_rejections_total`,
    help: 'Signing requests rejected by the signing policy, by rule',
    labelNames: ['rule'] as const,
    registers: [this.registry],
  });

  /** Circuit breaker events as opossum emits them. */
  readonly breakerEvents = new Counter({
    name: `${METRIC_PREFIX}breaker_events_total`,
    help: 'Circuit breaker events (success, failure, timeout, reject, open, halfOpen, close)',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  /** Backend call latency by operation (sign, getPublicKey) and outcome. */
  readonly backendDuration = new Histogram({
    name: `${METRIC_PREFIX}backend_call_duration_seconds`,
    help: 'Backend call latency in seconds, by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Backend failures by kind (unavailable, integrity, misconfigured, timeout). */
  readonly backendErrors = new Counter({
    name: `${METRIC_PREFIX}backend_errors_total`,
    help: 'Backend failures by kind (unavailable, timeout, integrity, misconfigured)',
    labelNames: ['operation', 'kind'] as const,
    registers: [this.registry],
  });

  /** Requests served without a backend call of their own, by source (inflight, cache). */
  readonly coalesced = new Counter({
    name: `${METRIC_PREFIX}coalesced_total`,
    help: 'Signing requests that shared a running backend call (inflight) or reused a recent signature (cache)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  constructor() {
    const metrics = this;

    new Gauge({
      name: `${METRIC_PREFIX}queue_size`,
      help: 'Signing requests waiting in the queue',
      registers: [this.registry],
      collect() {
        this.set(metrics.sources?.queueSize() ?? 0);
      },
    });

    new Gauge({
      name: `${METRIC_PREFIX}queue_capacity`,
      help: 'Signing requests allowed to wait (ATTO_SIGNER_QUEUE_MAX_SIZE)',
      registers: [this.registry],
      collect() {
        this.set(metrics.sources?.queueCapacity() ?? 0);
      },
    });

    new Gauge({
      name: `${METRIC_PREFIX}in_flight`,
      help: 'Signing requests whose backend call is running',
      registers: [this.registry],
      collect() {
        this.set(metrics.sources?.inFlight() ?? 0);
      },
    });

    new Gauge({
      name: `${METRIC_PREFIX}lifecycle_state`,
      help: 'Lifecycle state of the signer: 1 for the current state, 0 for the others',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const sources = metrics.sources;
        if (!sources) return;
        const current = sources.lifecycleState();
        for (const state of sources.lifecycleStates()) {
          this.set({ state }, state === current ? 1 : 0);
        }
      },
    });

    new Gauge({
      name: `${METRIC_PREFIX}breaker_state`,
      help: 'Circuit breaker state: 1 for the current state (closed, open, halfOpen), 0 for the others',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const current = metrics.sources?.breakerState() ?? 'closed';
        for (const state of ['closed', 'open', 'halfOpen']) {
          this.set({ state }, state === current ? 1 : 0);
        }
      },
    });

    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  /** Connects the scrape-time gauges to the lifecycle machine and the queue. */
  observe(sources: MetricSources): void {
    this.sources = sources;
  }
}
