import fc from 'fast-check';
import { InvalidFieldError } from '../../src/protocol/fields.js';
import { JsonSyntaxError, parseJsonBody } from '../../src/protocol/json.js';
import type { Network } from '../../src/protocol/primitives.js';
import { readBlockRequest, readChallengeRequest, readVoteRequest } from '../../src/protocol/signing-requests.js';
import type { PolicyRule } from '../../src/policy/policy-rules.js';
import { checkBlockPolicy, checkChallengePolicy, checkVotePolicy } from '../../src/policy/signing-policy.js';
import { VECTOR_PUBLIC_KEY } from '../protocol/vectors.js';

/**
 * Random signing requests, the JSON bodies that carry them, and a model of the signer's
 * decision written from the rules alone. The model shares no code with src/policy, so a test
 * that compares the two checks the policy against an independent statement of it.
 */

/** Public key of the test signer: the published vector key, which startSigner loads by default. */
export const SIGNER_PUBLIC_KEY = VECTOR_PUBLIC_KEY;
/** Another valid Ed25519 public key (the receiver in the published SEND vector). */
export const OTHER_PUBLIC_KEY = '552254E101B51B22080D084C12C94BF7DFC5BE0D973025D62C0BC1FF4D9B145F';

export const KNOWN_NETWORKS = ['LIVE', 'BETA', 'DEV', 'LOCAL'] as const;

// The limits restated from the protocol and the README, independently of src/.
const MAX_AMOUNT = 18_000_000_000_000_000_000n;
const U16_MAX = 2n ** 16n - 1n;
const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const FINAL_VOTE_TIMESTAMP = I64_MAX;
const BLOCK_MAX_FUTURE_MS = 60_000n;
const MIN_CHALLENGE_BYTES = 64;
const MAX_CHALLENGE_BYTES = 1024;
const CHALLENGE_PARSE_LIMIT_BYTES = 4096;

/** A timestamp as generated: an offset from the signer's clock at send time, or an absolute value. */
export interface GeneratedTimestamp {
  readonly relativeToNow: boolean;
  readonly value: bigint;
}

export type BlockType = 'OPEN' | 'RECEIVE' | 'SEND' | 'CHANGE';

export interface BlockRequest {
  readonly kind: 'block';
  readonly type: BlockType;
  readonly network: string;
  readonly version: bigint;
  readonly algorithm: string;
  readonly publicKey: string;
  /** Not sent for OPEN blocks. */
  readonly height: bigint;
  readonly balance: bigint;
  readonly timestamp: GeneratedTimestamp;
  /** Sent for SEND blocks only. */
  readonly amount: bigint;
  /** Sent for SEND blocks only. */
  readonly receiverPublicKey: string;
}

/** The signer's clock at send time. */
export const NOW: GeneratedTimestamp = { relativeToNow: true, value: 0n };

/** A SEND block that every rule accepts; tests change one field of it. */
export const VALID_SEND_BLOCK: BlockRequest = {
  kind: 'block',
  type: 'SEND',
  network: 'LIVE',
  version: 0n,
  algorithm: 'V1',
  publicKey: SIGNER_PUBLIC_KEY,
  height: 2n,
  balance: 1n,
  timestamp: NOW,
  amount: 1n,
  receiverPublicKey: OTHER_PUBLIC_KEY,
};

export interface VoteRequest {
  readonly kind: 'vote';
  readonly version: bigint;
  readonly algorithm: string;
  readonly blockAlgorithm: string;
  readonly publicKey: string;
  readonly blockHash: string;
  readonly timestamp: GeneratedTimestamp;
}

export interface ChallengeRequest {
  readonly kind: 'challenge';
  /** Challenge length in bytes. */
  readonly length: number;
  /** First byte of the challenge; byte i is (fill + 7·i) mod 256. */
  readonly fill: number;
  readonly timestamp: GeneratedTimestamp;
}

export type GeneratedRequest = BlockRequest | VoteRequest | ChallengeRequest;

/** The configured part of the policy, restated for the model. */
export interface ModelSettings {
  readonly networks: ReadonlySet<string>;
  readonly maxClockSkewMs: bigint;
}

/** What the signer does with a request: a parse error, the first policy rule it breaks, or a signature. */
export type Decision = 'invalid' | PolicyRule | 'accepted';

/** The route of each request kind. */
export const ROUTE_BY_KIND = { block: '/blocks', vote: '/votes', challenge: '/challenges' } as const;

