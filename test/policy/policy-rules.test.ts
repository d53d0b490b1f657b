import { describe, expect, it } from 'vitest';
import type { Capability } from '../../src/config/signer-config.js';
import type { Block } from '../../src/protocol/block.js';
import type { Network } from '../../src/protocol/primitives.js';
import type { Vote } from '../../src/protocol/vote.js';
import { checkAlgorithm, checkBlockAlgorithms, checkVersion, checkVoteAlgorithms } from '../../src/policy/algorithm-version.js';
import { checkBlockValidity } from '../../src/policy/block-validity.js';
import { checkCapability } from '../../src/policy/capability.js';
import { checkChallengeLength } from '../../src/policy/challenge-length.js';
import { checkBlockTimestamp, checkChallengeTimestamp, checkVoteTimestamp } from '../../src/policy/clock-skew.js';
import { checkKeyMatch } from '../../src/policy/key-match.js';
import { checkNetwork } from '../../src/policy/networks.js';
import { POLICY_RULE_STATUS, POLICY_RULES, type PolicyViolation } from '../../src/policy/policy-rules.js';
import { checkBlockPolicy, checkChallengePolicy, checkVotePolicy, type PolicySettings } from '../../src/policy/signing-policy.js';

const NOW = 1_750_000_000_000n;
const SKEW = 60_000n;
const FINAL = 9_223_372_036_854_775_807n;
const I64_MIN = -(2n ** 63n);
const MAX_AMOUNT = 18_000_000_000_000_000_000n;

const SIGNER_KEY = Buffer.from('03A107BFF3CE10BE1D70DD18E74BC09967E4D6309BA50D5F1DDC8664125531B8', 'hex');
const OTHER_KEY = Buffer.from('552254E101B51B22080D084C12C94BF7DFC5BE0D973025D62C0BC1FF4D9B145F', 'hex');
const HASH = Buffer.alloc(32, 0xbb);

const SETTINGS: PolicySettings = { networks: new Set<Network>(['LIVE', 'BETA']), maxClockSkewMs: SKEW };

/** Returns the rule a check reported, or 'accepted'. */
function ruleOf(violation: PolicyViolation | undefined): string {
  return violation?.rule ?? 'accepted';
}

function blockOf(type: Block['type'], fields: Partial<Record<string, unknown>> = {}): Block {
  const common = { network: 'LIVE', version: 0n, algorithm: 'V1', publicKey: SIGNER_KEY, balance: 1n, timestamp: NOW };
  const byType: Record<Block['type'], Record<string, unknown>> = {
    OPEN: { sendHashAlgorithm: 'V1', sendHash: HASH, representativeAlgorithm: 'V1', representativePublicKey: OTHER_KEY },
    RECEIVE: { height: 2n, previous: HASH, sendHashAlgorithm: 'V1', sendHash: HASH },
    SEND: { height: 2n, previous: HASH, receiverAlgorithm: 'V1', receiverPublicKey: OTHER_KEY, amount: 1n },
    CHANGE: { height: 2n, previous: HASH, representativeAlgorithm: 'V1', representativePublicKey: OTHER_KEY },
  };
  return { type, ...common, ...byType[type], ...fields } as Block;
}

function voteOf(fields: Partial<Record<string, unknown>> = {}): Vote {
  return { version: 0n, algorithm: 'V1', publicKey: SIGNER_KEY, blockAlgorithm: 'V1', blockHash: HASH, timestamp: NOW, ...fields } as Vote;
}

