import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** An Ed25519 key pair with the forms the fake serves. */
export interface FakeKmsKeyPair {
  readonly privateKey: KeyObject;
  /** SubjectPublicKeyInfo PEM, as GetPublicKey returns it. */
  readonly publicKeyPem: string;
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;
}

// DER of a PKCS #8 Ed25519 private key up to the 32-byte seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Builds the key pair from a 32-byte Ed25519 seed, or a random one when `seed` is undefined. */
export function createEd25519KeyPair(seed?: Uint8Array): FakeKmsKeyPair {
  let privateKey: KeyObject;
  if (seed === undefined) {
    privateKey = generateKeyPairSync('ed25519').privateKey;
  } else if (seed.length === 32) {
    privateKey = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
  } else {
    throw new Error(`Invalid Ed25519 seed: expected 32 bytes, got ${seed.length}`);
  }

  const publicKeyObject = createPublicKey(privateKey);
  const x = publicKeyObject.export({ format: 'jwk' }).x ?? '';
  return {
    privateKey,
    publicKeyPem: publicKeyObject.export({ format: 'pem', type: 'spki' }).toString(),
    publicKey: new Uint8Array(Buffer.from(x, 'base64url')),
  };
}

/** Returns the SPKI PEM of a fresh P-256 key, for the `wrongAlgorithm` mode. */
export function createP256PublicKeyPem(): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return publicKey.export({ format: 'pem', type: 'spki' }).toString();
}
