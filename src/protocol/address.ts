import { blake2b40 } from './hash.js';
import { ALGORITHM_CODES, type Algorithm } from './primitives.js';

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Lower-case RFC 4648 base32 without padding. */
function base32(bytes: Uint8Array): string {
  let output = '';
  let buffer = 0;
  let bits = 0;

  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) {
    output += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  }
  return output;
}

/** Derives the `atto://` address of a public key: base32 of algorithm ‖ publicKey ‖ BLAKE2b-40 of both. */
export function toAddress(publicKey: Uint8Array, algorithm: Algorithm = 'V1'): string {
  const payload = new Uint8Array(33);
  payload[0] = ALGORITHM_CODES[algorithm];
  payload.set(publicKey, 1);

  const checksum = blake2b40(payload);
  const full = new Uint8Array(38);
  full.set(payload, 0);
  full.set(checksum, 33);
  return `atto://${base32(full)}`;
}
