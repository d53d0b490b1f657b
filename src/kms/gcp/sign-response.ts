import { verify, type KeyObject } from 'node:crypto';

import type { protos } from '@google-cloud/kms';

import { BackendError } from '../signing-backend.js';
import { crc32c } from './crc32c.js';
import { readBytes, readInt64Value } from './protobuf-values.js';

const ED25519_SIGNATURE_LENGTH = 64;

/**
 * Checks an AsymmetricSign response and returns its signature. Throws an `integrity`
 * BackendError naming the first failed check: KMS confirmed the request's dataCrc32c, the
 * response names the configured key version, the signature matches signatureCrc32c, is 64
 * bytes long and verifies against `publicKey` for `message`.
 */
export function readVerifiedSignature(
  response: protos.google.cloud.kms.v1.IAsymmetricSignResponse,
  request: { keyVersionName: string; message: Uint8Array; publicKey: KeyObject },
): Uint8Array {
  const { keyVersionName, message, publicKey } = request;
  const fail = (problem: string): BackendError =>
    new BackendError('integrity', `Cloud KMS AsymmetricSign response for ${keyVersionName} failed a check: ${problem}`);

  if (response.verifiedDataCrc32c !== true) {
    throw fail('verifiedDataCrc32c is not true, so KMS did not confirm that it received the message intact');
  }
  if (response.name !== keyVersionName) {
    throw fail(`the response names the key version "${response.name ?? ''}"`);
  }

  const signature = readBytes(response.signature) ?? new Uint8Array();
  const expectedCrc = readInt64Value(response.signatureCrc32c);
  if (expectedCrc === undefined) {
    throw fail('the response has no signatureCrc32c');
  }
  const actualCrc = crc32c(signature);
  if (actualCrc !== expectedCrc) {
    throw fail(`CRC32C of the signature is ${actualCrc}, but signatureCrc32c is ${expectedCrc}`);
  }

  if (signature.length !== ED25519_SIGNATURE_LENGTH) {
    throw fail(`the signature is ${signature.length} bytes long, not ${ED25519_SIGNATURE_LENGTH}`);
  }
  if (!verify(null, message, publicKey, signature)) {
    throw fail('the Ed25519 signature does not verify against the public key');
  }

  return new Uint8Array(signature);
}
