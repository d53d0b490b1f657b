import { ByteWriter } from './byte-writer.js';
import { objectSchema, readObject, type ObjectValue } from './fields.js';
import { blake2b256 } from './hash.js';
import { ALGORITHM_CODES, algorithmField, hashField, publicKeyField, timestampField, versionField } from './primitives.js';

const voteSpec = {
  version: versionField,
  algorithm: algorithmField,
  publicKey: publicKeyField,
  blockAlgorithm: algorithmField,
  blockHash: hashField,
  timestamp: timestampField,
};

export type Vote = ObjectValue<typeof voteSpec>;

/** JSON Schema of a vote. */
export const VOTE_SCHEMA = objectSchema(voteSpec);

const VOTE_SIZE = 2 + 1 + 32 + 1 + 32 + 8;

/** Reads a vote from its JSON form. */
export function readVote(value: unknown, path: string): Vote {
  return readObject(value, path, voteSpec);
}

/** Serializes a vote to its exact wire bytes. */
export function serializeVote(vote: Vote): Buffer {
  return new ByteWriter(VOTE_SIZE)
    .u16(vote.version)
    .u8(ALGORITHM_CODES[vote.algorithm])
    .bytes(vote.publicKey)
    .u8(ALGORITHM_CODES[vote.blockAlgorithm])
    .bytes(vote.blockHash)
    .i64(vote.timestamp)
    .finish();
}

/** Computes the vote hash: BLAKE2b-256 of its wire bytes, the message that gets signed. */
export function hashVote(vote: Vote): Uint8Array {
  return blake2b256(serializeVote(vote));
}
