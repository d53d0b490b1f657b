import { Status } from 'google-gax';
import { describe, expect, it } from 'vitest';

import { classifyGcpError } from '../../src/kms/gcp/gcp-error-classes.js';
import { BackendError } from '../../src/kms/signing-backend.js';

const NAME = 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1';

function grpcError(code: Status, details: string): Error {
  return Object.assign(new Error(`${code} ${Status[code]}: ${details}`), { code, details });
}

describe('classifyGcpError', () => {
  it.each([
    [Status.UNAVAILABLE, 'unavailable'],
    [Status.DEADLINE_EXCEEDED, 'unavailable'],
    [Status.RESOURCE_EXHAUSTED, 'unavailable'],
    [Status.INTERNAL, 'unavailable'],
    [Status.ABORTED, 'unavailable'],
    [Status.UNKNOWN, 'unavailable'],
    [Status.CANCELLED, 'unavailable'],
    [Status.PERMISSION_DENIED, 'misconfigured'],
    [Status.NOT_FOUND, 'misconfigured'],
    [Status.FAILED_PRECONDITION, 'misconfigured'],
    [Status.INVALID_ARGUMENT, 'misconfigured'],
    [Status.UNAUTHENTICATED, 'misconfigured'],
    [Status.UNIMPLEMENTED, 'misconfigured'],
  ] as const)('maps status %i to %s', (code, kind) => {
    const error = grpcError(code, 'details');

    const classified = classifyGcpError(error, 'AsymmetricSign', NAME);

    expect(classified).toBeInstanceOf(BackendError);
    expect(classified.kind).toBe(kind);
    expect(classified.cause).toBe(error);
    expect(classified.message).toContain(NAME);
  });

  it('maps network errors to unavailable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

    expect(classifyGcpError(refused, 'GetPublicKey', NAME).kind).toBe('unavailable');
    expect(classifyGcpError('The client has already been closed.', 'GetPublicKey', NAME).kind).toBe('unavailable');
  });

  it('names the permission per method', () => {
    const denied = grpcError(Status.PERMISSION_DENIED, 'denied');

    const onLoad = classifyGcpError(denied, 'GetPublicKey', NAME).message;
    const onSign = classifyGcpError(denied, 'AsymmetricSign', NAME).message;

    expect(onLoad).toContain('cloudkms.cryptoKeyVersions.viewPublicKey');
    expect(onLoad).toContain('roles/cloudkms.signerVerifier');
    expect(onSign).toContain('cloudkms.cryptoKeyVersions.useToSign');
    expect(onSign).toContain('roles/cloudkms.signerVerifier');
  });

  it('names the key state to fix', () => {
    const disabled = grpcError(Status.FAILED_PRECONDITION, `${NAME} is not enabled, current state is: DISABLED.`);

    expect(classifyGcpError(disabled, 'AsymmetricSign', NAME).message).toContain('must be ENABLED');
  });

  it('treats missing credentials as misconfigured', () => {
    const missing = grpcError(
      Status.UNKNOWN,
      'Getting metadata from plugin failed with error: Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.',
    );

    const classified = classifyGcpError(missing, 'GetPublicKey', NAME);

    expect(classified.kind).toBe('misconfigured');
    expect(classified.message).toContain('GOOGLE_APPLICATION_CREDENTIALS');
  });
});
