import type { Logger } from 'pino';
import type { SignerMetrics } from '../metrics/signer-metrics.js';
import { isBackendError, type SigningBackend } from '../kms/signing-backend.js';

function errorKind(error: unknown): string {
  return isBackendError(error) ? error.kind : 'unexpected';
}

/**
 * A backend whose every call is timed and counted by operation (`getPublicKey`, `sign`) and
 * outcome. Integrity failures are logged here with the key name and the message hash,
 * because the caller only ever sees a 503.
 */
export class MeteredBackend implements SigningBackend {
  readonly name: string;
  readonly keyDescription: string;

  constructor(
    private readonly backend: SigningBackend,
    private readonly metrics: SignerMetrics,
    private readonly logger: Logger,
  ) {
    this.name = backend.name;
    this.keyDescription = backend.keyDescription;
  }

  async loadPublicKey(): Promise<Uint8Array> {
    const startedAt = performance.now();
    try {
      const publicKey = await this.backend.loadPublicKey();
      this.observe('getPublicKey', 'success', startedAt);
      return publicKey;
    } catch (error) {
      this.observeFailure('getPublicKey', startedAt, error);
      throw error;
    }
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const startedAt = performance.now();
    try {
      const signature = await this.backend.sign(message);
      this.observe('sign', 'success', startedAt);
      return signature;
    } catch (error) {
      const kind = this.observeFailure('sign', startedAt, error);
      if (kind === 'integrity') {
        this.logger.error(
          { keyName: this.keyDescription, hash: Buffer.from(message).toString('hex').toUpperCase(), err: error },
          'backend signature failed an integrity check and was discarded',
        );
      }
      throw error;
    }
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  private observe(operation: string, outcome: string, startedAt: number): void {
    this.metrics.backendDuration.observe({ operation, outcome }, (performance.now() - startedAt) / 1000);
  }

  private observeFailure(operation: string, startedAt: number, error: unknown): string {
    const kind = errorKind(error);
    this.observe(operation, 'failure', startedAt);
    this.metrics.backendErrors.inc({ operation, kind });
    return kind;
  }
}
