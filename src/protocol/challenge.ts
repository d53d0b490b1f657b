import { blake2b512 } from './hash.js';

/** Shortest challenge the node sends: a handshake challenge has at least 64 bytes. */
export const MIN_CHALLENGE_BYTES = 64;

/**
 * Longest challenge accepted. Handshake challenges are a URL prefix followed by random
 * bytes, far below this; the bound keeps request bodies small.
 */
export const MAX_CHALLENGE_BYTES = 512;

/** The challenge message: BLAKE2b-512 of publicKey ‖ challenge ‖ timestamp (i64 little-endian). */
export function challengeMessage(publicKey: Uint8Array, challenge: Uint8Array, timestamp: bigint): Buffer {
  const input = Buffer.alloc(publicKey.length + challenge.length + 8);
  input.set(publicKey, 0);
  input.set(challenge, publicKey.length);
  input.writeBigInt64LE(timestamp, publicKey.length + challenge.length);
  return blake2b512(input);
}
