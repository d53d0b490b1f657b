import { AttoBlock } from '@attocash/commons-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blockRequestArbitrary,
  bodyMembers,
  bodyText,
  bodyVariantArbitrary,
  decide,
  KNOWN_NETWORKS,
  modelDecision,
  objectText,
  OTHER_PUBLIC_KEY,
  requestArbitrary,
  SIGNER_PUBLIC_KEY,
  type BlockRequest,
  type ChallengeRequest,
  type Decision,
  type GeneratedRequest,
  type ModelSettings,
  type VoteRequest,
  VALID_SEND_BLOCK,
  variantBodyText,
} from './request-model.js';

const MAX_AMOUNT = 18_000_000_000_000_000_000n;
const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);
const FINAL = 2n ** 63n - 1n;

/** The signer's clock in the fixed-clock checks: a moment in mid-2025, in milliseconds. */
const NOW = 1_750_000_000_000n;
const SETTINGS: ModelSettings = { networks: new Set(['LIVE', 'BETA']), maxClockSkewMs: 60_000n };

const settingsArbitrary: fc.Arbitrary<ModelSettings> = fc.record({
  networks: fc.subarray([...KNOWN_NETWORKS], { minLength: 1 }).map((networks) => new Set<string>(networks)),
  maxClockSkewMs: fc.oneof(fc.constantFrom(100n, 60_000n, 3_600_000n), fc.bigInt({ min: 100n, max: 3_600_000n })),
});

/** Settings, the signer's clock and a request whose boundary timestamps follow those settings. */
const caseArbitrary = fc
  .tuple(settingsArbitrary, fc.bigInt({ min: 1_600_000_000_000n, max: 2_000_000_000_000n }))
  .chain(([settings, nowMs]) =>
    requestArbitrary({ precision: 'exact', maxClockSkewMs: settings.maxClockSkewMs, maxChallengeBytes: 5000 }).map((request) => ({
      settings,
      nowMs,
      request,
    })),
  );

describe('policy against the model', () => {
  it('random requests match the model', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ settings, nowMs, request }) => {
        expect(decide(request.kind, bodyText(request, nowMs), settings, nowMs)).toBe(modelDecision(request, nowMs, settings));
      }),
      { numRuns: 3000 },
    );
  });

  it('variants keep the decision', () => {
    fc.assert(
      fc.property(caseArbitrary, bodyVariantArbitrary, ({ settings, nowMs, request }, variant) => {
        const canonical = decide(request.kind, bodyText(request, nowMs), settings, nowMs);
        const varied = decide(request.kind, variantBodyText(request, nowMs, variant), settings, nowMs);

        expect(varied).toBe(canonical);
      }),
      { numRuns: 1000 },
    );
  });
});

const BLOCK: BlockRequest = VALID_SEND_BLOCK;
const VOTE: VoteRequest = {
  kind: 'vote',
  version: 0n,
  algorithm: 'V1',
  blockAlgorithm: 'V1',
  publicKey: SIGNER_PUBLIC_KEY,
  blockHash: 'BB'.repeat(32),
  timestamp: { relativeToNow: true, value: 0n },
};
const CHALLENGE: ChallengeRequest = { kind: 'challenge', length: 64, fill: 0, timestamp: { relativeToNow: true, value: 0n } };

const relative = (value: bigint) => ({ relativeToNow: true, value });
const absolute = (value: bigint) => ({ relativeToNow: false, value });

