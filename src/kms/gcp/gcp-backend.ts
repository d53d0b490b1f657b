import type { KeyManagementServiceClient } from '@google-cloud/kms';
import type { CallOptions } from 'google-gax';

import { BackendError, type SigningBackend } from '../signing-backend.js';
import { crc32c } from './crc32c.js';
import { classifyGcpError } from './gcp-error-classes.js';
import { parseKeyVersionName } from './key-version-name.js';
import { createKmsClient } from './kms-client.js';
import { readEd25519PublicKey, type Ed25519PublicKey } from './public-key-response.js';
import { readVerifiedSignature } from './sign-response.js';

/** Settings of the Cloud KMS backend. */
export interface GcpBackendOptions {
  /** Resource name `projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/N`. */
  keyVersionName: string;
  /**
   * `host:port` to use in place of cloudkms.googleapis.com:443. A loopback host gets
   * plain-text gRPC without credentials, any other host gets TLS with Application Default
   * Credentials.
   */
  endpoint?: string;
  /** gRPC deadline of each call, in milliseconds. */
  callTimeoutMs: number;
}

/**
 * Creates the Cloud KMS backend. Throws an Error when the key version name, the endpoint or
 * the timeout is invalid. It makes no call before the first loadPublicKey or sign.
 */
export function createGcpBackend(options: GcpBackendOptions): SigningBackend {
  parseKeyVersionName(options.keyVersionName);
  if (!(Number.isFinite(options.callTimeoutMs) && options.callTimeoutMs > 0)) {
    throw new Error(
      `Invalid Cloud KMS call timeout ${options.callTimeoutMs}: expected a positive number of milliseconds`,
    );
  }

  return new GcpBackend(createKmsClient(options.endpoint), options.keyVersionName, options.callTimeoutMs);
}

class GcpBackend implements SigningBackend {
  readonly name = 'GCP';
  readonly keyDescription: string;

  private readonly callOptions: CallOptions;
  private publicKey: Ed25519PublicKey | undefined;
  private publicKeyRequest: Promise<Ed25519PublicKey> | undefined;
  private closed = false;

  constructor(
    private readonly client: KeyManagementServiceClient,
    private readonly keyVersionName: string,
    callTimeoutMs: number,
  ) {
    this.keyDescription = keyVersionName;
    // Exactly one attempt per call: `retry: null` drops the retry policy that the generated
    // client config of @google-cloud/kms 5.x gives both methods (retry on UNAVAILABLE and
    // DEADLINE_EXCEEDED with exponential backoff), and `timeout` becomes the gRPC deadline of
    // that one attempt. It is preferred over `maxRetries: 0`, which still routes the call
    // through google-gax's retry wrapper (google-gax 5.0, createApiCall).
    // The service's circuit breaker owns retrying, and hidden retries would hold a request
    // past the node's one-second socket timeout.
    this.callOptions = { timeout: callTimeoutMs, retry: null };
  }

  /** Fetches the key on every call, so that a re-check after `misconfigured` reads the current state. */
  async loadPublicKey(): Promise<Uint8Array> {
    const publicKey = await this.fetchPublicKey();
    return new Uint8Array(publicKey.raw);
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    this.throwIfClosed();
    const publicKey = this.publicKey ?? (await this.fetchPublicKey());

    let response;
    try {
      [response] = await this.client.asymmetricSign(
        { name: this.keyVersionName, data: message, dataCrc32c: { value: crc32c(message) } },
        this.callOptions,
      );
    } catch (error) {
      throw classifyGcpError(error, 'AsymmetricSign', this.keyVersionName);
    }

    return readVerifiedSignature(response, {
      keyVersionName: this.keyVersionName,
      message,
      publicKey: publicKey.keyObject,
    });
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await this.client.close();
  }

  /** Runs one GetPublicKey at a time, so concurrent callers share the request in flight. */
  private fetchPublicKey(): Promise<Ed25519PublicKey> {
    this.publicKeyRequest ??= this.requestPublicKey().finally(() => {
      this.publicKeyRequest = undefined;
    });
    return this.publicKeyRequest;
  }

  private async requestPublicKey(): Promise<Ed25519PublicKey> {
    this.throwIfClosed();

    let response;
    try {
      [response] = await this.client.getPublicKey({ name: this.keyVersionName }, this.callOptions);
    } catch (error) {
      throw classifyGcpError(error, 'GetPublicKey', this.keyVersionName);
    }

    const publicKey = readEd25519PublicKey(response, this.keyVersionName);
    // A key version's key pair never changes, so a different key means a corrupted or forged response.
    if (this.publicKey !== undefined && !Buffer.from(this.publicKey.raw).equals(publicKey.raw)) {
      throw new BackendError(
        'integrity',
        `Cloud KMS GetPublicKey returned a different public key for ${this.keyVersionName} than before`,
      );
    }

    this.publicKey = publicKey;
    return publicKey;
  }

  private throwIfClosed(): void {
    if (this.closed) {
      throw new BackendError('unavailable', `Cloud KMS backend for ${this.keyVersionName} is closed`);
    }
  }
}
