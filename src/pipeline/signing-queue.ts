import PQueue from 'p-queue';
import type { SignerMetrics } from '../metrics/signer-metrics.js';
import { SigningRejectedError } from './signing-errors.js';

/** Bounds of the signing queue. */
export interface QueueSettings {
  /** Backend calls running at once. */
  readonly concurrency: number;
  /** Backend calls started per second; 0 means no limit. */
  readonly ratePerSecond: number;
  /** Requests allowed to wait; one more is rejected with 429. */
  readonly maxSize: number;
  /** Time from enqueueing to the answer, in milliseconds; past it the request is dropped. */
  readonly deadlineMs: number;
}

/**
 * A backend call needs time to be useful: one that starts with less than this share of the
 * deadline left is not started, and the request is answered as expired. Without it, requests
 * that arrived together and expire together start doomed calls one after another as each
 * expiring call frees its slot.
 */
const MIN_CALL_BUDGET_SHARE = 0.1;

const DEADLINE = Symbol('deadline');
const STOPPING = Symbol('stopping');

/**
 * A p-queue bounded in concurrency, rate and size, where every task has a deadline. A task
 * whose deadline passes while it waits is removed without running, so an abandoned request
 * never costs a backend call.
 */
export class SigningQueue {
  private readonly queue: PQueue;
  private readonly pending = new Set<AbortController>();

  constructor(
    private readonly settings: QueueSettings,
    private readonly metrics: SignerMetrics,
  ) {
    this.queue = new PQueue({
      concurrency: settings.concurrency,
      ...(settings.ratePerSecond > 0 ? { intervalCap: settings.ratePerSecond, interval: 1000 } : {}),
    });
  }

  /** Requests waiting for a slot. */
  get size(): number {
    return this.queue.size;
  }

  /** Tasks running now. */
  get inFlight(): number {
    return this.queue.pending;
  }

  /** Runs `task` when a slot is free, or rejects with 429 (full) or 503 (deadline, stopping). */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.queue.size >= this.settings.maxSize) {
      this.metrics.queueRejections.inc({ reason: 'full' });
      throw new SigningRejectedError('full', `signing queue is full (${this.settings.maxSize} requests waiting)`, 1);
    }

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(DEADLINE), this.settings.deadlineMs);
    this.pending.add(controller);
    const enqueuedAt = performance.now();
    const startBy = enqueuedAt + this.settings.deadlineMs * (1 - MIN_CALL_BUDGET_SHARE);

    try {
      return await this.queue.add(
        () => {
          const now = performance.now();
          this.metrics.queueWait.observe((now - enqueuedAt) / 1000);
          if (now > startBy) {
            controller.abort(DEADLINE);
            return Promise.reject(controller.signal.reason);
          }
          return task();
        },
        { signal: controller.signal },
      );
    } catch (error) {
      throw this.explainAbort(controller.signal, error);
    } finally {
      clearTimeout(timer);
      this.pending.delete(controller);
    }
  }

  /** Resolves when no request waits or runs, or after `timeoutMs`, whichever comes first. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.queue.onIdle(), timeout]);
    clearTimeout(timer);
  }

  /** Answers every waiting and running request with 503 at once. */
  abortAll(): void {
    for (const controller of this.pending) {
      controller.abort(STOPPING);
    }
  }

  private explainAbort(signal: AbortSignal, error: unknown): unknown {
    if (!signal.aborted) return error;

    if (signal.reason === STOPPING) {
      this.metrics.queueRejections.inc({ reason: 'stopping' });
      return new SigningRejectedError('stopping', 'signer is shutting down', 1);
    }
    this.metrics.queueRejections.inc({ reason: 'deadline' });
    return new SigningRejectedError(
      'deadline',
      `signing deadline of ${this.settings.deadlineMs} ms passed before the backend answered`,
      1,
    );
  }
}