/** One request at a boundary and the decision the rules give for it (network LIVE and BETA, skew 60 s). */
const BOUNDARY_CASES: ReadonlyArray<{ name: string; request: GeneratedRequest; decision: Decision }> = [
  { name: 'SEND block', request: BLOCK, decision: 'accepted' },
  { name: 'OPEN balance 0', request: { ...BLOCK, type: 'OPEN', balance: 0n }, decision: 'block_validity' },
  { name: 'OPEN balance 1', request: { ...BLOCK, type: 'OPEN', balance: 1n }, decision: 'accepted' },
  { name: 'RECEIVE balance 0', request: { ...BLOCK, type: 'RECEIVE', balance: 0n }, decision: 'block_validity' },
  { name: 'RECEIVE balance 1', request: { ...BLOCK, type: 'RECEIVE', balance: 1n }, decision: 'accepted' },
  { name: 'balance maximum', request: { ...BLOCK, balance: MAX_AMOUNT }, decision: 'accepted' },
  { name: 'balance maximum + 1', request: { ...BLOCK, balance: MAX_AMOUNT + 1n }, decision: 'invalid' },
  { name: 'amount 0', request: { ...BLOCK, amount: 0n }, decision: 'block_validity' },
  { name: 'amount maximum', request: { ...BLOCK, amount: MAX_AMOUNT }, decision: 'accepted' },
  { name: 'amount maximum + 1', request: { ...BLOCK, amount: MAX_AMOUNT + 1n }, decision: 'invalid' },
  { name: 'height 1', request: { ...BLOCK, height: 1n }, decision: 'block_validity' },
  { name: 'height 2', request: { ...BLOCK, height: 2n }, decision: 'accepted' },
  { name: 'height u64 maximum', request: { ...BLOCK, height: U64_MAX }, decision: 'accepted' },
  { name: 'CHANGE height 1', request: { ...BLOCK, type: 'CHANGE', height: 1n }, decision: 'block_validity' },
  { name: 'SEND to itself', request: { ...BLOCK, receiverPublicKey: SIGNER_PUBLIC_KEY }, decision: 'block_validity' },
  { name: 'block one minute ahead', request: { ...BLOCK, timestamp: relative(60_000n) }, decision: 'accepted' },
  { name: 'block one minute + 1 ms', request: { ...BLOCK, timestamp: relative(60_001n) }, decision: 'timestamp' },
  { name: 'block at i64 minimum', request: { ...BLOCK, timestamp: absolute(I64_MIN) }, decision: 'accepted' },
  { name: 'block on DEV', request: { ...BLOCK, network: 'DEV' }, decision: 'network' },
  { name: 'block version 1', request: { ...BLOCK, version: 1n }, decision: 'version' },
  { name: 'block of another key', request: { ...BLOCK, publicKey: OTHER_PUBLIC_KEY }, decision: 'key_match' },
  { name: 'block algorithm V2', request: { ...BLOCK, algorithm: 'V2' }, decision: 'invalid' },
  { name: 'vote now', request: VOTE, decision: 'accepted' },
  { name: 'vote skew ahead', request: { ...VOTE, timestamp: relative(60_000n) }, decision: 'accepted' },
  { name: 'vote skew + 1 ms ahead', request: { ...VOTE, timestamp: relative(60_001n) }, decision: 'timestamp' },
  { name: 'vote long ago', request: { ...VOTE, timestamp: relative(-(10n ** 10n)) }, decision: 'accepted' },
  { name: 'final vote', request: { ...VOTE, timestamp: absolute(FINAL) }, decision: 'accepted' },
  { name: 'final vote - 1 ms', request: { ...VOTE, timestamp: absolute(FINAL - 1n) }, decision: 'timestamp' },
  { name: 'vote version 1', request: { ...VOTE, version: 1n }, decision: 'version' },
  { name: 'vote of another key', request: { ...VOTE, publicKey: OTHER_PUBLIC_KEY }, decision: 'key_match' },
  { name: 'challenge of 63 bytes', request: { ...CHALLENGE, length: 63 }, decision: 'challenge_length' },
  { name: 'challenge of 64 bytes', request: { ...CHALLENGE, length: 64 }, decision: 'accepted' },
  { name: 'challenge of 1024 bytes', request: { ...CHALLENGE, length: 1024 }, decision: 'accepted' },
  { name: 'challenge of 1025 bytes', request: { ...CHALLENGE, length: 1025 }, decision: 'challenge_length' },
  { name: 'challenge of 4096 bytes', request: { ...CHALLENGE, length: 4096 }, decision: 'challenge_length' },
  { name: 'challenge of 4097 bytes', request: { ...CHALLENGE, length: 4097 }, decision: 'invalid' },
  { name: 'challenge skew ahead', request: { ...CHALLENGE, timestamp: relative(60_000n) }, decision: 'accepted' },
  { name: 'challenge skew + 1 ms ahead', request: { ...CHALLENGE, timestamp: relative(60_001n) }, decision: 'timestamp' },
  { name: 'challenge skew behind', request: { ...CHALLENGE, timestamp: relative(-60_000n) }, decision: 'accepted' },
  { name: 'challenge skew + 1 ms behind', request: { ...CHALLENGE, timestamp: relative(-60_001n) }, decision: 'timestamp' },
];

describe('policy at each boundary', () => {
  for (const { name, request, decision } of BOUNDARY_CASES) {
    it(`${name} is ${decision}`, () => {
      const actual = decide(request.kind, bodyText(request, NOW), SETTINGS, NOW);

      expect(modelDecision(request, NOW, SETTINGS)).toBe(decision);
      expect(actual).toBe(decision);
    });
  }
});

describe('block rules against the library', () => {
  // Blocks the parser accepts, of the signer's key, timestamped in the past so that the library's
  // own clock check passes. The library's isValid() then covers exactly version and block_validity.
  const pastBlockArbitrary = blockRequestArbitrary({ precision: 'exact', maxClockSkewMs: 60_000n, maxChallengeBytes: 0 })
    .filter((request) => modelDecision(request, NOW, { networks: new Set(KNOWN_NETWORKS), maxClockSkewMs: 60_000n }) !== 'invalid')
    .map((request) => ({ ...request, publicKey: SIGNER_PUBLIC_KEY }))
    .chain((request) =>
      fc.bigInt({ min: I64_MIN, max: 1_733_000_000_000n }).map((timestamp) => ({ ...request, timestamp: absolute(timestamp) })),
    );

  it('validity matches AttoBlock.isValid', () => {
    const settings: ModelSettings = { networks: new Set(KNOWN_NETWORKS), maxClockSkewMs: 60_000n };

    fc.assert(
      fc.property(pastBlockArbitrary, (request) => {
        const target = bodyMembers(request, NOW).target ?? [];
        const libraryValid = AttoBlock.fromJson(objectText(target)).isValid();

        expect(decide('block', bodyText(request, NOW), settings, NOW) === 'accepted').toBe(libraryValid);
      }),
      { numRuns: 500 },
    );
  });
});
