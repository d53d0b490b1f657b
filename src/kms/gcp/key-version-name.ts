/** The parts of a Cloud KMS crypto key version resource name. */
export interface KeyVersionName {
  readonly project: string;
  readonly location: string;
  readonly keyRing: string;
  readonly cryptoKey: string;
  readonly cryptoKeyVersion: string;
}

const EXPECTED_SHAPE =
  'projects/PROJECT/locations/LOCATION/keyRings/KEY_RING/cryptoKeys/KEY/cryptoKeyVersions/VERSION';

// Project IDs are lower case, domain-scoped ones contain "." and ":", and project numbers are
// digits. Key ring and key IDs allow [a-zA-Z0-9_-] up to 63 characters. Versions count from 1.
const KEY_VERSION_NAME_PATTERN = new RegExp(
  '^projects/(?<project>[a-z0-9][a-z0-9.:-]*)' +
    '/locations/(?<location>[a-z0-9-]+)' +
    '/keyRings/(?<keyRing>[A-Za-z0-9_-]{1,63})' +
    '/cryptoKeys/(?<cryptoKey>[A-Za-z0-9_-]{1,63})' +
    '/cryptoKeyVersions/(?<cryptoKeyVersion>[1-9][0-9]*)$',
);

/**
 * Parses a crypto key version resource name. Throws an Error naming the expected shape when
 * `name` is not one, for example when it names a key without its version.
 */
export function parseKeyVersionName(name: string): KeyVersionName {
  const groups = KEY_VERSION_NAME_PATTERN.exec(name)?.groups;
  if (groups === undefined) {
    throw new Error(`Invalid Cloud KMS key version name "${name}": expected ${EXPECTED_SHAPE}`);
  }

  return {
    project: groups['project'] as string,
    location: groups['location'] as string,
    keyRing: groups['keyRing'] as string,
    cryptoKey: groups['cryptoKey'] as string,
    cryptoKeyVersion: groups['cryptoKeyVersion'] as string,
  };
}
