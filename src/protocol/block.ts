import { toAddress } from './address.js';
import { ByteWriter } from './byte-writer.js';
import { enumField, InvalidFieldError, objectSchema, readObject, readObjectValue, type ObjectValue } from './fields.js';
import { blake2b256 } from './hash.js';
import { JsonNumber } from './json.js';
import {
  ALGORITHM_CODES,
  algorithmField,
  amountField,
  hashField,
  heightField,
  NETWORK_CODES,
  networkField,
  publicKeyField,
  timestampField,
  versionField,
} from './primitives.js';

/** Wire codes of the block types. */
export const BLOCK_TYPE_CODES = { OPEN: 0, RECEIVE: 1, SEND: 2, CHANGE: 3 } as const;
export type BlockType = keyof typeof BLOCK_TYPE_CODES;

const blockTypeField = enumField(BLOCK_TYPE_CODES, 'block type');

const commonSpec = {
  network: networkField,
  version: versionField,
  algorithm: algorithmField,
  publicKey: publicKeyField,
};

const openSpec = {
  ...commonSpec,
  balance: amountField,
  timestamp: timestampField,
  sendHashAlgorithm: algorithmField,
  sendHash: hashField,
  representativeAlgorithm: algorithmField,
  representativePublicKey: publicKeyField,
};

const receiveSpec = {
  ...commonSpec,
  height: heightField,
  balance: amountField,
  timestamp: timestampField,
  previous: hashField,
  sendHashAlgorithm: algorithmField,
  sendHash: hashField,
};

const sendSpec = {
  ...commonSpec,
  height: heightField,
  balance: amountField,
  timestamp: timestampField,
  previous: hashField,
  receiverAlgorithm: algorithmField,
  receiverPublicKey: publicKeyField,
  amount: amountField,
};

const changeSpec = {
  ...commonSpec,
  height: heightField,
  balance: amountField,
  timestamp: timestampField,
  previous: hashField,
  representativeAlgorithm: algorithmField,
  representativePublicKey: publicKeyField,
};

export type OpenBlock = { type: 'OPEN' } & ObjectValue<typeof openSpec>;
export type ReceiveBlock = { type: 'RECEIVE' } & ObjectValue<typeof receiveSpec>;
export type SendBlock = { type: 'SEND' } & ObjectValue<typeof sendSpec>;
export type ChangeBlock = { type: 'CHANGE' } & ObjectValue<typeof changeSpec>;
export type Block = OpenBlock | ReceiveBlock | SendBlock | ChangeBlock;

const BLOCK_SIZES: Record<BlockType, number> = { OPEN: 119, RECEIVE: 126, SEND: 134, CHANGE: 126 };

const addressSchema = { type: 'string', description: 'derived atto:// address; ignored, but must match its public key when present' };

/** JSON Schemas of the four block types, keyed by type. */
export const BLOCK_SCHEMAS = {
  OPEN: objectSchema(
    { type: blockTypeField, ...openSpec },
    { height: { type: 'integer', description: 'derived; must be 1 when present' }, address: addressSchema, representativeAddress: addressSchema },
  ),
  RECEIVE: objectSchema({ type: blockTypeField, ...receiveSpec }, { address: addressSchema }),
  SEND: objectSchema({ type: blockTypeField, ...sendSpec }, { address: addressSchema, receiverAddress: addressSchema }),
  CHANGE: objectSchema({ type: blockTypeField, ...changeSpec }, { address: addressSchema, representativeAddress: addressSchema }),
};

/**
 * Checks an optional derived address field: ignored when absent, but a present address that
 * does not belong to `publicKey` means the caller and the signed bytes disagree.
 */
function checkAddress(object: Record<string, unknown>, path: string, name: string, publicKey: Buffer): void {
  if (!Object.hasOwn(object, name)) return;

  const address = object[name];
  const expected = toAddress(publicKey);
  if (typeof address !== 'string' || address.toLowerCase() !== expected) {
    throw new InvalidFieldError(`${path}.${name}`, `does not match its public key, expected ${expected}`);
  }
}

/** Reads a block from its JSON form, checking the derived fields that come with it. */
export function readBlock(value: unknown, path: string): Block {
  const object = readObjectValue(value, path);
  const type = blockTypeField.read(object.type, `${path}.type`);

  switch (type) {
    case 'OPEN': {
      const block: OpenBlock = { type, ...readObject(object, path, openSpec) };
      checkAddress(object, path, 'address', block.publicKey);
      checkAddress(object, path, 'representativeAddress', block.representativePublicKey);
      if (Object.hasOwn(object, 'height')) {
        const height = object.height;
        if (!(height instanceof JsonNumber) || height.text !== '1') {
          throw new InvalidFieldError(`${path}.height`, 'of an OPEN block is always 1 when present');
        }
      }
      return block;
    }
    case 'RECEIVE': {
      const block: ReceiveBlock = { type, ...readObject(object, path, receiveSpec) };
      checkAddress(object, path, 'address', block.publicKey);
      return block;
    }
    case 'SEND': {
      const block: SendBlock = { type, ...readObject(object, path, sendSpec) };
      checkAddress(object, path, 'address', block.publicKey);
      checkAddress(object, path, 'receiverAddress', block.receiverPublicKey);
      return block;
    }
    case 'CHANGE': {
      const block: ChangeBlock = { type, ...readObject(object, path, changeSpec) };
      checkAddress(object, path, 'address', block.publicKey);
      checkAddress(object, path, 'representativeAddress', block.representativePublicKey);
      return block;
    }
  }
}

/** Serializes a block to its exact wire bytes. */
export function serializeBlock(block: Block): Buffer {
  const writer = new ByteWriter(BLOCK_SIZES[block.type])
    .u8(BLOCK_TYPE_CODES[block.type])
    .u8(NETWORK_CODES[block.network])
    .u16(block.version)
    .u8(ALGORITHM_CODES[block.algorithm])
    .bytes(block.publicKey);

  switch (block.type) {
    case 'OPEN':
      return writer
        .u64(block.balance)
        .i64(block.timestamp)
        .u8(ALGORITHM_CODES[block.sendHashAlgorithm])
        .bytes(block.sendHash)
        .u8(ALGORITHM_CODES[block.representativeAlgorithm])
        .bytes(block.representativePublicKey)
        .finish();
    case 'RECEIVE':
      return writer
        .u64(block.height)
        .u64(block.balance)
        .i64(block.timestamp)
        .bytes(block.previous)
        .u8(ALGORITHM_CODES[block.sendHashAlgorithm])
        .bytes(block.sendHash)
        .finish();
    case 'SEND':
      return writer
        .u64(block.height)
        .u64(block.balance)
        .i64(block.timestamp)
        .bytes(block.previous)
        .u8(ALGORITHM_CODES[block.receiverAlgorithm])
        .bytes(block.receiverPublicKey)
        .u64(block.amount)
        .finish();
    case 'CHANGE':
      return writer
        .u64(block.height)
        .u64(block.balance)
        .i64(block.timestamp)
        .bytes(block.previous)
        .u8(ALGORITHM_CODES[block.representativeAlgorithm])
        .bytes(block.representativePublicKey)
        .finish();
  }
}

/** Computes the block hash: BLAKE2b-256 of its wire bytes, which is also the message that gets signed. */
export function hashBlock(block: Block): Uint8Array {
  return blake2b256(serializeBlock(block));
}
