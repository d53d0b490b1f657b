import { blake2b512 } from './hash.js';

/** Shortest challenge the node sends: a handshake challenge has at least 64 bytes. */
export const MIN_CHALLENGE_BYTES = 64;

/**
 * Longest challenge accepted. Handshake challenges are a prefix derived from the peer's URL
 * followed by random bytes; the library sets no maximum, so this bound leaves room for long
 * URLs while keeping request bodies small.
 */
export const MAX_CHALLENGE_BYTES = 1024;

/**
 * Longest challenge the parser decodes; a longer one is rejected as an invalid field before
 * decoding. The signing policy's `challenge_length` rule enforces MIN_CHALLENGE_BYTES to
 * MAX_CHALLENGE_BYTES. This cap is four times that maximum, so that every over-long challenge
 * that fits in a default-size (4096-byte) body reaches the policy and is counted there.
 */
export const CHALLENGE_PARSE_LIMIT_BYTES = 4 * MAX_CHALLENGE_BYTES;

/** Computes the challenge message: BLAKE2b-512 of publicKey ‖ challenge ‖ timestamp (i64 little-endian). */
export function challengeMessage(publicKey: Uint8Array, challenge: Uint8Array, timestamp: bigint): Buffer {
  const input = Buffer.alloc(publicKey.length + challenge.length + 8);
  input.set(publicKey, 0);
  input.set(challenge, publicKey.length);
  input.writeBigInt64LE(timestamp, publicKey.length + challenge.length);
  return blake2b512(input);
}
