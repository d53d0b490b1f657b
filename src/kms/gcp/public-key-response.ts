import { createPublicKey, type KeyObject } from 'node:crypto';

import type { protos } from '@google-cloud/kms';

import { BackendError } from '../signing-backend.js';
import { crc32c } from './crc32c.js';
import { readInt64Value } from './protobuf-values.js';

/** An Ed25519 public key read from Cloud KMS. */
export interface Ed25519PublicKey {
  /** The 32-byte key as Atto encodes it. */
  readonly raw: Uint8Array;
  /** The same key for node:crypto `verify`. */
  readonly keyObject: KeyObject;
}

const ED25519_ALGORITHM = 'EC_SIGN_ED25519';

/**
 * Checks a GetPublicKey response and extracts its Ed25519 key. Throws a `misconfigured`
 * BackendError when the key version uses another algorithm, and an `integrity` one when the
 * response names another key version, its PEM fails the CRC32C check or is no Ed25519 SPKI.
 */
export function readEd25519PublicKey(
  response: protos.google.cloud.kms.v1.IPublicKey,
  keyVersionName: string,
): Ed25519PublicKey {
  const algorithm = String(response.algorithm);
  if (algorithm !== ED25519_ALGORITHM) {
    throw new BackendError(
      'misconfigured',
      `Cloud KMS key version ${keyVersionName} uses the algorithm ${algorithm}, but Atto needs ` +
        `${ED25519_ALGORITHM}: create an ${ED25519_ALGORITHM} key version and configure its name.`,
    );
  }

  // NOTE: an empty name is accepted, because Cloud KMS documents PublicKey.name as a beta
  // field. AsymmetricSign responses must always carry the name.
  if (response.name && response.name !== keyVersionName) {
    throw integrityError(keyVersionName, `the response names the key version ${response.name}`);
  }

  const pem = response.pem ?? '';
  const expectedCrc = readInt64Value(response.pemCrc32c);
  if (expectedCrc === undefined) {
    throw integrityError(keyVersionName, 'the response has no pemCrc32c');
  }
  const actualCrc = crc32c(pem);
  if (actualCrc !== expectedCrc) {
    throw integrityError(keyVersionName, `CRC32C of the PEM is ${actualCrc}, but pemCrc32c is ${expectedCrc}`);
  }

  return parseEd25519Pem(pem, keyVersionName);
}

function parseEd25519Pem(pem: string, keyVersionName: string): Ed25519PublicKey {
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey(pem);
  } catch (error) {
    throw integrityError(keyVersionName, 'the PEM is not a valid SubjectPublicKeyInfo', error);
  }
  if (keyObject.asymmetricKeyType !== 'ed25519') {
    const keyType = String(keyObject.asymmetricKeyType);
    throw integrityError(keyVersionName, `the PEM contains a ${keyType} key, not an Ed25519 key`);
  }

  // The JWK "x" member of an Ed25519 key is the 32-byte public key (RFC 8037).
  const raw = Buffer.from(keyObject.export({ format: 'jwk' }).x ?? '', 'base64url');
  if (raw.length !== 32) {
    throw integrityError(keyVersionName, `the Ed25519 key is ${raw.length} bytes long, not 32`);
  }

  return { raw: new Uint8Array(raw), keyObject };
}

function integrityError(keyVersionName: string, problem: string, cause?: unknown): BackendError {
  return new BackendError(
    'integrity',
    `Cloud KMS GetPublicKey response for ${keyVersionName} failed a check: ${problem}`,
    { cause },
  );
}
