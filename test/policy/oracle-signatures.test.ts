import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashBlock, serializeBlock } from '../../src/protocol/block.js';
import { parseJsonBody } from '../../src/protocol/json.js';
import { readBlockRequest, readVoteRequest } from '../../src/protocol/signing-requests.js';
import { hashVote, serializeVote } from '../../src/protocol/vote.js';
import { AttoOracle, FINAL_VOTE_TIMESTAMP, type BlockFields } from '../support/atto-oracle.js';
import { post } from '../support/http-client.js';
import { eventually, healthState, startSigner } from '../support/start-signer.js';

const MAX_AMOUNT = 18_000_000_000_000_000_000n;
const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);
/** A past moment (late 2024); block timestamps up to here pass the one-minute rule on any later clock. */
const PAST_MS = 1_733_000_000_000n;

/** Runs of the HTTP property; each run starts a signer with a fresh key. */
const NUM_RUNS = 6;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

// A seed of all zeros is rejected at start outside development, so it is never generated.
const seedArbitrary = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .filter((seed) => seed.some((byte) => byte !== 0))
  .map(hex);
const hashArbitrary = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(hex);
const networkArbitrary = fc.constantFrom('LIVE' as const, 'BETA' as const, 'DEV' as const, 'LOCAL' as const);
const positiveAmountArbitrary = fc.oneof(fc.constantFrom(1n, MAX_AMOUNT), fc.bigInt({ min: 1n, max: MAX_AMOUNT }));
const heightArbitrary = fc.oneof(fc.constantFrom(2n, U64_MAX), fc.bigInt({ min: 2n, max: U64_MAX }));
const pastTimestampArbitrary = fc.oneof(fc.constantFrom(I64_MIN, 0n, PAST_MS), fc.bigInt({ min: I64_MIN, max: PAST_MS }));

/** Blocks that every rule accepts: version 0, balance and amount above 0, height 2 or more, in the past. */
const validBlockArbitrary: fc.Arbitrary<BlockFields> = fc.oneof(
  fc
    .record({ network: networkArbitrary, balance: positiveAmountArbitrary, timestamp: pastTimestampArbitrary, sendHash: hashArbitrary })
    .map((fields): BlockFields => ({ type: 'OPEN', ...fields })),
  fc
    .record({ network: networkArbitrary, height: heightArbitrary, balance: positiveAmountArbitrary, timestamp: pastTimestampArbitrary })
    .map((fields): BlockFields => ({ type: 'RECEIVE', ...fields })),
  fc
    .record({
      network: networkArbitrary,
      height: heightArbitrary,
      balance: fc.bigInt({ min: 0n, max: MAX_AMOUNT }),
      timestamp: pastTimestampArbitrary,
      receiverPublicKey: hashArbitrary,
      amount: positiveAmountArbitrary,
    })
    .map((fields): BlockFields => ({ type: 'SEND', ...fields })),
  fc
    .record({ network: networkArbitrary, height: heightArbitrary, balance: fc.bigInt({ min: 0n, max: MAX_AMOUNT }), timestamp: pastTimestampArbitrary })
    .map((fields): BlockFields => ({ type: 'CHANGE', ...fields })),
);

/** Vote timestamps the policy accepts: any past moment, or the final-vote timestamp. */
const voteTimestampArbitrary = fc.oneof(pastTimestampArbitrary, fc.constant(FINAL_VOTE_TIMESTAMP));

/** Offsets of a challenge's timestamp from the test's clock, well inside the default 60 s skew. */
const challengeOffsetArbitrary = fc.integer({ min: -30_000, max: 30_000 });

describe('accepted requests against the library', () => {
  it('signatures match over HTTP', async () => {
    await fc.assert(
      fc.asyncProperty(
        seedArbitrary,
        validBlockArbitrary,
        hashArbitrary,
        voteTimestampArbitrary,
        fc.uint8Array({ minLength: 64, maxLength: 1024 }),
        challengeOffsetArbitrary,
        async (seedHex, blockFields, blockHash, voteTimestamp, challenge, challengeOffset) => {
          const oracle = await AttoOracle.fromSeed(seedHex);
          fc.pre(blockFields.type !== 'SEND' || blockFields.receiverPublicKey !== oracle.publicKeyHex());

          const block = await oracle.block(blockFields);
          const vote = await oracle.vote({ blockHash, timestamp: voteTimestamp });
          const signer = await startSigner({ ATTO_SIGNER_KEY: seedHex });
          try {
            expect(await eventually(async () => (await healthState(signer.managementUrl)).state === 'ready')).toBe(true);
            const signedChallenge = await oracle.challenge(challenge, BigInt(Date.now() + challengeOffset));

            const blockResponse = await post(`${signer.apiUrl}/blocks`, block.json);
            const voteResponse = await post(`${signer.apiUrl}/votes`, vote.json);
            const challengeResponse = await post(`${signer.apiUrl}/challenges`, signedChallenge.json);

            expect(blockResponse.body).toEqual({ signature: block.signatureHex });
            expect(voteResponse.body).toEqual({ signature: vote.signatureHex });
            expect(challengeResponse.body).toEqual({ signature: signedChallenge.signatureHex });
          } finally {
            await signer.stop();
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('bytes and hashes match', async () => {
    await fc.assert(
      fc.asyncProperty(seedArbitrary, validBlockArbitrary, hashArbitrary, voteTimestampArbitrary, async (seedHex, blockFields, blockHash, voteTimestamp) => {
        const oracle = await AttoOracle.fromSeed(seedHex);
        const block = await oracle.block(blockFields);
        const vote = await oracle.vote({ blockHash, timestamp: voteTimestamp });

        const parsedBlock = readBlockRequest(parseJsonBody(Buffer.from(block.json))).block;
        const parsedVote = readVoteRequest(parseJsonBody(Buffer.from(vote.json))).vote;

        expect(hex(serializeBlock(parsedBlock))).toBe(block.bytesHex);
        expect(hex(hashBlock(parsedBlock))).toBe(block.hashHex);
        expect(hex(serializeVote(parsedVote))).toBe(vote.bytesHex);
        expect(hex(hashVote(parsedVote))).toBe(vote.hashHex);
      }),
      { numRuns: 50 },
    );
  });
});
