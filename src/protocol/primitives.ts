import { enumField, hexField, integerField } from './fields.js';

/** Wire codes of signing algorithms; `V1` is BLAKE2b + Ed25519. */
export const ALGORITHM_CODES = { V1: 0 } as const;
export type Algorithm = keyof typeof ALGORITHM_CODES;

/** Wire codes of the Atto networks. */
export const NETWORK_CODES = { LIVE: 0, BETA: 1, DEV: 2, LOCAL: 3 } as const;
export type Network = keyof typeof NETWORK_CODES;

/** Largest amount or balance the protocol allows: 18 billion atto with 9 decimals. */
export const MAX_AMOUNT = 18_000_000_000_000_000_000n;

export const U16_MAX = 0xffffn;
export const U64_MAX = 0xffff_ffff_ffff_ffffn;
export const I64_MIN = -0x8000_0000_0000_0000n;
export const I64_MAX = 0x7fff_ffff_ffff_ffffn;

/** The timestamp that marks a final vote (i64 max). */
export const FINAL_VOTE_TIMESTAMP = I64_MAX;

export const algorithmField = enumField(ALGORITHM_CODES, 'signing algorithm');
export const networkField = enumField(NETWORK_CODES, 'Atto network');
export const versionField = integerField(0n, U16_MAX, 'uint16', 'protocol version (only 0 is valid today)');
export const heightField = integerField(0n, U64_MAX, 'uint64', 'account chain height');
export const amountField = integerField(0n, MAX_AMOUNT, 'uint64', 'amount in raw units, at most 18000000000000000000');
export const timestampField = integerField(I64_MIN, I64_MAX, 'int64', 'milliseconds since the Unix epoch');
export const publicKeyField = hexField(32, 'Ed25519 public key, 64 hex characters');
export const hashField = hexField(32, 'BLAKE2b-256 hash, 64 hex characters');
