import { BLOCK_SCHEMAS, readBlock, type Block } from './block.js';
import { CHALLENGE_PARSE_LIMIT_BYTES, MAX_CHALLENGE_BYTES, MIN_CHALLENGE_BYTES } from './challenge.js';
import { readObjectValue, variableHexField, type Field, type JsonSchema } from './fields.js';
import { timestampField } from './primitives.js';
import { readVote, VOTE_SCHEMA, type Vote } from './vote.js';

// The parser reads any even-length hex up to its hard cap; the length the signer accepts is the
// policy's `challenge_length` rule, which the schema documents.
const parsedChallengeField = variableHexField(0, CHALLENGE_PARSE_LIMIT_BYTES, 'challenge bytes from the peer handshake, as hex');
const challengeField: Field<Buffer> = {
  read: parsedChallengeField.read,
  schema: { ...parsedChallengeField.schema, minLength: MIN_CHALLENGE_BYTES * 2, maxLength: MAX_CHALLENGE_BYTES * 2 },
};

export interface BlockSigningRequest {
  readonly block: Block;
}

export interface VoteSigningRequest {
  readonly vote: Vote;
}

export interface ChallengeSigningRequest {
  readonly challenge: Buffer;
  readonly timestamp: bigint;
}

/** Reads the body of `POST /blocks`: `{"target": <block>}`. */
export function readBlockRequest(body: unknown): BlockSigningRequest {
  const envelope = readObjectValue(body, 'body');
  return { block: readBlock(envelope.target, 'target') };
}

/** Reads the body of `POST /votes`: `{"target": <vote>}`. */
export function readVoteRequest(body: unknown): VoteSigningRequest {
  const envelope = readObjectValue(body, 'body');
  return { vote: readVote(envelope.target, 'target') };
}

/** Reads the body of `POST /challenges`: `{"target": "<hex>", "timestamp": <ms>}`. */
export function readChallengeRequest(body: unknown): ChallengeSigningRequest {
  const envelope = readObjectValue(body, 'body');
  return {
    challenge: challengeField.read(envelope.target, 'target'),
    timestamp: timestampField.read(envelope.timestamp, 'timestamp'),
  };
}

/** JSON Schemas of the three request bodies, for the OpenAPI document. */
export const REQUEST_SCHEMAS: Record<'blocks' | 'votes' | 'challenges', JsonSchema> = {
  blocks: {
    type: 'object',
    required: ['target'],
    properties: { target: { oneOf: Object.values(BLOCK_SCHEMAS), discriminator: { propertyName: 'type' } } },
  },
  votes: { type: 'object', required: ['target'], properties: { target: VOTE_SCHEMA } },
  challenges: {
    type: 'object',
    required: ['target', 'timestamp'],
    properties: { target: challengeField.schema, timestamp: timestampField.schema },
  },
};
