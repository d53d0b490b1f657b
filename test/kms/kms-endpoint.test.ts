import { describe, expect, it } from 'vitest';

import { parseKmsEndpoint } from '../../src/kms/gcp/kms-endpoint.js';

describe('parseKmsEndpoint', () => {
  it.each([
    ['127.0.0.1:9000', '127.0.0.1', 9000, true],
    ['127.8.9.10:1', '127.8.9.10', 1, true],
    ['localhost:443', 'localhost', 443, true],
    ['LOCALHOST:443', 'LOCALHOST', 443, true],
    ['[::1]:9000', '[::1]', 9000, true],
    ['[0:0:0:0:0:0:0:1]:9000', '[0:0:0:0:0:0:0:1]', 9000, true],
    ['cloudkms.googleapis.com:443', 'cloudkms.googleapis.com', 443, false],
    ['128.0.0.1:443', '128.0.0.1', 443, false],
    ['[2001:db8::1]:443', '[2001:db8::1]', 443, false],
    ['localhost.example.com:443', 'localhost.example.com', 443, false],
  ])('parses %s', (endpoint, host, port, isLoopback) => {
    expect(parseKmsEndpoint(endpoint)).toEqual({ host, port, isLoopback });
  });

  it.each(['cloudkms.googleapis.com', 'host:', ':443', 'host:0', 'host:65536', 'https://host:443', '::1:9000', ''])(
    'rejects %s',
    (endpoint) => {
      expect(() => parseKmsEndpoint(endpoint)).toThrow('expected host:port');
    },
  );
});
