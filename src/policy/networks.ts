import type { Network } from '../protocol/primitives.js';
import { type PolicyViolation, violation } from './policy-rules.js';

/** Rejects a block of a network that ATTO_SIGNER_NETWORKS does not list. */
export function checkNetwork(network: Network, allowed: ReadonlySet<Network>): PolicyViolation | undefined {
  if (allowed.has(network)) return undefined;
  return violation('network', `target.network is ${network}, but ATTO_SIGNER_NETWORKS allows only ${[...allowed].join(', ')}`);
}
