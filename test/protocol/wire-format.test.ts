import { describe, expect, it } from 'vitest';
import { toAddress } from '../../src/protocol/address.js';
import { hashBlock, readBlock, serializeBlock } from '../../src/protocol/block.js';
import { challengeMessage } from '../../src/protocol/challenge.js';
import { parseJsonBody } from '../../src/protocol/json.js';
import { hashVote, readVote, serializeVote } from '../../src/protocol/vote.js';
import { LocalBackend } from '../../src/kms/local/local-backend.js';
import {
  BLOCK_VECTORS,
  CHALLENGE_TIMESTAMP,
  CHALLENGE_VECTORS,
  VECTOR_ADDRESS,
  VECTOR_PRIVATE_KEY,
  VECTOR_PUBLIC_KEY,
  VOTE_VECTORS,
  vectorChallenge,
  voteJson,
} from './vectors.js';

const backend = new LocalBackend(Buffer.from(VECTOR_PRIVATE_KEY, 'hex'));

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

function json(text: string): unknown {
  return parseJsonBody(Buffer.from(text));
}

describe('test vectors', () => {
  it('derives the public key and address', async () => {
    expect(hex(await backend.loadPublicKey())).toBe(VECTOR_PUBLIC_KEY);
    expect(toAddress(Buffer.from(VECTOR_PUBLIC_KEY, 'hex'))).toBe(VECTOR_ADDRESS);
  });

  for (const vector of BLOCK_VECTORS) {
    it(`${vector.name} block bytes, hash, signature`, async () => {
      const block = readBlock(json(vector.json), 'target');
      const hash = hashBlock(block);

      expect(hex(serializeBlock(block))).toBe(vector.bytes);
      expect(hex(hash)).toBe(vector.hash);
      expect(hex(await backend.sign(hash))).toBe(vector.signature);
    });
  }

  for (const vector of VOTE_VECTORS) {
    it(`${vector.name} vote bytes, hash, signature`, async () => {
      const vote = readVote(json(voteJson(vector)), 'target');
      const hash = hashVote(vote);

      expect(hex(serializeVote(vote))).toBe(vector.bytes);
      expect(hex(hash)).toBe(vector.hash);
      expect(hex(await backend.sign(hash))).toBe(vector.signature);
    });
  }

  for (const vector of CHALLENGE_VECTORS) {
    it(`${vector.length}-byte challenge signature`, async () => {
      const message = challengeMessage(
        Buffer.from(VECTOR_PUBLIC_KEY, 'hex'),
        vectorChallenge(vector.length),
        BigInt(CHALLENGE_TIMESTAMP),
      );

      expect(message).toHaveLength(64);
      expect(hex(await backend.sign(message))).toBe(vector.signature);
    });
  }
});