// ---------------------------------------------------------------------------------------------
// The model

function inRange(value: bigint, min: bigint, max: bigint): boolean {
  return value >= min && value <= max;
}

/** Returns the timestamp a request carries when the signer's clock reads `nowMs`. */
export function timestampAt(timestamp: GeneratedTimestamp, nowMs: bigint): bigint {
  return timestamp.relativeToNow ? nowMs + timestamp.value : timestamp.value;
}

function modelBlock(request: BlockRequest, nowMs: bigint, settings: ModelSettings): Decision {
  const timestamp = timestampAt(request.timestamp, nowMs);
  const parses =
    (KNOWN_NETWORKS as readonly string[]).includes(request.network) &&
    request.algorithm === 'V1' &&
    inRange(request.version, 0n, U16_MAX) &&
    (request.type === 'OPEN' || inRange(request.height, 0n, U64_MAX)) &&
    inRange(request.balance, 0n, MAX_AMOUNT) &&
    (request.type !== 'SEND' || inRange(request.amount, 0n, MAX_AMOUNT)) &&
    inRange(timestamp, I64_MIN, I64_MAX);
  if (!parses) return 'invalid';

  if (request.publicKey !== SIGNER_PUBLIC_KEY) return 'key_match';
  if (!settings.networks.has(request.network)) return 'network';
  if (request.version !== 0n) return 'version';
  if (timestamp > nowMs + BLOCK_MAX_FUTURE_MS) return 'timestamp';
  if ((request.type === 'OPEN' || request.type === 'RECEIVE') && request.balance === 0n) return 'block_validity';
  if (request.type !== 'OPEN' && request.height < 2n) return 'block_validity';
  if (request.type === 'SEND' && request.amount === 0n) return 'block_validity';
  if (request.type === 'SEND' && request.receiverPublicKey === request.publicKey) return 'block_validity';
  return 'accepted';
}

function modelVote(request: VoteRequest, nowMs: bigint, settings: ModelSettings): Decision {
  const timestamp = timestampAt(request.timestamp, nowMs);
  const parses =
    request.algorithm === 'V1' &&
    request.blockAlgorithm === 'V1' &&
    inRange(request.version, 0n, U16_MAX) &&
    inRange(timestamp, I64_MIN, I64_MAX);
  if (!parses) return 'invalid';

  if (request.publicKey !== SIGNER_PUBLIC_KEY) return 'key_match';
  if (request.version !== 0n) return 'version';
  if (timestamp !== FINAL_VOTE_TIMESTAMP && timestamp > nowMs + settings.maxClockSkewMs) return 'timestamp';
  return 'accepted';
}

function modelChallenge(request: ChallengeRequest, nowMs: bigint, settings: ModelSettings): Decision {
  const timestamp = timestampAt(request.timestamp, nowMs);
  if (request.length > CHALLENGE_PARSE_LIMIT_BYTES || !inRange(timestamp, I64_MIN, I64_MAX)) return 'invalid';

  if (request.length < MIN_CHALLENGE_BYTES || request.length > MAX_CHALLENGE_BYTES) return 'challenge_length';
  const offset = timestamp - nowMs;
  if (offset > settings.maxClockSkewMs || offset < -settings.maxClockSkewMs) return 'timestamp';
  return 'accepted';
}

/** Returns the model's decision for `request` when the signer's clock reads `nowMs`. */
export function modelDecision(request: GeneratedRequest, nowMs: bigint, settings: ModelSettings): Decision {
  switch (request.kind) {
    case 'block':
      return modelBlock(request, nowMs, settings);
    case 'vote':
      return modelVote(request, nowMs, settings);
    case 'challenge':
      return modelChallenge(request, nowMs, settings);
  }
}

/** HTTP status the README gives for a decision: 403 for rules about this signer, 400 for invalid content. */
export function statusOf(decision: Decision): number {
  if (decision === 'accepted') return 200;
  return decision === 'key_match' || decision === 'network' || decision === 'capability' ? 403 : 400;
}

// ---------------------------------------------------------------------------------------------
// The signer's decision, in process

