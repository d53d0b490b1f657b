import { createPrivateKey, createPublicKey, type KeyObject, verify } from 'node:crypto';

// DER prefixes of Ed25519 PKCS#8 private keys and SPKI public keys (RFC 8410); the raw
// 32-byte seed or public key follows each prefix.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Builds a Node private key from a 32-byte Ed25519 seed. */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Builds a Node public key from a raw 32-byte Ed25519 public key. */
export function publicKeyFromRaw(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

/** Returns the raw 32 bytes of an Ed25519 public (or private) key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32);
}

/** Verifies an Ed25519 signature over `message`. */
export function verifyEd25519(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  return verify(null, message, publicKey, signature);
}
