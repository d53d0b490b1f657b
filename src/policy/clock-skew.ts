import { FINAL_VOTE_TIMESTAMP } from '../protocol/primitives.js';
import { type PolicyViolation, violation } from './policy-rules.js';

/**
 * How far ahead of the signer's clock a block's timestamp may be, in milliseconds. This is the
 * protocol's own limit: the block check of @attocash/commons-core 8.0.0 allows one minute.
 */
export const MAX_BLOCK_FUTURE_MS = 60_000n;

/**
 * Rejects a challenge whose timestamp is more than `maxSkewMs` before or after `nowMs`. The node
 * signs a handshake challenge with the current time, so a distant timestamp means a signature
 * made for another moment.
 */
export function checkChallengeTimestamp(timestamp: bigint, nowMs: bigint, maxSkewMs: bigint): PolicyViolation | undefined {
  const offsetMs = timestamp - nowMs;
  if (offsetMs <= maxSkewMs && offsetMs >= -maxSkewMs) return undefined;
  return violation(
    'timestamp',
    `timestamp ${timestamp} is ${offsetMs} ms from the signer's clock (${nowMs}); a challenge must be within ${maxSkewMs} ms of it (ATTO_SIGNER_MAX_CLOCK_SKEW_MS)`,
  );
}

/**
 * Rejects a vote timestamped more than `maxSkewMs` after `nowMs`, so that no vote is signed in
 * advance. Older timestamps are allowed, and so is the final-vote timestamp 9223372036854775807.
 */
export function checkVoteTimestamp(timestamp: bigint, nowMs: bigint, maxSkewMs: bigint): PolicyViolation | undefined {
  if (timestamp === FINAL_VOTE_TIMESTAMP) return undefined;

  const aheadMs = timestamp - nowMs;
  if (aheadMs <= maxSkewMs) return undefined;
  return violation(
    'timestamp',
    `target.timestamp ${timestamp} is ${aheadMs} ms ahead of the signer's clock (${nowMs}); a vote may be at most ${maxSkewMs} ms ahead (ATTO_SIGNER_MAX_CLOCK_SKEW_MS) unless it is final`,
  );
}

/** Rejects a block timestamped more than one minute after `nowMs`, as the protocol does. */
export function checkBlockTimestamp(timestamp: bigint, nowMs: bigint): PolicyViolation | undefined {
  const aheadMs = timestamp - nowMs;
  if (aheadMs <= MAX_BLOCK_FUTURE_MS) return undefined;
  return violation(
    'timestamp',
    `target.timestamp ${timestamp} is ${aheadMs} ms ahead of the signer's clock (${nowMs}); a block may be at most ${MAX_BLOCK_FUTURE_MS} ms ahead`,
  );
}