/** Parses `body` as the signer does and applies the signing policy with the clock at `nowMs`. */
export function decide(kind: GeneratedRequest['kind'], body: string, settings: ModelSettings, nowMs: bigint): Decision {
  const signerPublicKey = Buffer.from(SIGNER_PUBLIC_KEY, 'hex');
  const policy = { networks: settings.networks as ReadonlySet<Network>, maxClockSkewMs: settings.maxClockSkewMs };

  try {
    const json = parseJsonBody(Buffer.from(body));
    switch (kind) {
      case 'block': {
        const { block } = readBlockRequest(json);
        return checkBlockPolicy(block, signerPublicKey, policy, nowMs)?.rule ?? 'accepted';
      }
      case 'vote': {
        const { vote } = readVoteRequest(json);
        return checkVotePolicy(vote, signerPublicKey, policy, nowMs)?.rule ?? 'accepted';
      }
      case 'challenge': {
        const { challenge, timestamp } = readChallengeRequest(json);
        return checkChallengePolicy(challenge, timestamp, policy, nowMs)?.rule ?? 'accepted';
      }
    }
  } catch (error) {
    if (error instanceof InvalidFieldError || error instanceof JsonSyntaxError) return 'invalid';
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Request bodies

/** One JSON object member: the key and the value's JSON text. */
export type Member = readonly [string, string];

function quoted(text: string): string {
  return JSON.stringify(text);
}

/** Returns the challenge bytes of `request` as upper-case hex. */
export function challengeHex(request: ChallengeRequest): string {
  const bytes = Buffer.alloc(request.length);
  for (let i = 0; i < request.length; i += 1) bytes[i] = (request.fill + 7 * i) % 256;
  return bytes.toString('hex').toUpperCase();
}

const PREVIOUS = 'A1'.repeat(32);
const SEND_HASH = 'C3'.repeat(32);
const REPRESENTATIVE = '69C010A8A74924D083D1FC8234861B4B357530F42341484B4EBDA6B99F047105';

/** Members of a block's JSON form, in the node's order. */
function blockMembers(request: BlockRequest, nowMs: bigint): Member[] {
  const members: Member[] = [
    ['type', quoted(request.type)],
    ['network', quoted(request.network)],
    ['version', String(request.version)],
    ['algorithm', quoted(request.algorithm)],
    ['publicKey', quoted(request.publicKey)],
  ];
  if (request.type !== 'OPEN') members.push(['height', String(request.height)]);
  members.push(['balance', String(request.balance)], ['timestamp', String(timestampAt(request.timestamp, nowMs))]);
  if (request.type !== 'OPEN') members.push(['previous', quoted(PREVIOUS)]);

  switch (request.type) {
    case 'OPEN':
      members.push(
        ['sendHashAlgorithm', quoted('V1')],
        ['sendHash', quoted(SEND_HASH)],
        ['representativeAlgorithm', quoted('V1')],
        ['representativePublicKey', quoted(REPRESENTATIVE)],
      );
      break;
    case 'RECEIVE':
      members.push(['sendHashAlgorithm', quoted('V1')], ['sendHash', quoted(SEND_HASH)]);
      break;
    case 'SEND':
      members.push(['receiverAlgorithm', quoted('V1')], ['receiverPublicKey', quoted(request.receiverPublicKey)], ['amount', String(request.amount)]);
      break;
    case 'CHANGE':
      members.push(['representativeAlgorithm', quoted('V1')], ['representativePublicKey', quoted(REPRESENTATIVE)]);
      break;
  }
  return members;
}

function voteMembers(request: VoteRequest, nowMs: bigint): Member[] {
  return [
    ['version', String(request.version)],
    ['algorithm', quoted(request.algorithm)],
    ['publicKey', quoted(request.publicKey)],
    ['blockAlgorithm', quoted(request.blockAlgorithm)],
    ['blockHash', quoted(request.blockHash)],
    ['timestamp', String(timestampAt(request.timestamp, nowMs))],
  ];
}

export function objectText(members: readonly Member[]): string {
  return `{${members.map(([key, value]) => `${quoted(key)}:${value}`).join(',')}}`;
}

/**
 * Returns the body's members: `target` (an object for blocks and votes) and, for challenges,
 * `timestamp`. The target's own members are returned separately so that variants can reorder them.
 */
export function bodyMembers(request: GeneratedRequest, nowMs: bigint): { envelope: Member[]; target: Member[] | undefined } {
  switch (request.kind) {
    case 'block':
      return { envelope: [], target: blockMembers(request, nowMs) };
    case 'vote':
      return { envelope: [], target: voteMembers(request, nowMs) };
    case 'challenge':
      return {
        envelope: [
          ['target', quoted(challengeHex(request))],
          ['timestamp', String(timestampAt(request.timestamp, nowMs))],
        ],
        target: undefined,
      };
  }
}

/** Returns the request body in the node's field order and upper-case hex. */
export function bodyText(request: GeneratedRequest, nowMs: bigint): string {
  const { envelope, target } = bodyMembers(request, nowMs);
  return objectText(target === undefined ? envelope : [['target', objectText(target)], ...envelope]);
}

/** How a variant body differs from the canonical one; none of it may change the decision. */
export interface BodyVariant {
  /** Sort keys that reorder the members: member i goes to the rank of orderKeys[i]. */
  readonly orderKeys: readonly number[];
  /** Unknown members added to the target object (or to the envelope for challenges). */
  readonly extraMembers: readonly Member[];
  /** Letter case of hex strings: all lower, all upper, or alternating per character. */
  readonly hexCase: 'lower' | 'upper' | 'mixed';
}

function reordered<T>(items: readonly T[], orderKeys: readonly number[]): T[] {
  return items
    .map((item, index) => ({ item, key: orderKeys[index % Math.max(orderKeys.length, 1)] ?? 0, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ item }) => item);
}

function recased(value: string, hexCase: BodyVariant['hexCase']): string {
  if (!/^"[0-9A-F]{2,}"$/.test(value)) return value;
  if (hexCase === 'lower') return value.toLowerCase();
  if (hexCase === 'upper') return value;
  return [...value].map((character, index) => (index % 2 === 0 ? character.toLowerCase() : character)).join('');
}

/** Returns the request body with its members reordered, unknown members added and hex re-cased. */
export function variantBodyText(request: GeneratedRequest, nowMs: bigint, variant: BodyVariant): string {
  const { envelope, target } = bodyMembers(request, nowMs);
  const recase = (members: readonly Member[]): Member[] => members.map(([key, value]) => [key, recased(value, variant.hexCase)]);

  if (target === undefined) {
    return objectText(reordered([...recase(envelope), ...variant.extraMembers], variant.orderKeys));
  }
  const targetText = objectText(reordered([...recase(target), ...variant.extraMembers], variant.orderKeys));
  return objectText([['target', targetText]]);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/**
 * `exact` puts timestamps on every boundary (skew ± 1 ms), for in-process checks with a fixed
 * clock. `coarse` uses only offsets far from every boundary (at least 30 s with a 60 s skew),
 * for requests over HTTP, where the signer reads its own clock a little after the test does.
 */
export type TimestampPrecision = 'exact' | 'coarse';

const ABSOLUTE_TIMESTAMPS = [I64_MIN, I64_MIN - 1n, -1n, 0n, 1_733_000_000_000n, FINAL_VOTE_TIMESTAMP - 1n, I64_MAX, I64_MAX + 1n];

function timestampArbitrary(precision: TimestampPrecision, maxClockSkewMs: bigint): fc.Arbitrary<GeneratedTimestamp> {
  const skew = maxClockSkewMs;
  const offsets =
    precision === 'exact'
      ? [0n, 1n, -1n, skew, skew + 1n, -skew, -skew - 1n, BLOCK_MAX_FUTURE_MS, BLOCK_MAX_FUTURE_MS + 1n, -(10n ** 10n)]
      : [0n, skew / 2n, -skew / 2n, 2n * skew, -2n * skew, BLOCK_MAX_FUTURE_MS / 2n, 2n * BLOCK_MAX_FUTURE_MS, -(10n ** 10n)];
  const relative = (value: bigint): GeneratedTimestamp => ({ relativeToNow: true, value });
  const absolute = (value: bigint): GeneratedTimestamp => ({ relativeToNow: false, value });

  const choices = [
    { arbitrary: fc.constantFrom(...offsets).map(relative), weight: 6 },
    { arbitrary: fc.constantFrom(...ABSOLUTE_TIMESTAMPS).map(absolute), weight: 2 },
    { arbitrary: fc.bigInt({ min: I64_MIN, max: I64_MAX }).map(absolute), weight: 1 },
  ];
  if (precision === 'exact') {
    choices.push({ arbitrary: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map(relative), weight: 2 });
  }
  return fc.oneof(...choices);
}

/** Mostly `valid`: one of `edges` once in `validWeight + 1` draws. */
function mostly<T>(valid: fc.Arbitrary<T>, edges: readonly T[], validWeight = 6): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: validWeight }, { arbitrary: fc.constantFrom(...edges), weight: 1 });
}

