import { parse } from 'lossless-json';

/** A JSON number kept as its source text, so that u64 and i64 values are never rounded. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

function keepNumberText(text: string): JsonNumber {
  return new JsonNumber(text);
}

/** Thrown for a body that is not valid JSON; the message is safe to return to the caller. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses a request body losslessly: every number becomes a JsonNumber holding its text.
 * Rejects invalid UTF-8, invalid JSON and keys repeated with different values.
 */
export function parseJsonBody(body: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new JsonSyntaxError('request body is not valid UTF-8');
  }

  try {
    return parse(text, null, { parseNumber: keepNumberText });
  } catch (error) {
    // Deep nesting can exhaust the stack (RangeError); it is still only bad input.
    const reason = error instanceof SyntaxError ? error.message : 'nesting is too deep';
    throw new JsonSyntaxError(`request body is not valid JSON: ${reason}`);
  }
}
