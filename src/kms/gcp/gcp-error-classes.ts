import { Status } from 'google-gax';

import { BackendError } from '../signing-backend.js';

/** The two Cloud KMS methods the backend calls. */
export type KmsMethod = 'GetPublicKey' | 'AsymmetricSign';

const REQUIRED_PERMISSION: Record<KmsMethod, string> = {
  GetPublicKey: 'cloudkms.cryptoKeyVersions.viewPublicKey',
  AsymmetricSign: 'cloudkms.cryptoKeyVersions.useToSign',
};

// google-auth-library's message when Application Default Credentials find nothing. grpc-js
// reports that failure as UNKNOWN, but no retry can fix it.
const NO_DEFAULT_CREDENTIALS = 'Could not load the default credentials';

const CREDENTIALS_HINT =
  'Check Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS or the service account attached to the host.';

/**
 * Classifies a failed Cloud KMS call. Transient gRPC statuses and errors without a status
 * (network failures) become `unavailable`. Statuses that need an operator's change become
 * `misconfigured`, with a message that names the permission, key state or setting to fix.
 */
export function classifyGcpError(
  error: unknown,
  method: KmsMethod,
  keyVersionName: string,
): BackendError {
  const code = grpcStatusOf(error);
  const detail = describeError(error);
  const failed = `Cloud KMS ${method} on ${keyVersionName} failed`;
  const misconfigured = (message: string): BackendError =>
    new BackendError('misconfigured', message, { cause: error });

  switch (code) {
    case Status.PERMISSION_DENIED:
      return misconfigured(
        `${failed}: permission denied (${detail}). Grant the service account ` +
          `${REQUIRED_PERMISSION[method]} on the key, for example with the role ` +
          'roles/cloudkms.signerVerifier. Cloud KMS also returns this status when the key version does not exist.',
      );
    case Status.NOT_FOUND:
      return misconfigured(`${failed}: key version not found (${detail}). Check the configured key version name.`);
    case Status.FAILED_PRECONDITION:
      return misconfigured(
        `${failed}: key version is not usable (${detail}). Its state must be ENABLED: ` +
          'enable it in Cloud KMS or configure an enabled version.',
      );
    case Status.INVALID_ARGUMENT:
      return misconfigured(
        `${failed}: request rejected as invalid (${detail}). Check that the key purpose is ` +
          'ASYMMETRIC_SIGN and the key version algorithm is EC_SIGN_ED25519.',
      );
    case Status.UNAUTHENTICATED:
      return misconfigured(`${failed}: credentials rejected (${detail}). ${CREDENTIALS_HINT}`);
    case Status.UNIMPLEMENTED:
    case Status.OUT_OF_RANGE:
    case Status.ALREADY_EXISTS:
      return misconfigured(`${failed} (${detail}). Check the Cloud KMS endpoint and key version name.`);
    case Status.DEADLINE_EXCEEDED:
      return new BackendError('unavailable', `${failed}: no response before the call deadline (${detail})`, {
        cause: error,
      });
    default:
      if (detail.includes(NO_DEFAULT_CREDENTIALS)) {
        return misconfigured(`${failed}: no credentials found (${detail}). ${CREDENTIALS_HINT}`);
      }
      // UNAVAILABLE, RESOURCE_EXHAUSTED, INTERNAL, ABORTED, UNKNOWN, CANCELLED, DATA_LOSS and
      // errors without a gRPC status, such as a refused connection.
      return new BackendError('unavailable', `${failed} (${detail})`, { cause: error });
  }
}

function grpcStatusOf(error: unknown): Status | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) {
    return undefined;
  }

  const code = error.code;
  return typeof code === 'number' && code in Status ? (code as Status) : undefined;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
