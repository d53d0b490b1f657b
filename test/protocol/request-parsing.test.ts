import { LosslessNumber, parse, stringify } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { serializeBlock } from '../../src/protocol/block.js';
import { CHALLENGE_PARSE_LIMIT_BYTES } from '../../src/protocol/challenge.js';
import { InvalidFieldError } from '../../src/protocol/fields.js';
import { JsonSyntaxError, parseJsonBody } from '../../src/protocol/json.js';
import { readBlockRequest, readChallengeRequest, readVoteRequest } from '../../src/protocol/signing-requests.js';
import { serializeVote } from '../../src/protocol/vote.js';
import {
  BLOCK_VECTORS,
  CHALLENGE_TIMESTAMP,
  VECTOR_ADDRESS,
  VOTE_VECTORS,
  vectorChallenge,
  voteJson,
  type BlockVector,
  type VoteVector,
} from './vectors.js';

// Derived addresses of the two other public keys in the vectors.
const RECEIVER_ADDRESS = 'atto://abksevhbag2rwiqibueeyewjjp357rn6bwltajowfqf4d72ntmkf7lcusv3ig';
const REPRESENTATIVE_ADDRESS = 'atto://abu4aefiu5esjued2h6ienegdnftk5jq6qrucsclj262nom7aryql4esxmsae';

type Reader = (body: unknown) => unknown;

/** Marks a key to delete in `withValue`. */
const MISSING = Symbol('missing');
type Replacement = string | boolean | null | LosslessNumber | unknown[] | Record<string, unknown> | typeof MISSING;

function blockVector(name: string): BlockVector {
  const vector = BLOCK_VECTORS.find((candidate) => candidate.name === name);
  if (vector === undefined) throw new Error(`no block vector named ${name}`);
  return vector;
}

function voteVector(name: string): VoteVector {
  const vector = VOTE_VECTORS.find((candidate) => candidate.name === name);
  if (vector === undefined) throw new Error(`no vote vector named ${name}`);
  return vector;
}

function blockBody(name: string): string {
  return `{"target":${blockVector(name).json}}`;
}

const OPEN = blockBody('OPEN');
const RECEIVE = blockBody('RECEIVE');
const SEND = blockBody('SEND');
const CHANGE = blockBody('CHANGE');
const VOTE = `{"target":${voteJson(voteVector('ordinary'))}}`;
const CHALLENGE_HEX = vectorChallenge(64).toString('hex').toUpperCase();
const CHALLENGE = `{"target":"${CHALLENGE_HEX}","timestamp":${CHALLENGE_TIMESTAMP}}`;

function num(text: string): LosslessNumber {
  return new LosslessNumber(text);
}

/**
 * Rewrites `body`, replacing the value at a dotted `path` or deleting it for MISSING. Numbers
 * stay LosslessNumber text throughout, so big integers are never rounded.
 */
function withValue(body: string, path: string, value: Replacement): string {
  const root = parse(body) as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop() as string;

  let object = root;
  for (const key of keys) {
    object = object[key] as Record<string, unknown>;
  }
  if (value === MISSING) {
    delete object[last];
  } else {
    object[last] = value;
  }
  return stringify(root) ?? '';
}

/** Rewrites every upper-case hex string of 64 or more characters (keys, hashes, challenges) in lower case. */
function lowerCaseHex(json: string): string {
  return json.replace(/"([0-9A-F]{64,})"/g, (_, hex: string) => `"${hex.toLowerCase()}"`);
}

