import { type KeyObject, sign } from 'node:crypto';
import { privateKeyFromSeed, rawPublicKey } from '../ed25519.js';
import type { SigningBackend } from '../signing-backend.js';

/**
 * Signs with an Ed25519 seed held in process memory, using Node's native Ed25519.
 * It has no remote side, so it throws no BackendError.
 */
export class LocalBackend implements SigningBackend {
  readonly name = 'LOCAL';
  readonly keyDescription = 'local key';
  private readonly privateKey: KeyObject;
  private readonly publicKey: Buffer;

  constructor(seed: Uint8Array) {
    this.privateKey = privateKeyFromSeed(seed);
    this.publicKey = rawPublicKey(this.privateKey);
  }

  async loadPublicKey(): Promise<Uint8Array> {
    return this.publicKey;
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    return sign(null, message, this.privateKey);
  }

  async close(): Promise<void> {}
}
