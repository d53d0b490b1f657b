import { type PolicyViolation, violation } from './policy-rules.js';

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/**
 * Rejects a block or vote whose `publicKey` is not the signer's own key. Nodes verify a
 * signature against that `publicKey`, so no node would accept the signature anyway.
 */
export function checkKeyMatch(publicKey: Uint8Array, signerPublicKey: Uint8Array): PolicyViolation | undefined {
  if (Buffer.compare(publicKey, signerPublicKey) === 0) return undefined;
  return violation('key_match', `target.publicKey is ${toHex(publicKey)}, but this signer's public key is ${toHex(signerPublicKey)}`);
}
