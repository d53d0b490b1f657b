import { LocalBackend } from '../../src/kms/local/local-backend.js';
import { BackendError, type SigningBackend } from '../../src/kms/signing-backend.js';

/** How the controllable backend answers its next calls. */
export type BackendMode = 'healthy' | 'unavailable' | 'stall' | 'misconfigured' | 'slow';

/**
 * A LOCAL backend that a test can make fail, stall or slow down at run time, and that counts
 * the calls that reached it.
 */
export class ControllableBackend implements SigningBackend {
  readonly name = 'TEST';
  readonly keyDescription = 'test key';
  mode: BackendMode = 'healthy';
  /** Delay of the `slow` mode, in milliseconds. */
  slowMs = 300;
  /** Makes loadPublicKey fail as `unavailable` while true. */
  loadFails = false;
  signCalls = 0;
  loadCalls = 0;
  private readonly local: LocalBackend;
  private readonly stalled = new Set<() => void>();

  constructor(seed: Uint8Array) {
    this.local = new LocalBackend(seed);
  }

  async loadPublicKey(): Promise<Uint8Array> {
    this.loadCalls += 1;
    if (this.loadFails) throw new BackendError('unavailable', 'test backend is unreachable');
    if (this.mode === 'misconfigured') throw new BackendError('misconfigured', 'test key is disabled');
    return this.local.loadPublicKey();
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    this.signCalls += 1;
    switch (this.mode) {
      case 'healthy':
        return this.local.sign(message);
      case 'unavailable':
        throw new BackendError('unavailable', 'test backend is unreachable');
      case 'misconfigured':
        throw new BackendError('misconfigured', 'test key is disabled');
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, this.slowMs));
        return this.local.sign(message);
      case 'stall':
        await new Promise<void>((resolve) => this.stalled.add(resolve));
        throw new BackendError('unavailable', 'test backend stalled');
    }
  }

  /** Ends every stalled call (with an error), so no promise outlives the test. */
  releaseStalled(): void {
    for (const release of this.stalled) release();
    this.stalled.clear();
  }

  async close(): Promise<void> {
    this.releaseStalled();
  }
}
