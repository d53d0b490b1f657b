import { webcrypto } from 'node:crypto';
import {
  AttoAlgorithm,
  AttoBlock,
  AttoChallenge,
  AttoHash,
  AttoInstant,
  AttoPrivateKey,
  AttoVote,
  toHex,
  type AttoSigner,
  type AttoVersion,
} from '@attocash/commons-core';

/**
 * A test oracle built on the official Atto library, `@attocash/commons-core` 8.0.0. It builds
 * the request bodies an Atto node sends to a remote signer and signs them with the library's
 * own signer, so tests can compare this project's wire format and signatures with an
 * implementation it did not write. It deliberately imports nothing from `src/`.
 */

export type OracleNetwork = 'LIVE' | 'BETA' | 'DEV' | 'LOCAL';

/** The timestamp of a final vote (i64 max). */
export const FINAL_VOTE_TIMESTAMP = 9_223_372_036_854_775_807n;

/** Fields shared by every block type. Omitted fields take the defaults below. */
interface CommonBlockFields {
  /** Default `LIVE`. */
  readonly network?: OracleNetwork;
  /** Default 0, the only valid version today. */
  readonly version?: number;
  /** Raw units, default 1. */
  readonly balance?: bigint;
  /** Milliseconds since the epoch, default 1733000000000. */
  readonly timestamp?: bigint;
}

export interface OpenBlockFields extends CommonBlockFields {
  readonly type: 'OPEN';
  readonly sendHash?: string;
  readonly representativePublicKey?: string;
}

export interface ReceiveBlockFields extends CommonBlockFields {
  readonly type: 'RECEIVE';
  /** Default 2. */
  readonly height?: bigint;
  readonly previous?: string;
  readonly sendHash?: string;
}

export interface SendBlockFields extends CommonBlockFields {
  readonly type: 'SEND';
  /** Default 2. */
  readonly height?: bigint;
  readonly previous?: string;
  readonly receiverPublicKey?: string;
  /** Raw units, default 1. */
  readonly amount?: bigint;
}

export interface ChangeBlockFields extends CommonBlockFields {
  readonly type: 'CHANGE';
  /** Default 2. */
  readonly height?: bigint;
  readonly previous?: string;
  readonly representativePublicKey?: string;
}

export type BlockFields = OpenBlockFields | ReceiveBlockFields | SendBlockFields | ChangeBlockFields;

export interface VoteFields {
  /** Default 0. */
  readonly version?: number;
  /** Hex of the voted block's hash, default 64 × `B`. */
  readonly blockHash?: string;
  /** Milliseconds since the epoch, default 1733000000123. */
  readonly timestamp?: bigint;
}

/** A signed block or vote request, as the node sends it and as the library signs it. */
export interface OracleSignedRequest {
  /** The exact `POST /blocks` or `POST /votes` body: `{"target":{...}}`. */
  readonly json: string;
  /** The block or vote JSON alone, the value of `target`. */
  readonly targetJson: string;
  /** Upper-case hex of the library's wire bytes. */
  readonly bytesHex: string;
  /** Upper-case hex of the library's BLAKE2b-256 hash, which is the signed message. */
  readonly hashHex: string;
  /** Upper-case hex of the library's Ed25519 signature. */
  readonly signatureHex: string;
}

/** A signed challenge request, as the node sends it and as the library signs it. */
export interface OracleSignedChallenge {
  /** The exact `POST /challenges` body: `{"target":"HEX","timestamp":N}`. */
  readonly json: string;
  /** Upper-case hex of the 64-byte message: BLAKE2b-512(publicKey ‖ challenge ‖ timestamp i64 LE). */
  readonly messageHex: string;
  /** Upper-case hex of the library's Ed25519 signature. */
  readonly signatureHex: string;
}

const DEFAULT_TIMESTAMP = 1_733_000_000_000n;
const DEFAULT_VOTE_TIMESTAMP = 1_733_000_000_123n;
const DEFAULT_PREVIOUS = 'A1'.repeat(32);
const DEFAULT_SEND_HASH = 'C3'.repeat(32);
const DEFAULT_BLOCK_HASH = 'BB'.repeat(32);
const DEFAULT_REPRESENTATIVE = '69C010A8A74924D083D1FC8234861B4B357530F42341484B4EBDA6B99F047105';
const DEFAULT_RECEIVER = '552254E101B51B22080D084C12C94BF7DFC5BE0D973025D62C0BC1FF4D9B145F';

type JsonScalar = string | bigint | number;