const hexArbitrary = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex').toUpperCase());
const algorithmArbitrary = mostly(fc.constant('V1'), ['V2'], 20);
const versionArbitrary = mostly(fc.constant(0n), [1n, U16_MAX, U16_MAX + 1n, -1n]);
const amountArbitrary = mostly(fc.oneof(fc.constantFrom(1n, MAX_AMOUNT), fc.bigInt({ min: 1n, max: MAX_AMOUNT })), [0n, MAX_AMOUNT + 1n, -1n]);
const heightArbitrary = mostly(fc.oneof(fc.constantFrom(2n, 3n, U64_MAX), fc.bigInt({ min: 2n, max: U64_MAX })), [0n, 1n, U64_MAX + 1n]);

export interface ArbitraryOptions {
  readonly precision: TimestampPrecision;
  readonly maxClockSkewMs: bigint;
  /** Maximum challenge length generated, in bytes; a body must stay under the signer's body limit over HTTP. */
  readonly maxChallengeBytes: number;
}

export function blockRequestArbitrary(options: ArbitraryOptions): fc.Arbitrary<BlockRequest> {
  return fc.record({
    kind: fc.constant('block' as const),
    type: fc.constantFrom<BlockType>('OPEN', 'RECEIVE', 'SEND', 'CHANGE'),
    network: mostly(fc.constantFrom(...KNOWN_NETWORKS), ['MAINNET'], 20),
    version: versionArbitrary,
    algorithm: algorithmArbitrary,
    publicKey: mostly(fc.constant(SIGNER_PUBLIC_KEY), [OTHER_PUBLIC_KEY]),
    height: heightArbitrary,
    balance: amountArbitrary,
    timestamp: timestampArbitrary(options.precision, options.maxClockSkewMs),
    amount: amountArbitrary,
    receiverPublicKey: mostly(fc.constant(OTHER_PUBLIC_KEY), [SIGNER_PUBLIC_KEY]),
  });
}

