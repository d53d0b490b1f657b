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
  /** Time from enqueueing to the response, in milliseconds. Past it the request is dropped. */
  readonly deadlineMs: number;
}

/**
 * A backend call needs time to be useful: one that starts with less than this share of the
 * deadline left is not started, and the request gets the deadline error. Without it, requests
 * that arrived together and expire together start doomed calls one after another as each
 * expiring call frees its slot.
 */
const MIN_CALL_BUDGET_SHARE = 0.1;

const DEADLINE = Symbol('deadline');

/** Returns a promise that rejects with the signal's reason once it aborts. */
function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
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

    const enqueuedAt = performance.now();
    const startBy = enqueuedAt + this.settings.deadlineMs * (1 - MIN_CALL_BUDGET_SHARE);
    const canStartNow = this.queue.size === 0 && this.queue.pending < this.settings.concurrency && !this.queue.isRateLimited;
    return canStartNow ? this.runNow(task, enqueuedAt, startBy) : this.runQueued(task, enqueuedAt, startBy);
  }

  /**
   * Runs a task that finds a free slot. It starts at once, and the breaker's call timeout,
   * which the configuration keeps below the deadline, bounds its backend call. So it needs
   * no deadline timer, which saves an AbortController, a timer and two listeners.
   */
  private runNow<T>(task: () => Promise<T>, enqueuedAt: number, startBy: number): Promise<T> {
    let started = false;
    let heldBack: AbortController | undefined;
    const result = this.queue.add(() => {
      started = true;
      return this.start(task, enqueuedAt, startBy, heldBack);
    });
    // p-queue starts a task inside add() when it can. Its rate-limit flag can lag, so a task
    // may be held back after all; it then gets the deadline of a queued task.
    if (started) return result;

    const controller = new AbortController();
    heldBack = controller;
    // The task may still start and fail after the request got its deadline error.
    result.catch(() => undefined);
    return this.withDeadline(controller, () => Promise.race([result, rejectOnAbort(controller.signal)]));
  }

  /** Runs a task that must wait, with a deadline that removes it from the queue unstarted. */
  private runQueued<T>(task: () => Promise<T>, enqueuedAt: number, startBy: number): Promise<T> {
    const controller = new AbortController();
    return this.withDeadline(controller, () =>
      this.queue.add(() => this.start(task, enqueuedAt, startBy, controller), { signal: controller.signal }),
    );
  }

  /** Aborts `controller` at the deadline or on shutdown, and explains the abort to the caller. */
  private async withDeadline<T>(controller: AbortController, run: () => Promise<T>): Promise<T> {
    const timer = setTimeout(() => controller.abort(DEADLINE), this.settings.deadlineMs);
    this.pending.add(controller);
    try {
      return await run();
    } catch (error) {
      throw this.explainAbort(controller.signal, error);
    } finally {
      clearTimeout(timer);
      this.pending.delete(controller);
    }
  }

  /**
   * Starts `task` unless its request was already answered (aborted) or too little of its
   * deadline is left for a useful backend call.
   */
  private start<T>(task: () => Promise<T>, enqueuedAt: number, startBy: number, controller: AbortController | undefined): Promise<T> {
    if (controller?.signal.aborted) return Promise.reject(controller.signal.reason);

    const now = performance.now();
    this.metrics.queueWait.observe((now - enqueuedAt) / 1000);
    if (now <= startBy) return task();

    if (controller === undefined) return Promise.reject(this.deadlineError());
    controller.abort(DEADLINE);
    return Promise.reject(controller.signal.reason);
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

  /**
   * Rejects with 503 at once every request still waiting, and every running one that waited.
   * A request that started on arrival finishes within the breaker's call timeout.
   */
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
    return this.deadlineError();
  }

  private deadlineError(): SigningRejectedError {
    this.metrics.queueRejections.inc({ reason: 'deadline' });
    return new SigningRejectedError(
      'deadline',
      `signing deadline of ${this.settings.deadlineMs} ms passed before the backend answered`,
      1,
    );
  }
}
