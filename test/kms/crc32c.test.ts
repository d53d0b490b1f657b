import { describe, expect, it } from 'vitest';

import { crc32c } from '../../src/kms/gcp/crc32c.js';

describe('crc32c', () => {
  // Check value from the CRC catalogue (CRC-32/ISCSI) and the RFC 3720 appendix B.4 vectors.
  it.each([
    ['123456789 check value', new TextEncoder().encode('123456789'), 0xe3069283],
    ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
    ['32 bytes of 0xFF', new Uint8Array(32).fill(0xff), 0x62a8ab43],
    ['bytes 0 to 31', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
    ['empty input', new Uint8Array(), 0],
  ])('matches %s', (_name, data, expected) => {
    expect(crc32c(data)).toBe(expected);
  });

  it('hashes strings as UTF-8', () => {
    expect(crc32c('123456789')).toBe(0xe3069283);
  });
});
