import type { Block } from '../protocol/block.js';
import type { Vote } from '../protocol/vote.js';
import { type PolicyViolation, violation } from './policy-rules.js';

/** The only signing algorithm the signer accepts in any algorithm field. */
export const SUPPORTED_ALGORITHM = 'V1';

/** The only protocol version the signer accepts; the protocol defines no other yet. */
export const SUPPORTED_VERSION = 0n;

/**
 * Rejects an algorithm field other than V1. The parser accepts no other algorithm today, so this
 * rule only fires once the parser reads a new one that the signer has not been checked against.
 */
export function checkAlgorithm(field: string, algorithm: string): PolicyViolation | undefined {
  if (algorithm === SUPPORTED_ALGORITHM) return undefined;
  return violation('algorithm', `${field} is ${algorithm}, but only ${SUPPORTED_ALGORITHM} is accepted`);
}

/** Rejects a version other than 0, the only one the protocol defines. */
export function checkVersion(version: bigint): PolicyViolation | undefined {
  if (version === SUPPORTED_VERSION) return undefined;
  return violation('version', `target.version is ${version}, but only version ${SUPPORTED_VERSION} is valid`);
}

/** Checks `algorithm` and the block type's second algorithm field. */
export function checkBlockAlgorithms(block: Block): PolicyViolation | undefined {
  const violated = checkAlgorithm('target.algorithm', block.algorithm);
  if (violated !== undefined) return violated;

  switch (block.type) {
    case 'OPEN':
      return (
        checkAlgorithm('target.sendHashAlgorithm', block.sendHashAlgorithm) ??
        checkAlgorithm('target.representativeAlgorithm', block.representativeAlgorithm)
      );
    case 'RECEIVE':
      return checkAlgorithm('target.sendHashAlgorithm', block.sendHashAlgorithm);
    case 'SEND':
      return checkAlgorithm('target.receiverAlgorithm', block.receiverAlgorithm);
    case 'CHANGE':
      return checkAlgorithm('target.representativeAlgorithm', block.representativeAlgorithm);
  }
}

/** Checks a vote's `algorithm` and `blockAlgorithm`. */
export function checkVoteAlgorithms(vote: Vote): PolicyViolation | undefined {
  return checkAlgorithm('target.algorithm', vote.algorithm) ?? checkAlgorithm('target.blockAlgorithm', vote.blockAlgorithm);
}
