import { describe, expect, it } from 'vitest';

import { parseKeyVersionName } from '../../src/kms/gcp/key-version-name.js';

const VALID = 'projects/atto-prod/locations/europe-west1/keyRings/voters/cryptoKeys/voter-1/cryptoKeyVersions/3';

describe('parseKeyVersionName', () => {
  it('parses a full version name', () => {
    expect(parseKeyVersionName(VALID)).toEqual({
      project: 'atto-prod',
      location: 'europe-west1',
      keyRing: 'voters',
      cryptoKey: 'voter-1',
      cryptoKeyVersion: '3',
    });
  });

  it.each([
    'projects/123456789/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1',
    'projects/example.com:atto/locations/us/keyRings/Ring_1/cryptoKeys/Key-2/cryptoKeyVersions/10',
  ])('accepts %s', (name) => {
    expect(() => parseKeyVersionName(name)).not.toThrow();
  });

  it.each([
    ['empty string', ''],
    ['key without version', 'projects/p/locations/l/keyRings/r/cryptoKeys/k'],
    ['version zero', 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/0'],
    ['non-numeric version', 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/latest'],
    ['leading slash', '/projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'],
    ['trailing slash', 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1/'],
    ['extra segment', 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1/publicKey'],
    ['lower-case collection', 'projects/p/locations/l/keyrings/r/cryptokeys/k/cryptoKeyVersions/1'],
    ['empty key ring', 'projects/p/locations/l/keyRings//cryptoKeys/k/cryptoKeyVersions/1'],
    ['surrounding spaces', ' projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1 '],
    ['key ID over 63 characters', `projects/p/locations/l/keyRings/r/cryptoKeys/${'k'.repeat(64)}/cryptoKeyVersions/1`],
  ])('rejects %s', (_case, name) => {
    expect(() => parseKeyVersionName(name)).toThrow(
      'expected projects/PROJECT/locations/LOCATION/keyRings/KEY_RING/cryptoKeys/KEY/cryptoKeyVersions/VERSION',
    );
  });
});