describe('rule statuses', () => {
  const EXPECTED = {
    capability: 403,
    key_match: 403,
    network: 403,
    algorithm: 400,
    version: 400,
    timestamp: 400,
    challenge_length: 400,
    block_validity: 400,
  };

  it('lists every rule once', () => {
    expect([...POLICY_RULES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const rule of POLICY_RULES) {
    it(`${rule} returns ${EXPECTED[rule]}`, () => {
      expect(POLICY_RULE_STATUS[rule]).toBe(EXPECTED[rule]);
    });
  }
});

describe('capability rule', () => {
  const granted = new Set<Capability>(['VOTE', 'CHALLENGE']);
  const CASES: ReadonlyArray<{ required: Capability; rule: string }> = [
    { required: 'VOTE', rule: 'accepted' },
    { required: 'CHALLENGE', rule: 'accepted' },
    { required: 'BLOCK', rule: 'capability' },
  ];
  for (const { required, rule } of CASES) {
    it(`${required} is ${rule}`, () => {
      expect(ruleOf(checkCapability(granted, required))).toBe(rule);
    });
  }

  it('message names the capability', () => {
    const message = checkCapability(granted, 'BLOCK')?.message;

    expect(message).toContain('(capability)');
    expect(message).toContain('lacks the BLOCK capability');
    expect(message).toContain('granted: VOTE, CHALLENGE');
  });
});

describe('key_match rule', () => {
  const CASES = [
    { name: 'own key', key: SIGNER_KEY, rule: 'accepted' },
    { name: 'other key', key: OTHER_KEY, rule: 'key_match' },
    { name: 'key one bit off', key: Buffer.from(SIGNER_KEY.map((byte, i) => (i === 31 ? byte ^ 1 : byte))), rule: 'key_match' },
  ];
  for (const { name, key, rule } of CASES) {
    it(`${name} is ${rule}`, () => {
      expect(ruleOf(checkKeyMatch(key, SIGNER_KEY))).toBe(rule);
    });
  }

  it('message shows both keys', () => {
    const message = checkKeyMatch(OTHER_KEY, SIGNER_KEY)?.message;

    expect(message).toContain(`target.publicKey is ${OTHER_KEY.toString('hex').toUpperCase()}`);
    expect(message).toContain(`public key is ${SIGNER_KEY.toString('hex').toUpperCase()}`);
  });
});

describe('network rule', () => {
  const CASES: ReadonlyArray<{ network: Network; rule: string }> = [
    { network: 'LIVE', rule: 'accepted' },
    { network: 'BETA', rule: 'accepted' },
    { network: 'DEV', rule: 'network' },
    { network: 'LOCAL', rule: 'network' },
  ];
  for (const { network, rule } of CASES) {
    it(`${network} is ${rule}`, () => {
      expect(ruleOf(checkNetwork(network, SETTINGS.networks))).toBe(rule);
    });
  }

  it('message lists allowed networks', () => {
    expect(checkNetwork('DEV', SETTINGS.networks)?.message).toContain('target.network is DEV, but ATTO_SIGNER_NETWORKS allows only LIVE, BETA');
  });
});

describe('algorithm and version rules', () => {
  const ALGORITHM_CASES = [
    { algorithm: 'V1', rule: 'accepted' },
    { algorithm: 'V2', rule: 'algorithm' },
    { algorithm: 'v1', rule: 'algorithm' },
  ];
  for (const { algorithm, rule } of ALGORITHM_CASES) {
    it(`algorithm ${algorithm} is ${rule}`, () => {
      expect(ruleOf(checkAlgorithm('target.algorithm', algorithm))).toBe(rule);
    });
  }

  const VERSION_CASES = [
    { version: 0n, rule: 'accepted' },
    { version: 1n, rule: 'version' },
    { version: 65_535n, rule: 'version' },
  ];
  for (const { version, rule } of VERSION_CASES) {
    it(`version ${version} is ${rule}`, () => {
      expect(ruleOf(checkVersion(version))).toBe(rule);
    });
  }

  // The parser accepts only V1, so these objects are built by hand to reach each field.
  const BLOCK_FIELD_CASES: ReadonlyArray<{ type: Block['type']; field: string }> = [
    { type: 'OPEN', field: 'algorithm' },
    { type: 'OPEN', field: 'sendHashAlgorithm' },
    { type: 'OPEN', field: 'representativeAlgorithm' },
    { type: 'RECEIVE', field: 'sendHashAlgorithm' },
    { type: 'SEND', field: 'receiverAlgorithm' },
    { type: 'CHANGE', field: 'representativeAlgorithm' },
  ];
  for (const { type, field } of BLOCK_FIELD_CASES) {
    it(`${type} ${field} V2 rejected`, () => {
      const violation = checkBlockAlgorithms(blockOf(type, { [field]: 'V2' }));

      expect(violation?.rule).toBe('algorithm');
      expect(violation?.message).toContain(`target.${field} is V2`);
    });
  }

  for (const field of ['algorithm', 'blockAlgorithm']) {
    it(`vote ${field} V2 rejected`, () => {
      const violation = checkVoteAlgorithms(voteOf({ [field]: 'V2' }));

      expect(violation?.rule).toBe('algorithm');
      expect(violation?.message).toContain(`target.${field} is V2`);
    });
  }

  it('version message shows value', () => {
    expect(checkVersion(7n)?.message).toContain('target.version is 7, but only version 0 is valid');
  });
});

describe('timestamp rule', () => {
  const CHALLENGE_CASES = [
    { name: 'now', timestamp: NOW, rule: 'accepted' },
    { name: 'skew ahead', timestamp: NOW + SKEW, rule: 'accepted' },
    { name: 'skew + 1 ms ahead', timestamp: NOW + SKEW + 1n, rule: 'timestamp' },
    { name: 'skew behind', timestamp: NOW - SKEW, rule: 'accepted' },
    { name: 'skew + 1 ms behind', timestamp: NOW - SKEW - 1n, rule: 'timestamp' },
    { name: 'final timestamp', timestamp: FINAL, rule: 'timestamp' },
    { name: 'i64 minimum', timestamp: I64_MIN, rule: 'timestamp' },
  ];
  for (const { name, timestamp, rule } of CHALLENGE_CASES) {
    it(`challenge at ${name} is ${rule}`, () => {
      expect(ruleOf(checkChallengeTimestamp(timestamp, NOW, SKEW))).toBe(rule);
    });
  }

  const VOTE_CASES = [
    { name: 'now', timestamp: NOW, rule: 'accepted' },
    { name: 'skew ahead', timestamp: NOW + SKEW, rule: 'accepted' },
    { name: 'skew + 1 ms ahead', timestamp: NOW + SKEW + 1n, rule: 'timestamp' },
    { name: 'one year behind', timestamp: NOW - 31_536_000_000n, rule: 'accepted' },
    { name: 'i64 minimum', timestamp: I64_MIN, rule: 'accepted' },
    { name: 'final timestamp', timestamp: FINAL, rule: 'accepted' },
    { name: 'final timestamp - 1', timestamp: FINAL - 1n, rule: 'timestamp' },
  ];
  for (const { name, timestamp, rule } of VOTE_CASES) {
    it(`vote at ${name} is ${rule}`, () => {
      expect(ruleOf(checkVoteTimestamp(timestamp, NOW, SKEW))).toBe(rule);
    });
  }

  // Blocks use the protocol's fixed one minute, not the configured skew.
  const BLOCK_CASES = [
    { name: 'one minute ahead', timestamp: NOW + 60_000n, rule: 'accepted' },
    { name: 'one minute + 1 ms', timestamp: NOW + 60_001n, rule: 'timestamp' },
    { name: 'i64 minimum', timestamp: I64_MIN, rule: 'accepted' },
    { name: 'final timestamp', timestamp: FINAL, rule: 'timestamp' },
  ];
  for (const { name, timestamp, rule } of BLOCK_CASES) {
    it(`block at ${name} is ${rule}`, () => {
      expect(ruleOf(checkBlockTimestamp(timestamp, NOW))).toBe(rule);
    });
  }

  it('skew of 100 ms applies', () => {
    expect(ruleOf(checkVoteTimestamp(NOW + 101n, NOW, 100n))).toBe('timestamp');
    expect(ruleOf(checkChallengeTimestamp(NOW - 101n, NOW, 100n))).toBe('timestamp');
  });

  it('challenge message shows values', () => {
    const message = checkChallengeTimestamp(NOW - SKEW - 1n, NOW, SKEW)?.message;

    expect(message).toContain(`timestamp ${NOW - SKEW - 1n} is -60001 ms from the signer's clock (${NOW})`);
    expect(message).toContain('within 60000 ms');
  });

  it('vote message shows values', () => {
    const message = checkVoteTimestamp(NOW + SKEW + 1n, NOW, SKEW)?.message;

    expect(message).toContain(`target.timestamp ${NOW + SKEW + 1n} is 60001 ms ahead`);
    expect(message).toContain('at most 60000 ms ahead');
  });
});

describe('challenge_length rule', () => {
  const CASES = [
    { length: 0, rule: 'challenge_length' },
    { length: 63, rule: 'challenge_length' },
    { length: 64, rule: 'accepted' },
    { length: 1024, rule: 'accepted' },
    { length: 1025, rule: 'challenge_length' },
  ];
  for (const { length, rule } of CASES) {
    it(`${length} bytes is ${rule}`, () => {
      expect(ruleOf(checkChallengeLength(length))).toBe(rule);
    });
  }

  it('message shows the length', () => {
    expect(checkChallengeLength(63)?.message).toContain('target has 63 bytes; a challenge must have 64 to 1024 bytes');
  });
});

describe('block_validity rule', () => {
  const CASES: ReadonlyArray<{ name: string; block: Block; rule: string }> = [
    { name: 'OPEN balance 0', block: blockOf('OPEN', { balance: 0n }), rule: 'block_validity' },
    { name: 'OPEN balance 1', block: blockOf('OPEN', { balance: 1n }), rule: 'accepted' },
    { name: 'OPEN maximum balance', block: blockOf('OPEN', { balance: MAX_AMOUNT }), rule: 'accepted' },
    { name: 'RECEIVE balance 0', block: blockOf('RECEIVE', { balance: 0n }), rule: 'block_validity' },
    { name: 'RECEIVE balance 1', block: blockOf('RECEIVE', { balance: 1n }), rule: 'accepted' },
    { name: 'RECEIVE height 1', block: blockOf('RECEIVE', { height: 1n }), rule: 'block_validity' },
    { name: 'RECEIVE height 2', block: blockOf('RECEIVE', { height: 2n }), rule: 'accepted' },
    { name: 'SEND height 0', block: blockOf('SEND', { height: 0n }), rule: 'block_validity' },
    { name: 'SEND height 1', block: blockOf('SEND', { height: 1n }), rule: 'block_validity' },
    { name: 'SEND height 2', block: blockOf('SEND', { height: 2n }), rule: 'accepted' },
    { name: 'SEND amount 0', block: blockOf('SEND', { amount: 0n }), rule: 'block_validity' },
    { name: 'SEND amount 1', block: blockOf('SEND', { amount: 1n }), rule: 'accepted' },
    { name: 'SEND maximum amount', block: blockOf('SEND', { amount: MAX_AMOUNT }), rule: 'accepted' },
    { name: 'SEND balance 0', block: blockOf('SEND', { balance: 0n }), rule: 'accepted' },
    { name: 'SEND to itself', block: blockOf('SEND', { receiverPublicKey: SIGNER_KEY }), rule: 'block_validity' },
    { name: 'CHANGE height 1', block: blockOf('CHANGE', { height: 1n }), rule: 'block_validity' },
    { name: 'CHANGE balance 0', block: blockOf('CHANGE', { balance: 0n }), rule: 'accepted' },
  ];
  for (const { name, block, rule } of CASES) {
    it(`${name} is ${rule}`, () => {
      expect(ruleOf(checkBlockValidity(block))).toBe(rule);
    });
  }

  const MESSAGE_CASES = [
    { name: 'balance', block: blockOf('RECEIVE', { balance: 0n }), text: 'target.balance of a RECEIVE block is 0' },
    { name: 'height', block: blockOf('CHANGE', { height: 1n }), text: 'target.height of a CHANGE block is 1; it must be at least 2' },
    { name: 'amount', block: blockOf('SEND', { amount: 0n }), text: 'target.amount of a SEND block is 0' },
    { name: 'receiver', block: blockOf('SEND', { receiverPublicKey: SIGNER_KEY }), text: 'target.receiverPublicKey' },
  ];
  for (const { name, block, text } of MESSAGE_CASES) {
    it(`${name} message shows values`, () => {
      expect(checkBlockValidity(block)?.message).toContain(text);
    });
  }
});

describe('rule order per kind', () => {
  const BLOCK_CASES: ReadonlyArray<{ name: string; block: Block; rule: string }> = [
    { name: 'valid block', block: blockOf('SEND'), rule: 'accepted' },
    { name: 'other key, DEV', block: blockOf('SEND', { publicKey: OTHER_KEY, network: 'DEV' }), rule: 'key_match' },
    { name: 'DEV, version 1', block: blockOf('SEND', { network: 'DEV', version: 1n }), rule: 'network' },
    { name: 'V2, version 1', block: blockOf('SEND', { algorithm: 'V2', version: 1n }), rule: 'algorithm' },
    { name: 'version 1, future', block: blockOf('SEND', { version: 1n, timestamp: NOW + 60_001n }), rule: 'version' },
    { name: 'future, height 1', block: blockOf('SEND', { timestamp: NOW + 60_001n, height: 1n }), rule: 'timestamp' },
    { name: 'height 1 only', block: blockOf('SEND', { height: 1n }), rule: 'block_validity' },
  ];
  for (const { name, block, rule } of BLOCK_CASES) {
    it(`block ${name} is ${rule}`, () => {
      expect(ruleOf(checkBlockPolicy(block, SIGNER_KEY, SETTINGS, NOW))).toBe(rule);
    });
  }

  const VOTE_CASES: ReadonlyArray<{ name: string; vote: Vote; rule: string }> = [
    { name: 'valid vote', vote: voteOf(), rule: 'accepted' },
    { name: 'other key, version 1', vote: voteOf({ publicKey: OTHER_KEY, version: 1n }), rule: 'key_match' },
    { name: 'V2, version 1', vote: voteOf({ blockAlgorithm: 'V2', version: 1n }), rule: 'algorithm' },
    { name: 'version 1, future', vote: voteOf({ version: 1n, timestamp: NOW + SKEW + 1n }), rule: 'version' },
    { name: 'future only', vote: voteOf({ timestamp: NOW + SKEW + 1n }), rule: 'timestamp' },
  ];
  for (const { name, vote, rule } of VOTE_CASES) {
    it(`vote ${name} is ${rule}`, () => {
      expect(ruleOf(checkVotePolicy(vote, SIGNER_KEY, SETTINGS, NOW))).toBe(rule);
    });
  }

  const CHALLENGE_CASES = [
    { name: '64 bytes now', length: 64, timestamp: NOW, rule: 'accepted' },
    { name: '63 bytes, stale', length: 63, timestamp: NOW - SKEW - 1n, rule: 'challenge_length' },
    { name: '64 bytes, stale', length: 64, timestamp: NOW - SKEW - 1n, rule: 'timestamp' },
  ];
  for (const { name, length, timestamp, rule } of CHALLENGE_CASES) {
    it(`challenge ${name} is ${rule}`, () => {
      expect(ruleOf(checkChallengePolicy(Buffer.alloc(length), timestamp, SETTINGS, NOW))).toBe(rule);
    });
  }
});