/**
 * Writes a flat JSON object in the given key order. Strings are quoted, bigints and numbers
 * are written as integer text, so u64 and i64 values above 2^53 keep every digit.
 */
function objectText(entries: ReadonlyArray<readonly [string, JsonScalar]>): string {
  const members = entries.map(([key, value]) => `${JSON.stringify(key)}:${scalarText(value)}`);
  return `{${members.join(',')}}`;
}

function scalarText(value: JsonScalar): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`expected a safe integer or a bigint, got ${value}`);
  }
  return value.toString();
}

function blockEntries(fields: BlockFields, publicKeyHex: string): Array<[string, JsonScalar]> {
  const common: Array<[string, JsonScalar]> = [
    ['type', fields.type],
    ['network', fields.network ?? 'LIVE'],
    ['version', fields.version ?? 0],
    ['algorithm', 'V1'],
    ['publicKey', publicKeyHex],
  ];
  const balance = fields.balance ?? 1n;
  const timestamp = fields.timestamp ?? DEFAULT_TIMESTAMP;

  switch (fields.type) {
    case 'OPEN':
      return [
        ...common,
        ['balance', balance],
        ['timestamp', timestamp],
        ['sendHashAlgorithm', 'V1'],
        ['sendHash', fields.sendHash ?? DEFAULT_SEND_HASH],
        ['representativeAlgorithm', 'V1'],
        ['representativePublicKey', fields.representativePublicKey ?? DEFAULT_REPRESENTATIVE],
      ];
    case 'RECEIVE':
      return [
        ...common,
        ['height', fields.height ?? 2n],
        ['balance', balance],
        ['timestamp', timestamp],
        ['previous', fields.previous ?? DEFAULT_PREVIOUS],
        ['sendHashAlgorithm', 'V1'],
        ['sendHash', fields.sendHash ?? DEFAULT_SEND_HASH],
      ];
    case 'SEND':
      return [
        ...common,
        ['height', fields.height ?? 2n],
        ['balance', balance],
        ['timestamp', timestamp],
        ['previous', fields.previous ?? DEFAULT_PREVIOUS],
        ['receiverAlgorithm', 'V1'],
        ['receiverPublicKey', fields.receiverPublicKey ?? DEFAULT_RECEIVER],
        ['amount', fields.amount ?? 1n],
      ];
    case 'CHANGE':
      return [
        ...common,
        ['height', fields.height ?? 2n],
        ['balance', balance],
        ['timestamp', timestamp],
        ['previous', fields.previous ?? DEFAULT_PREVIOUS],
        ['representativeAlgorithm', 'V1'],
        ['representativePublicKey', fields.representativePublicKey ?? DEFAULT_REPRESENTATIVE],
      ];
  }
}

/**
 * Returns the library's AttoVersion for `version`. The JS build declares no public
 * constructor for AttoVersion, so the value is taken from a block the library parses.
 */
function libraryVersion(version: number): AttoVersion {
  return AttoBlock.fromJson(blockText({ type: 'CHANGE', version }, DEFAULT_RECEIVER)).version;
}

function blockText(fields: BlockFields, publicKeyHex: string): string {
  return objectText(blockEntries(fields, publicKeyHex));
}