export function voteRequestArbitrary(options: ArbitraryOptions): fc.Arbitrary<VoteRequest> {
  return fc.record({
    kind: fc.constant('vote' as const),
    version: versionArbitrary,
    algorithm: algorithmArbitrary,
    blockAlgorithm: algorithmArbitrary,
    publicKey: mostly(fc.constant(SIGNER_PUBLIC_KEY), [OTHER_PUBLIC_KEY]),
    blockHash: hexArbitrary,
    timestamp: timestampArbitrary(options.precision, options.maxClockSkewMs),
  });
}

export function challengeRequestArbitrary(options: ArbitraryOptions): fc.Arbitrary<ChallengeRequest> {
  const edges = [0, 1, 63, 64, 65, 1023, 1024, 1025, CHALLENGE_PARSE_LIMIT_BYTES, CHALLENGE_PARSE_LIMIT_BYTES + 1].filter(
    (length) => length <= options.maxChallengeBytes,
  );
  return fc.record({
    kind: fc.constant('challenge' as const),
    length: mostly(fc.integer({ min: MIN_CHALLENGE_BYTES, max: Math.min(MAX_CHALLENGE_BYTES, options.maxChallengeBytes) }), edges),
    fill: fc.integer({ min: 0, max: 255 }),
    timestamp: timestampArbitrary(options.precision, options.maxClockSkewMs),
  });
}

export function requestArbitrary(options: ArbitraryOptions): fc.Arbitrary<GeneratedRequest> {
  return fc.oneof(blockRequestArbitrary(options), voteRequestArbitrary(options), challengeRequestArbitrary(options));
}

/** Every member name the signer reads, including the derived ones it checks; extra members avoid them. */
const KNOWN_MEMBERS = new Set([
  'target', 'timestamp', 'type', 'network', 'version', 'algorithm', 'publicKey', 'height', 'balance', 'previous',
  'sendHashAlgorithm', 'sendHash', 'representativeAlgorithm', 'representativePublicKey', 'receiverAlgorithm',
  'receiverPublicKey', 'amount', 'blockAlgorithm', 'blockHash', 'address', 'receiverAddress', 'representativeAddress',
]);

export const bodyVariantArbitrary: fc.Arbitrary<BodyVariant> = fc.record({
  orderKeys: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 20 }),
  extraMembers: fc
    .uniqueArray(
      fc.tuple(
        fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !KNOWN_MEMBERS.has(key)),
        fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
      ),
      { maxLength: 3, selector: ([key]) => key },
    )
    .map((members) => members as Member[]),
  hexCase: fc.constantFrom('lower' as const, 'upper' as const, 'mixed' as const),
});
