import { BackendError, isBackendError, type SigningBackend } from './signing-backend.js';

/**
 * A backend built on its first call, so that modules only that backend needs are imported when
 * it is used. The Cloud KMS client (@google-cloud/kms, google-gax, grpc-js and protobufjs) adds
 * about 110 ms to start-up and 16 MB to idle RSS, which a LOCAL signer never needs. Those are
 * medians of 10 starts on a shared 2-core machine with Node 20.
 */
export class DeferredBackend implements SigningBackend {
  private backend: Promise<SigningBackend> | undefined;

  /**
   * `create` builds the real backend. Its failure, such as a missing dependency, is a
   * `misconfigured` BackendError on every call, because retrying cannot fix it.
   */
  constructor(
    readonly name: string,
    readonly keyDescription: string,
    private readonly create: () => Promise<SigningBackend>,
  ) {}

  async loadPublicKey(): Promise<Uint8Array> {
    return (await this.loaded()).loadPublicKey();
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    return (await this.loaded()).sign(message);
  }

  /** Closes the real backend if it was built. Otherwise there is nothing to release. */
  async close(): Promise<void> {
    if (this.backend === undefined) return;
    let backend: SigningBackend;
    try {
      backend = await this.backend;
    } catch {
      return;
    }
    await backend.close();
  }

  private loaded(): Promise<SigningBackend> {
    this.backend ??= this.create().catch((error: unknown) => {
      if (isBackendError(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new BackendError('misconfigured', `cannot create the ${this.name} backend: ${reason}`, { cause: error });
    });
    return this.backend;
  }
}