function read(reader: Reader, body: string): unknown {
  return reader(parseJsonBody(Buffer.from(body)));
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

interface RejectCase {
  readonly name: string;
  readonly reader: Reader;
  readonly body: string;
  readonly path: string;
  readonly value: Replacement;
  /** Field named by the error; defaults to `path`. */
  readonly field?: string;
}

const SEND_PUBLIC_KEY = '03A107BFF3CE10BE1D70DD18E74BC09967E4D6309BA50D5F1DDC8664125531B8';

const blockCases: RejectCase[] = [
  { name: 'publicKey of 62 hex', reader: readBlockRequest, body: SEND, path: 'target.publicKey', value: SEND_PUBLIC_KEY.slice(2) },
  { name: 'previous of 66 hex', reader: readBlockRequest, body: SEND, path: 'target.previous', value: `${'AB'.repeat(32)}00` },
  { name: 'empty representativePublicKey', reader: readBlockRequest, body: CHANGE, path: 'target.representativePublicKey', value: '' },
  { name: 'non-hex sendHash', reader: readBlockRequest, body: RECEIVE, path: 'target.sendHash', value: 'G'.repeat(64) },
  { name: '0x-prefixed receiverPublicKey', reader: readBlockRequest, body: SEND, path: 'target.receiverPublicKey', value: `0x${'A'.repeat(62)}` },
  { name: 'publicKey as a number', reader: readBlockRequest, body: SEND, path: 'target.publicKey', value: num('1') },
  { name: 'unknown type', reader: readBlockRequest, body: SEND, path: 'target.type', value: 'BURN' },
  { name: 'lower-case type', reader: readBlockRequest, body: SEND, path: 'target.type', value: 'send' },
  { name: 'missing type', reader: readBlockRequest, body: SEND, path: 'target.type', value: MISSING },
  { name: 'unknown network', reader: readBlockRequest, body: SEND, path: 'target.network', value: 'MAINNET' },
  { name: 'network UNKNOWN', reader: readBlockRequest, body: SEND, path: 'target.network', value: 'UNKNOWN' },
  { name: 'lower-case network', reader: readBlockRequest, body: OPEN, path: 'target.network', value: 'live' },
  { name: 'unknown algorithm', reader: readBlockRequest, body: SEND, path: 'target.algorithm', value: 'V2' },
  { name: 'lower-case receiverAlgorithm', reader: readBlockRequest, body: SEND, path: 'target.receiverAlgorithm', value: 'v1' },
  { name: 'unknown sendHashAlgorithm', reader: readBlockRequest, body: OPEN, path: 'target.sendHashAlgorithm', value: 'V2' },
  { name: 'null representativeAlgorithm', reader: readBlockRequest, body: CHANGE, path: 'target.representativeAlgorithm', value: null },
  { name: 'balance 1.5', reader: readBlockRequest, body: SEND, path: 'target.balance', value: num('1.5') },
  { name: 'balance 1.0', reader: readBlockRequest, body: SEND, path: 'target.balance', value: num('1.0') },
  { name: 'balance 1e3', reader: readBlockRequest, body: SEND, path: 'target.balance', value: num('1e3') },
  { name: 'balance 1E3', reader: readBlockRequest, body: SEND, path: 'target.balance', value: num('1E3') },
  { name: 'height negative zero', reader: readBlockRequest, body: SEND, path: 'target.height', value: num('-0') },
  { name: 'balance as a string', reader: readBlockRequest, body: SEND, path: 'target.balance', value: '1' },
  { name: 'balance true', reader: readBlockRequest, body: SEND, path: 'target.balance', value: true },
  { name: 'balance null', reader: readBlockRequest, body: SEND, path: 'target.balance', value: null },
  { name: 'balance as an object', reader: readBlockRequest, body: SEND, path: 'target.balance', value: {} },
  { name: 'height -1', reader: readBlockRequest, body: SEND, path: 'target.height', value: num('-1') },
  { name: 'height 2^64', reader: readBlockRequest, body: SEND, path: 'target.height', value: num('18446744073709551616') },
  { name: 'height as a string', reader: readBlockRequest, body: RECEIVE, path: 'target.height', value: '2' },
  { name: 'amount above maximum', reader: readBlockRequest, body: SEND, path: 'target.amount', value: num('18000000000000000001') },
  { name: 'amount u64 max', reader: readBlockRequest, body: SEND, path: 'target.amount', value: num('18446744073709551615') },
  { name: 'balance above maximum', reader: readBlockRequest, body: OPEN, path: 'target.balance', value: num('18000000000000000001') },
  { name: 'negative amount', reader: readBlockRequest, body: SEND, path: 'target.amount', value: num('-1') },
  { name: 'version 65536', reader: readBlockRequest, body: CHANGE, path: 'target.version', value: num('65536') },
  { name: 'version -1', reader: readBlockRequest, body: CHANGE, path: 'target.version', value: num('-1') },
  { name: 'timestamp above i64', reader: readBlockRequest, body: SEND, path: 'target.timestamp', value: num('9223372036854775808') },
  { name: 'timestamp below i64', reader: readBlockRequest, body: SEND, path: 'target.timestamp', value: num('-9223372036854775809') },
  { name: 'missing previous', reader: readBlockRequest, body: SEND, path: 'target.previous', value: MISSING },
  { name: 'missing amount', reader: readBlockRequest, body: SEND, path: 'target.amount', value: MISSING },
  { name: 'missing OPEN sendHash', reader: readBlockRequest, body: OPEN, path: 'target.sendHash', value: MISSING },
  { name: 'missing RECEIVE height', reader: readBlockRequest, body: RECEIVE, path: 'target.height', value: MISSING },
  { name: 'missing target', reader: readBlockRequest, body: SEND, path: 'target', value: MISSING },
  { name: 'target a string', reader: readBlockRequest, body: SEND, path: 'target', value: 'SEND' },
  { name: 'target an array', reader: readBlockRequest, body: SEND, path: 'target', value: [] },
  { name: 'target null', reader: readBlockRequest, body: SEND, path: 'target', value: null },
  { name: 'target a number', reader: readBlockRequest, body: SEND, path: 'target', value: num('5') },
  { name: 'SEND address of receiver', reader: readBlockRequest, body: SEND, path: 'target.address', value: RECEIVER_ADDRESS },
  { name: 'SEND receiverAddress of sender', reader: readBlockRequest, body: SEND, path: 'target.receiverAddress', value: VECTOR_ADDRESS },
  { name: 'RECEIVE address of receiver', reader: readBlockRequest, body: RECEIVE, path: 'target.address', value: RECEIVER_ADDRESS },
  { name: 'OPEN address of representative', reader: readBlockRequest, body: OPEN, path: 'target.address', value: REPRESENTATIVE_ADDRESS },
  { name: 'OPEN representativeAddress of account', reader: readBlockRequest, body: OPEN, path: 'target.representativeAddress', value: VECTOR_ADDRESS },
  { name: 'CHANGE representativeAddress of account', reader: readBlockRequest, body: CHANGE, path: 'target.representativeAddress', value: VECTOR_ADDRESS },
  { name: 'address as a number', reader: readBlockRequest, body: CHANGE, path: 'target.address', value: num('1') },
  { name: 'OPEN height 2', reader: readBlockRequest, body: OPEN, path: 'target.height', value: num('2') },
  { name: 'OPEN height 0', reader: readBlockRequest, body: OPEN, path: 'target.height', value: num('0') },
  { name: 'OPEN height as a string', reader: readBlockRequest, body: OPEN, path: 'target.height', value: '1' },
];

const voteCases: RejectCase[] = [
  { name: 'blockHash of 62 hex', reader: readVoteRequest, body: VOTE, path: 'target.blockHash', value: 'AB'.repeat(31) },
  { name: 'non-hex publicKey', reader: readVoteRequest, body: VOTE, path: 'target.publicKey', value: 'Z'.repeat(64) },
  { name: 'unknown blockAlgorithm', reader: readVoteRequest, body: VOTE, path: 'target.blockAlgorithm', value: 'V2' },
  { name: 'timestamp above i64', reader: readVoteRequest, body: VOTE, path: 'target.timestamp', value: num('9223372036854775808') },
  { name: 'timestamp 1.5', reader: readVoteRequest, body: VOTE, path: 'target.timestamp', value: num('1.5') },
  { name: 'timestamp as a string', reader: readVoteRequest, body: VOTE, path: 'target.timestamp', value: '1733000000123' },
  { name: 'version -1', reader: readVoteRequest, body: VOTE, path: 'target.version', value: num('-1') },
  { name: 'missing blockHash', reader: readVoteRequest, body: VOTE, path: 'target.blockHash', value: MISSING },
  { name: 'target a string', reader: readVoteRequest, body: VOTE, path: 'target', value: 'vote' },
];

const challengeCases: RejectCase[] = [
  { name: 'challenge of odd length', reader: readChallengeRequest, body: CHALLENGE, path: 'target', value: `${CHALLENGE_HEX}A` },
  { name: 'non-hex challenge', reader: readChallengeRequest, body: CHALLENGE, path: 'target', value: 'ZZ'.repeat(64) },
  {
    name: 'challenge over the parse limit',
    reader: readChallengeRequest,
    body: CHALLENGE,
    path: 'target',
    value: 'AB'.repeat(CHALLENGE_PARSE_LIMIT_BYTES + 1),
  },
  { name: 'challenge as a number', reader: readChallengeRequest, body: CHALLENGE, path: 'target', value: num('1') },
  { name: 'challenge as an object', reader: readChallengeRequest, body: CHALLENGE, path: 'target', value: {} },
  { name: 'missing challenge', reader: readChallengeRequest, body: CHALLENGE, path: 'target', value: MISSING },
  { name: 'timestamp 1.5', reader: readChallengeRequest, body: CHALLENGE, path: 'timestamp', value: num('1.5') },
  { name: 'timestamp 1e3', reader: readChallengeRequest, body: CHALLENGE, path: 'timestamp', value: num('1e3') },
  { name: 'timestamp as a string', reader: readChallengeRequest, body: CHALLENGE, path: 'timestamp', value: '1' },
  { name: 'timestamp true', reader: readChallengeRequest, body: CHALLENGE, path: 'timestamp', value: true },
  { name: 'timestamp null', reader: readChallengeRequest, body: CHALLENGE, path: 'timestamp', value: null },
  { name: 'timestamp above i64', reader: readChallengeRequest, body: CHALLENGE, path: 'timestamp', value: num('9223372036854775808') },
  { name: 'missing timestamp', reader: readChallengeRequest, body: CHALLENGE, path: 'timestamp', value: MISSING },
];

describe('request readers reject', () => {
  for (const testCase of [...blockCases, ...voteCases, ...challengeCases]) {
    it(`${testCase.reader.name}: ${testCase.name}`, () => {
      const body = withValue(testCase.body, testCase.path, testCase.value);
      const error = thrownBy(() => read(testCase.reader, body));

      expect(error).toBeInstanceOf(InvalidFieldError);
      expect((error as InvalidFieldError).field).toBe(testCase.field ?? testCase.path);
    });
  }

  const bodyCases = [
    { name: 'an array', body: '[]' },
    { name: 'null', body: 'null' },
    { name: 'a string', body: '"target"' },
    { name: 'a number', body: '1' },
  ];
  for (const reader of [readBlockRequest, readVoteRequest, readChallengeRequest]) {
    for (const testCase of bodyCases) {
      it(`${reader.name}: body ${testCase.name}`, () => {
        const error = thrownBy(() => read(reader, testCase.body));

        expect(error).toBeInstanceOf(InvalidFieldError);
        expect((error as InvalidFieldError).field).toBe('body');
      });
    }
  }
});

describe('request readers accept', () => {
  const extraTargetKeys = { signature: 'AB'.repeat(64), work: '00'.repeat(8), unknown: { nested: [num('1.5'), null, 'x'] } };

  for (const vector of BLOCK_VECTORS) {
    it(`${vector.name} with extras, lower-case hex`, () => {
      let body = lowerCaseHex(`{"target":${vector.json},"requestId":"abc"}`);
      for (const [key, value] of Object.entries(extraTargetKeys)) {
        body = withValue(body, `target.${key}`, value);
      }
      const { block } = readBlockRequest(parseJsonBody(Buffer.from(body)));

      expect(body).toContain(SEND_PUBLIC_KEY.toLowerCase());
      expect(serializeBlock(block).toString('hex').toUpperCase()).toBe(vector.bytes);
    });
  }

  const withoutDerived = [
    { name: 'OPEN', path: 'target.height' },
    { name: 'OPEN', path: 'target.address' },
    { name: 'OPEN', path: 'target.representativeAddress' },
    { name: 'SEND', path: 'target.receiverAddress' },
    { name: 'CHANGE', path: 'target.address' },
  ];
  for (const testCase of withoutDerived) {
    it(`${testCase.name} without ${testCase.path}`, () => {
      const vector = blockVector(testCase.name);
      const { block } = readBlockRequest(parseJsonBody(Buffer.from(withValue(blockBody(testCase.name), testCase.path, MISSING))));

      expect(serializeBlock(block).toString('hex').toUpperCase()).toBe(vector.bytes);
    });
  }

  const boundaries = [
    { body: SEND, path: 'target.height', text: '18446744073709551615' },
    { body: SEND, path: 'target.amount', text: '18000000000000000000' },
    { body: OPEN, path: 'target.balance', text: '18000000000000000000' },
    { body: SEND, path: 'target.timestamp', text: '9223372036854775807' },
    { body: SEND, path: 'target.timestamp', text: '-9223372036854775808' },
    { body: CHANGE, path: 'target.version', text: '65535' },
  ];
  for (const testCase of boundaries) {
    it(`${testCase.path} of ${testCase.text}`, () => {
      const body = withValue(testCase.body, testCase.path, num(testCase.text));
      const { block } = readBlockRequest(parseJsonBody(Buffer.from(body)));
      const field = testCase.path.replace('target.', '');

      expect((block as Record<string, unknown>)[field]).toBe(BigInt(testCase.text));
    });
  }

  for (const vector of VOTE_VECTORS) {
    it(`${vector.name} vote with extras, lower-case hex`, () => {
      let body = lowerCaseHex(`{"target":${voteJson(vector)},"requestId":"abc"}`);
      for (const [key, value] of Object.entries(extraTargetKeys)) {
        body = withValue(body, `target.${key}`, value);
      }
      const { vote } = readVoteRequest(parseJsonBody(Buffer.from(body)));

      expect(serializeVote(vote).toString('hex').toUpperCase()).toBe(vector.bytes);
    });
  }

  it('challenge with extras, lower-case hex', () => {
    const body = withValue(lowerCaseHex(CHALLENGE), 'requestId', 'abc');
    const request = readChallengeRequest(parseJsonBody(Buffer.from(body)));

    expect(body).toContain(CHALLENGE_HEX.toLowerCase());
    expect(request.challenge.toString('hex').toUpperCase()).toBe(CHALLENGE_HEX);
    expect(request.timestamp).toBe(BigInt(CHALLENGE_TIMESTAMP));
  });

  // The length the signer accepts (64 to 1024 bytes) is a signing-policy rule, not a parse error.
  it('challenge of 63 bytes', () => {
    const challenge = vectorChallenge(63);
    const request = readChallengeRequest(parseJsonBody(Buffer.from(withValue(CHALLENGE, 'target', challenge.toString('hex')))));

    expect(request.challenge.equals(challenge)).toBe(true);
  });

  it('challenge of 1024 bytes', () => {
    const challenge = vectorChallenge(1024);
    const request = readChallengeRequest(parseJsonBody(Buffer.from(withValue(CHALLENGE, 'target', challenge.toString('hex')))));

    expect(request.challenge.equals(challenge)).toBe(true);
  });

  it('duplicate key with equal value', () => {
    const body = CHALLENGE.replace('"timestamp":', `"timestamp":${CHALLENGE_TIMESTAMP},"timestamp":`);
    const request = readChallengeRequest(parseJsonBody(Buffer.from(body)));

    expect(request.timestamp).toBe(BigInt(CHALLENGE_TIMESTAMP));
  });
});

describe('parseJsonBody rejects', () => {
  const invalidBodies = [
    { name: 'invalid UTF-8 sequence', body: Buffer.from([...Buffer.from('{"a":"'), 0xc3, 0x28, ...Buffer.from('"}')]) },
    { name: 'overlong UTF-8', body: Buffer.from([...Buffer.from('{"a":"'), 0xc0, 0xaf, ...Buffer.from('"}')]) },
    { name: 'UTF-8 encoded surrogate', body: Buffer.from([...Buffer.from('{"a":"'), 0xed, 0xa0, 0x80, ...Buffer.from('"}')]) },
    { name: 'UTF-8 cut mid-character', body: Buffer.from([...Buffer.from('{"a":"'), 0xe2, 0x82]) },
    { name: 'empty body', body: Buffer.from('') },
    { name: 'truncated object', body: Buffer.from('{"target":{"type":"OPEN"') },
    { name: 'truncated after colon', body: Buffer.from('{"target":') },
    { name: 'truncated string', body: Buffer.from('{"target":"AB') },
    { name: 'trailing garbage', body: Buffer.from('{"target":1}x') },
    { name: 'duplicate key', body: Buffer.from('{"target":1,"target":2}') },
    { name: 'nested duplicate key', body: Buffer.from('{"target":{"type":"OPEN","type":"SEND"}}') },
    { name: 'duplicate number spellings', body: Buffer.from('{"timestamp":1,"timestamp":1.0}') },
    { name: '100000 nested arrays', body: Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) },
    { name: '100000 nested objects', body: Buffer.from(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`) },
  ];
  for (const testCase of invalidBodies) {
    it(testCase.name, () => {
      expect(() => parseJsonBody(testCase.body)).toThrow(JsonSyntaxError);
    });
  }
});
