import type { Block } from '../protocol/block.js';
import { type PolicyViolation, violation } from './policy-rules.js';

/** Lowest height of a block after OPEN; an OPEN block has height 1. */
export const MIN_NON_OPEN_HEIGHT = 2n;

/**
 * Applies the protocol's content rules for a block, in the order that @attocash/commons-core
 * 8.0.0 checks them. OPEN and RECEIVE need a balance above 0, and every other type a height of
 * at least 2. A SEND needs an amount above 0 and a receiver other than the sender. The
 * library's network, version and timestamp checks are the `network`, `version` and `timestamp`
 * rules.
 */
export function checkBlockValidity(block: Block): PolicyViolation | undefined {
  if ((block.type === 'OPEN' || block.type === 'RECEIVE') && block.balance === 0n) {
    return violation('block_validity', `target.balance of a ${block.type} block is 0; it must be above 0`);
  }
  if (block.type !== 'OPEN' && block.height < MIN_NON_OPEN_HEIGHT) {
    return violation('block_validity', `target.height of a ${block.type} block is ${block.height}; it must be at least ${MIN_NON_OPEN_HEIGHT}`);
  }
  if (block.type === 'SEND') {
    if (block.amount === 0n) {
      return violation('block_validity', 'target.amount of a SEND block is 0; it must be above 0');
    }
    if (Buffer.compare(block.receiverPublicKey, block.publicKey) === 0) {
      return violation('block_validity', 'target.receiverPublicKey of a SEND block is the sender\'s own publicKey; it must differ');
    }
  }
  return undefined;
}
