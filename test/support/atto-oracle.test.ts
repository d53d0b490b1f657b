import fc from 'fast-check';
import { parse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { LocalBackend } from '../../src/kms/local/local-backend.js';
import { toAddress } from '../../src/protocol/address.js';
import { hashBlock, serializeBlock } from '../../src/protocol/block.js';
import { challengeMessage, MAX_CHALLENGE_BYTES, MIN_CHALLENGE_BYTES } from '../../src/protocol/challenge.js';
import { parseJsonBody } from '../../src/protocol/json.js';
import { readBlockRequest, readChallengeRequest, readVoteRequest } from '../../src/protocol/signing-requests.js';
import { hashVote, serializeVote } from '../../src/protocol/vote.js';
import {
  BLOCK_VECTORS,
  CHALLENGE_TIMESTAMP,
  CHALLENGE_VECTORS,
  VECTOR_ADDRESS,
  VECTOR_PRIVATE_KEY,
  VECTOR_PUBLIC_KEY,
  VOTE_BLOCK_HASH,
  VOTE_VECTORS,
  vectorChallenge,
  voteJson,
} from '../protocol/vectors.js';
import { AttoOracle, FINAL_VOTE_TIMESTAMP, verifySignature, type BlockFields } from './atto-oracle.js';

const MAX_AMOUNT = 18_000_000_000_000_000_000n;
const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** Runs per property. Each run loads a fresh key into both the library and LocalBackend. */
const NUM_RUNS = 25;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

function blockVectorAt(index: number): (typeof BLOCK_VECTORS)[number] {
  const vector = BLOCK_VECTORS[index];
  if (vector === undefined) throw new Error(`no block vector at index ${index}`);
  return vector;
}

/** Reads the fields of a block vector with lossless-json, so that nothing from src/ is involved. */
function vectorFields(json: string): BlockFields {
  const target = parse(json, null, (text) => BigInt(text)) as Record<string, string | bigint>;
  return { ...target, version: Number(target.version) } as unknown as BlockFields;
}

describe('oracle against published vectors', () => {
  it('derives vector public key', async () => {
    const oracle = await AttoOracle.fromSeed(VECTOR_PRIVATE_KEY);

    expect(oracle.publicKeyHex()).toBe(VECTOR_PUBLIC_KEY);
    expect(oracle.address()).toBe(VECTOR_ADDRESS);
  });

  for (const vector of BLOCK_VECTORS) {
    it(`builds ${vector.name} vector block`, async () => {
      const oracle = await AttoOracle.fromSeed(VECTOR_PRIVATE_KEY);
      const signed = await oracle.block(vectorFields(vector.json));

      expect(signed.json).toBe(`{"target":${vector.json}}`);
      expect(signed.targetJson).toBe(vector.json);
      expect(signed.bytesHex).toBe(vector.bytes);
      expect(signed.hashHex).toBe(vector.hash);
      expect(signed.signatureHex).toBe(vector.signature);
    });
  }

  for (const vector of VOTE_VECTORS) {
    it(`builds ${vector.name} vector vote`, async () => {
      const oracle = await AttoOracle.fromSeed(VECTOR_PRIVATE_KEY);
      const signed = await oracle.vote({ blockHash: VOTE_BLOCK_HASH, timestamp: BigInt(vector.timestamp) });

      expect(signed.json).toBe(`{"target":${voteJson(vector)}}`);
      expect(signed.bytesHex).toBe(vector.bytes);
      expect(signed.hashHex).toBe(vector.hash);
      expect(signed.signatureHex).toBe(vector.signature);
    });
  }

  it('finalVote uses i64 max', async () => {
    const oracle = await AttoOracle.fromSeed(VECTOR_PRIVATE_KEY);
    const final = VOTE_VECTORS.find((vector) => vector.name === 'final');
    const signed = await oracle.finalVote({ blockHash: VOTE_BLOCK_HASH });

    expect(final).toBeDefined();
    expect(signed.json).toContain('"timestamp":9223372036854775807}');
    expect(signed.signatureHex).toBe(final?.signature);
  });

  for (const vector of CHALLENGE_VECTORS) {
    it(`signs ${vector.length}-byte vector challenge`, async () => {
      const oracle = await AttoOracle.fromSeed(VECTOR_PRIVATE_KEY);
      const challenge = vectorChallenge(vector.length);
      const signed = await oracle.challenge(challenge, BigInt(CHALLENGE_TIMESTAMP));

      expect(signed.json).toBe(`{"target":"${hex(challenge)}","timestamp":${CHALLENGE_TIMESTAMP}}`);
      expect(signed.signatureHex).toBe(vector.signature);
      expect(await verifySignature(VECTOR_PUBLIC_KEY, signed.messageHex, signed.signatureHex)).toBe(true);
    });
  }
});

describe('oracle helpers', () => {
  it('block body keeps big integers', async () => {
    const oracle = await AttoOracle.fromSeed(VECTOR_PRIVATE_KEY);
    const signed = await oracle.block({ type: 'SEND', height: U64_MAX, balance: MAX_AMOUNT, amount: MAX_AMOUNT, timestamp: I64_MIN });

    expect(signed.json).toContain('"height":18446744073709551615,');
    expect(signed.json).toContain('"balance":18000000000000000000,');
    expect(signed.json).toContain('"amount":18000000000000000000,');
    expect(signed.json).toContain('"timestamp":-9223372036854775808,');
  });

  it('accepts a lower-case seed', async () => {
    const oracle = await AttoOracle.fromSeed(VECTOR_PRIVATE_KEY.toLowerCase());

    expect(oracle.publicKeyHex()).toBe(VECTOR_PUBLIC_KEY);
  });

  it('rejects an odd-length challenge', async () => {
    const oracle = await AttoOracle.fromSeed(VECTOR_PRIVATE_KEY);

    await expect(oracle.challenge('A'.repeat(129), 1n)).rejects.toThrow(RangeError);
  });

  const { hash, signature } = blockVectorAt(0);
  const changedSignature = `${signature.slice(0, -1)}${signature.endsWith('7') ? '8' : '7'}`;
  const representativePublicKey = '69C010A8A74924D083D1FC8234861B4B357530F42341484B4EBDA6B99F047105';
  const verifyCases = [
    { name: 'vector signature', publicKey: VECTOR_PUBLIC_KEY, message: hash, signature, valid: true },
    { name: 'changed signature', publicKey: VECTOR_PUBLIC_KEY, message: hash, signature: changedSignature, valid: false },
    { name: 'other message', publicKey: VECTOR_PUBLIC_KEY, message: blockVectorAt(1).hash, signature, valid: false },
    { name: 'other public key', publicKey: representativePublicKey, message: hash, signature, valid: false },
  ];
  for (const testCase of verifyCases) {
    it(`verifySignature with ${testCase.name}`, async () => {
      expect(await verifySignature(testCase.publicKey, testCase.message, testCase.signature)).toBe(testCase.valid);
    });
  }
});

const seedArbitrary = fc.uint8Array({ minLength: 32, maxLength: 32 });
const hashArbitrary = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(hex);
const networkArbitrary = fc.constantFrom('LIVE', 'BETA', 'DEV', 'LOCAL' as const);
const amountArbitrary = fc.oneof(fc.bigInt({ min: 0n, max: MAX_AMOUNT }), fc.constantFrom(0n, 2n ** 53n + 1n, MAX_AMOUNT));
const heightArbitrary = fc.oneof(fc.bigInt({ min: 0n, max: U64_MAX }), fc.constantFrom(2n, 2n ** 53n + 1n, U64_MAX));
const timestampArbitrary = fc.oneof(fc.bigInt({ min: I64_MIN, max: I64_MAX }), fc.constantFrom(I64_MIN, 0n, I64_MAX));

const commonBlockArbitrary = fc.record({
  network: networkArbitrary,
  version: fc.integer({ min: 0, max: 0xffff }),
  balance: amountArbitrary,
  timestamp: timestampArbitrary,
});

const blockFieldsArbitrary: fc.Arbitrary<BlockFields> = fc.oneof(
  fc
    .tuple(commonBlockArbitrary, fc.record({ sendHash: hashArbitrary, representativePublicKey: hashArbitrary }))
    .map(([common, fields]): BlockFields => ({ type: 'OPEN', ...common, ...fields })),
  fc
    .tuple(commonBlockArbitrary, fc.record({ height: heightArbitrary, previous: hashArbitrary, sendHash: hashArbitrary }))
    .map(([common, fields]): BlockFields => ({ type: 'RECEIVE', ...common, ...fields })),
  fc
    .tuple(
      commonBlockArbitrary,
      fc.record({ height: heightArbitrary, previous: hashArbitrary, receiverPublicKey: hashArbitrary, amount: amountArbitrary }),
    )
    .map(([common, fields]): BlockFields => ({ type: 'SEND', ...common, ...fields })),
  fc
    .tuple(commonBlockArbitrary, fc.record({ height: heightArbitrary, previous: hashArbitrary, representativePublicKey: hashArbitrary }))
    .map(([common, fields]): BlockFields => ({ type: 'CHANGE', ...common, ...fields })),
);

describe('src/protocol against the oracle', () => {
  it('derives the same key and address', async () => {
    await fc.assert(
      fc.asyncProperty(seedArbitrary, async (seed) => {
        const oracle = await AttoOracle.fromSeed(hex(seed));
        const publicKey = await new LocalBackend(seed).loadPublicKey();

        expect(hex(publicKey)).toBe(oracle.publicKeyHex());
        expect(toAddress(publicKey)).toBe(oracle.address());
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('matches random block requests', async () => {
    await fc.assert(
      fc.asyncProperty(seedArbitrary, blockFieldsArbitrary, async (seed, fields) => {
        const oracle = await AttoOracle.fromSeed(hex(seed));
        const signed = await oracle.block(fields);

        const { block } = readBlockRequest(parseJsonBody(Buffer.from(signed.json)));
        const hash = hashBlock(block);

        expect(hex(serializeBlock(block))).toBe(signed.bytesHex);
        expect(hex(hash)).toBe(signed.hashHex);
        expect(hex(await new LocalBackend(seed).sign(hash))).toBe(signed.signatureHex);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('matches random vote requests', async () => {
    const voteTimestampArbitrary = fc.oneof(timestampArbitrary, fc.constant(FINAL_VOTE_TIMESTAMP));

    await fc.assert(
      fc.asyncProperty(
        seedArbitrary,
        fc.integer({ min: 0, max: 0xffff }),
        hashArbitrary,
        voteTimestampArbitrary,
        async (seed, version, blockHash, timestamp) => {
          const oracle = await AttoOracle.fromSeed(hex(seed));
          const signed = await oracle.vote({ version, blockHash, timestamp });

          const { vote } = readVoteRequest(parseJsonBody(Buffer.from(signed.json)));
          const hash = hashVote(vote);

          expect(hex(serializeVote(vote))).toBe(signed.bytesHex);
          expect(hex(hash)).toBe(signed.hashHex);
          expect(hex(await new LocalBackend(seed).sign(hash))).toBe(signed.signatureHex);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('matches random challenge requests', async () => {
    const challengeArbitrary = fc.uint8Array({ minLength: MIN_CHALLENGE_BYTES, maxLength: MAX_CHALLENGE_BYTES });

    await fc.assert(
      fc.asyncProperty(seedArbitrary, challengeArbitrary, timestampArbitrary, async (seed, challenge, timestamp) => {
        const oracle = await AttoOracle.fromSeed(hex(seed));
        const signed = await oracle.challenge(challenge, timestamp);
        const backend = new LocalBackend(seed);

        const request = readChallengeRequest(parseJsonBody(Buffer.from(signed.json)));
        const message = challengeMessage(await backend.loadPublicKey(), request.challenge, request.timestamp);

        expect(hex(request.challenge)).toBe(hex(challenge));
        expect(request.timestamp).toBe(timestamp);
        expect(hex(message)).toBe(signed.messageHex);
        expect(hex(await backend.sign(message))).toBe(signed.signatureHex);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
