import type { Block } from '../protocol/block.js';
import type { Network } from '../protocol/primitives.js';
import type { Vote } from '../protocol/vote.js';
import { checkBlockAlgorithms, checkVersion, checkVoteAlgorithms } from './algorithm-version.js';
import { checkBlockValidity } from './block-validity.js';
import { checkChallengeLength } from './challenge-length.js';
import { checkBlockTimestamp, checkChallengeTimestamp, checkVoteTimestamp } from './clock-skew.js';
import { checkKeyMatch } from './key-match.js';
import { checkNetwork } from './networks.js';
import type { PolicyViolation } from './policy-rules.js';

/** The configured part of the policy, built once at start. */
export interface PolicySettings {
  /** Networks whose blocks may be signed (ATTO_SIGNER_NETWORKS). */
  readonly networks: ReadonlySet<Network>;
  /** Largest distance between a challenge's timestamp and the signer's clock, and how far ahead a vote may be, in milliseconds. */
  readonly maxClockSkewMs: bigint;
}

// Each check returns the first violated rule, in the order listed, or undefined. Rules that
// concern this signer (403) come before rules about the content (400). `nowMs` is the signer's
// clock in milliseconds since the epoch, passed in so that every decision is deterministic.

/** Checks a parsed block: key_match, network, algorithm, version, timestamp, block_validity. */
export function checkBlockPolicy(
  block: Block,
  signerPublicKey: Uint8Array,
  settings: PolicySettings,
  nowMs: bigint,
): PolicyViolation | undefined {
  return (
    checkKeyMatch(block.publicKey, signerPublicKey) ??
    checkNetwork(block.network, settings.networks) ??
    checkBlockAlgorithms(block) ??
    checkVersion(block.version) ??
    checkBlockTimestamp(block.timestamp, nowMs) ??
    checkBlockValidity(block)
  );
}

/** Checks a parsed vote: key_match, algorithm, version, timestamp. */
export function checkVotePolicy(
  vote: Vote,
  signerPublicKey: Uint8Array,
  settings: PolicySettings,
  nowMs: bigint,
): PolicyViolation | undefined {
  return (
    checkKeyMatch(vote.publicKey, signerPublicKey) ??
    checkVoteAlgorithms(vote) ??
    checkVersion(vote.version) ??
    checkVoteTimestamp(vote.timestamp, nowMs, settings.maxClockSkewMs)
  );
}

/** Checks a parsed challenge: challenge_length, timestamp. */
export function checkChallengePolicy(
  challenge: Uint8Array,
  timestamp: bigint,
  settings: PolicySettings,
  nowMs: bigint,
): PolicyViolation | undefined {
  return checkChallengeLength(challenge.length) ?? checkChallengeTimestamp(timestamp, nowMs, settings.maxClockSkewMs);
}
