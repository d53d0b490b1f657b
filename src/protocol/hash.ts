import { createHash } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';

/** BLAKE2b with a 32-byte digest, the hash of blocks and votes. */
export function blake2b256(data: Uint8Array): Uint8Array {
  return blake2b(data, { dkLen: 32 });
}

/** BLAKE2b with a 5-byte digest, the checksum inside an `atto://` address. */
export function blake2b40(data: Uint8Array): Uint8Array {
  return blake2b(data, { dkLen: 5 });
}

/** BLAKE2b with a 64-byte digest (OpenSSL's native implementation), the challenge message. */
export function blake2b512(data: Uint8Array): Buffer {
  return createHash('blake2b512').update(data).digest();
}
