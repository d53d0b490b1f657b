import { MAX_CHALLENGE_BYTES, MIN_CHALLENGE_BYTES } from '../protocol/challenge.js';
import { type PolicyViolation, violation } from './policy-rules.js';

/**
 * Rejects a challenge shorter than 64 bytes (the protocol's minimum) or longer than 1024 bytes
 * (this signer's maximum). The parser has already rejected anything beyond its hard cap.
 */
export function checkChallengeLength(byteLength: number): PolicyViolation | undefined {
  if (byteLength >= MIN_CHALLENGE_BYTES && byteLength <= MAX_CHALLENGE_BYTES) return undefined;
  return violation(
    'challenge_length',
    `target has ${byteLength} bytes; a challenge must have ${MIN_CHALLENGE_BYTES} to ${MAX_CHALLENGE_BYTES} bytes`,
  );
}
