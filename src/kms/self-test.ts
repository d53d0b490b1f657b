import { randomBytes } from 'node:crypto';
import { challengeMessage, MIN_CHALLENGE_BYTES } from '../protocol/challenge.js';
import { publicKeyFromRaw, verifyEd25519 } from './ed25519.js';
import { BackendError, type SigningBackend } from './signing-backend.js';

/**
 * Proves a backend works end to end: loads its public key, signs a random challenge as a
 * peer handshake would, and verifies the signature. Returns the public key; throws a
 * BackendError (`integrity` when the signature does not verify).
 */
export async function selfTest(backend: SigningBackend): Promise<Uint8Array> {
  const publicKey = await backend.loadPublicKey();
  const message = challengeMessage(publicKey, randomBytes(MIN_CHALLENGE_BYTES), BigInt(Date.now()));

  const signature = await backend.sign(message);
  if (!verifyEd25519(publicKeyFromRaw(publicKey), message, signature)) {
    throw new BackendError('integrity', 'self-test signature does not verify with the backend public key');
  }
  return publicKey;
}
