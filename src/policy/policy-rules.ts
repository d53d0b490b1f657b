/**
 * Every signing-policy rule, named once. The name is the `rule` label of
 * `atto_signer_policy_rejections_total` and the start of every rejection message.
 */
export const POLICY_RULES = [
  'capability',
  'key_match',
  'network',
  'algorithm',
  'version',
  'timestamp',
  'challenge_length',
  'block_validity',
] as const;
export type PolicyRule = (typeof POLICY_RULES)[number];

/**
 * HTTP status of each rule. 403 means the request may be valid but this signer is not
 * allowed to sign it; 400 means the content itself is invalid. The node gives up on both.
 */
export const POLICY_RULE_STATUS: Readonly<Record<PolicyRule, 400 | 403>> = {
  capability: 403,
  key_match: 403,
  network: 403,
  algorithm: 400,
  version: 400,
  timestamp: 400,
  challenge_length: 400,
  block_validity: 400,
};

/** A rejected signing request: the rule it broke, the HTTP status to return and a message with the values. */
export interface PolicyViolation {
  readonly rule: PolicyRule;
  readonly status: 400 | 403;
  readonly message: string;
}

/** Builds the violation of `rule`; `details` names the field and the values that broke the rule. */
export function violation(rule: PolicyRule, details: string): PolicyViolation {
  return { rule, status: POLICY_RULE_STATUS[rule], message: `rejected by signing policy (${rule}): ${details}` };
}

/** A policy violation thrown from a route handler; the error handler sends its status and message. */
export class PolicyViolationError extends Error {
  override readonly name = 'PolicyViolationError';
  readonly rule: PolicyRule;
  readonly statusCode: 400 | 403;

  constructor(violation: PolicyViolation) {
    super(violation.message);
    this.rule = violation.rule;
    this.statusCode = violation.status;
  }
}
