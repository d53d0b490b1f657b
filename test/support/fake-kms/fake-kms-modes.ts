/**
 * Behaviors of the fake Cloud KMS, switchable while it runs:
 * - `healthy`: correct responses.
 * - `latency`: correct responses after a delay (see `FakeKms.setMode`).
 * - `hang`: never responds, so only the caller's deadline ends the call.
 * - `unavailable`: status UNAVAILABLE.
 * - `permissionDenied`: status PERMISSION_DENIED, as for a missing IAM permission.
 * - `keyDisabled`: status FAILED_PRECONDITION, as for a DISABLED key version.
 * - `wrongAlgorithm`: the key version is an EC_SIGN_P256_SHA256 key, so GetPublicKey returns
 *   a P-256 key and AsymmetricSign rejects `data` with INVALID_ARGUMENT.
 * - `wrongPemCrc`: GetPublicKey returns a pemCrc32c that does not match the PEM.
 * - `corruptSignature`: AsymmetricSign returns a signature with one bit flipped, whose
 *   signatureCrc32c matches the flipped bytes.
 * - `wrongSignatureCrc`: AsymmetricSign returns a signatureCrc32c that does not match.
 * - `unverifiedDataCrc`: AsymmetricSign returns verifiedDataCrc32c false.
 * - `wrongKeyName`: both methods name another key version in the response.
 */
export const FAKE_KMS_MODES = [
  'healthy',
  'latency',
  'hang',
  'unavailable',
  'permissionDenied',
  'keyDisabled',
  'wrongAlgorithm',
  'wrongPemCrc',
  'corruptSignature',
  'wrongSignatureCrc',
  'unverifiedDataCrc',
  'wrongKeyName',
] as const;

export type FakeKmsMode = (typeof FAKE_KMS_MODES)[number];
