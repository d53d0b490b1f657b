import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

const BEARER_PREFIX = /^bearer\s+/i;

/**
 * Checks `Authorization` headers against the configured token: the raw token (what the node
 * sends) or `Bearer <token>`. Both sides are hashed first, so the comparison takes the same
 * time whatever the header's length or content.
 */
export class TokenAuth {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  accepts(header: string | undefined): boolean {
    if (header === undefined) return false;
    const presented = BEARER_PREFIX.test(header) ? header.replace(BEARER_PREFIX, '') : header;
    return timingSafeEqual(digest(presented), this.expected);
  }
}
