import type { Capability } from '../config/signer-config.js';
import { type PolicyViolation, violation } from './policy-rules.js';

/** Rejects a request whose route needs a capability that ATTO_SIGNER_CAPABILITIES does not grant. */
export function checkCapability(granted: ReadonlySet<Capability>, required: Capability): PolicyViolation | undefined {
  if (granted.has(required)) return undefined;
  return violation(
    'capability',
    `this signer lacks the ${required} capability (granted: ${[...granted].join(', ')}); add it to ATTO_SIGNER_CAPABILITIES`,
  );
}