function hexOf(bytes: Int8Array | Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

function int8ArrayOf(bytes: Uint8Array): Int8Array {
  return new Int8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** One Ed25519 key held by the Atto library, with builders for every signing request. */
export class AttoOracle {
  private constructor(
    /** Upper-case hex of the 32-byte Ed25519 seed, for configuring the signer under test. */
    readonly seedHex: string,
    private readonly signer: AttoSigner,
  ) {}

  /** Loads a 32-byte Ed25519 seed, given as hex, into the library's in-memory signer. */
  static async fromSeed(seedHex: string): Promise<AttoOracle> {
    const privateKey = AttoPrivateKey.Companion.parse(seedHex);
    return new AttoOracle(seedHex.toUpperCase(), await privateKey.toSigner());
  }

  /** Returns the upper-case hex of the 32-byte public key, as `GET /public-keys` should return it. */
  publicKeyHex(): string {
    return this.signer.publicKey.toString();
  }

  /** Returns the `atto://` address of the key. */
  address(): string {
    return this.signer.address.value;
  }

  /**
   * Builds a block of this key from `fields`, parses it with `AttoBlock.fromJson` and signs it
   * with `signBlock`. The body is the library's own `toJson()`, which adds the derived
   * `address`, `receiverAddress`, `representativeAddress` and, on OPEN, `height: 1`.
   */
  async block(fields: BlockFields): Promise<OracleSignedRequest> {
    const block = AttoBlock.fromJson(blockText(fields, this.publicKeyHex()));
    if (block.type.name !== fields.type) {
      throw new Error(`the library parsed a ${fields.type} block as ${block.type.name}`);
    }

    const targetJson = block.toJson();
    const signature = await this.signer.signBlock(block);
    return {
      json: `{"target":${targetJson}}`,
      targetJson,
      bytesHex: hexOf(block.toByteArray()),
      hashHex: block.hash.toString(),
      signatureHex: signature.toString(),
    };
  }

  /**
   * Builds a vote of this key with `new AttoVote(...)` and signs it with `signVote`. The library
   * exports no JSON form of a vote, so the body is written here in the node's field order.
   */
  async vote(fields: VoteFields = {}): Promise<OracleSignedRequest> {
    const version = fields.version ?? 0;
    const blockHash = fields.blockHash ?? DEFAULT_BLOCK_HASH;
    const timestamp = fields.timestamp ?? DEFAULT_VOTE_TIMESTAMP;
    const vote = new AttoVote(
      libraryVersion(version),
      AttoAlgorithm.V1,
      this.signer.publicKey,
      AttoAlgorithm.V1,
      AttoHash.Companion.parse(blockHash),
      AttoInstant.Companion.fromEpochMilliseconds(timestamp),
    );

    const targetJson = objectText([
      ['version', version],
      ['algorithm', 'V1'],
      ['publicKey', this.publicKeyHex()],
      ['blockAlgorithm', 'V1'],
      ['blockHash', vote.blockHash.toString()],
      ['timestamp', vote.timestamp.toEpochMilliseconds()],
    ]);
    const signature = await this.signer.signVote(vote);
    return {
      json: `{"target":${targetJson}}`,
      targetJson,
      bytesHex: hexOf(vote.toByteArray()),
      hashHex: vote.hash.toString(),
      signatureHex: signature.toString(),
    };
  }

  /** Builds a final vote: `vote()` with the timestamp 9223372036854775807. */
  async finalVote(fields: Omit<VoteFields, 'timestamp'> = {}): Promise<OracleSignedRequest> {
    return this.vote({ ...fields, timestamp: FINAL_VOTE_TIMESTAMP });
  }

  /**
   * Signs a handshake challenge with `signChallenge`. The library requires at least 64 bytes
   * and sets no maximum. The message is recomputed with `AttoHash.Companion.hash(64, ...)`,
   * the call the library's signer makes, so that `verifySignature` can check it.
   */
  async challenge(challenge: string | Uint8Array, timestamp: bigint): Promise<OracleSignedChallenge> {
    if (typeof challenge === 'string' && !/^(?:[0-9a-fA-F]{2})*$/.test(challenge)) {
      throw new RangeError(`challenge must be hex with an even number of characters, got ${challenge.length} characters`);
    }
    const bytes = typeof challenge === 'string' ? Buffer.from(challenge, 'hex') : challenge;
    const attoChallenge = new AttoChallenge(int8ArrayOf(bytes));
    const instant = AttoInstant.Companion.fromEpochMilliseconds(timestamp);

    const timestampBytes = Buffer.alloc(8);
    timestampBytes.writeBigInt64LE(instant.toEpochMilliseconds());
    const message = AttoHash.Companion.hash(64, [
      this.signer.publicKey.value,
      attoChallenge.value,
      int8ArrayOf(timestampBytes),
    ]);

    const signature = await this.signer.signChallenge(attoChallenge, instant);
    return {
      json: objectText([
        ['target', toHex(attoChallenge.value)],
        ['timestamp', instant.toEpochMilliseconds()],
      ]),
      messageHex: message.toString(),
      signatureHex: signature.toString(),
    };
  }
}

/**
 * Verifies an Ed25519 signature over `messageHex` (a 32-byte hash or a 64-byte challenge
 * message). The library's own check, `AttoSignature.isValid`, is not exported by its JS build,
 * so this repeats the WebCrypto calls it makes: `importKey('raw', ..., 'Ed25519')` and `verify`.
 */
export async function verifySignature(publicKeyHex: string, messageHex: string, signatureHex: string): Promise<boolean> {
  const publicKey = await webcrypto.subtle.importKey('raw', Buffer.from(publicKeyHex, 'hex'), { name: 'Ed25519' }, false, [
    'verify',
  ]);
  return webcrypto.subtle.verify({ name: 'Ed25519' }, publicKey, Buffer.from(signatureHex, 'hex'), Buffer.from(messageHex, 'hex'));
}
