import fc from 'fast-check';
import { LosslessNumber, parse, stringify } from 'lossless-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, healthState, startSigner, TEST_TOKEN, type StartedSigner } from '../support/start-signer.js';
import { post } from '../support/http-client.js';
import { bodyText, NOW, ROUTE_BY_KIND, SIGNER_PUBLIC_KEY, VALID_SEND_BLOCK, type GeneratedRequest } from './request-model.js';

let started: StartedSigner;

beforeAll(async () => {
  started = await startSigner();
  expect(await eventually(async () => (await healthState(started.managementUrl)).state === 'ready')).toBe(true);
});

afterAll(async () => {
  await started.stop();
});

/** Requests the signer accepts, one per kind and block type; each mutation starts from one of them. */
const VALID_REQUESTS: readonly GeneratedRequest[] = [
  ...(['OPEN', 'RECEIVE', 'SEND', 'CHANGE'] as const).map((type): GeneratedRequest => ({ ...VALID_SEND_BLOCK, type })),
  { kind: 'vote', version: 0n, algorithm: 'V1', blockAlgorithm: 'V1', publicKey: SIGNER_PUBLIC_KEY, blockHash: 'BB'.repeat(32), timestamp: NOW },
  { kind: 'challenge', length: 64, fill: 3, timestamp: NOW },
];

type JsonTree = Record<string, unknown> | unknown[];

/** Paths (lists of keys) of every value inside `value`, excluding the root. */
function valuePaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || value instanceof LosslessNumber) return [];
  return Object.entries(value).flatMap(([key, child]) => [[...prefix, key], ...valuePaths(child, [...prefix, key])]);
}

/** Returns `text` with the value at `path` replaced by the JSON text `replacement`. */
function replacedAt(text: string, path: readonly string[], replacement: string): string {
  const root = parse(text) as JsonTree;
  let parent = root as Record<string, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;

  // A unique placeholder string is swapped for the raw replacement text after serialization.
  const placeholder = '\u0000replacement\u0000';
  parent[path[path.length - 1]!] = placeholder;
  return (stringify(root) ?? '').replace(JSON.stringify(placeholder), replacement);
}

/** A mutation of a valid body that must make it invalid. */
type Mutation = (body: string) => fc.Arbitrary<string | Buffer>;

function pathOf(body: string): fc.Arbitrary<string[]> {
  return fc.constantFrom(...valuePaths(parse(body)));
}

const truncation: Mutation = (body) => fc.integer({ min: 0, max: body.length - 1 }).map((length) => body.slice(0, length));

/** Values of another JSON type than any signed field (the hex strings and integers) has. */
const typeChange: Mutation = (body) =>
  fc
    .tuple(pathOf(body), fc.constantFrom('true', 'false', 'null', '[]', '{}', '[1,2]', '{"a":1}', '1.5', '"not hex"', '""'))
    .map(([path, replacement]) => replacedAt(body, path, replacement));

/** Numbers outside the range of every signed field: above u64, below i64, or not integers. */
const hugeNumber: Mutation = (body) =>
  fc
    .tuple(
      pathOf(body),
      fc.oneof(
        fc.integer({ min: 20, max: 1500 }).map((digits) => '9'.repeat(digits)),
        fc.integer({ min: 20, max: 1500 }).map((digits) => `-${'9'.repeat(digits)}`),
        fc.constantFrom('1e999999', '-1e-999999', '1E+400', '-0', '0.0', '18446744073709551616', '-9223372036854775809', '1e2'),
      ),
    )
    .map(([path, replacement]) => replacedAt(body, path, replacement));

const deepNesting: Mutation = (body) =>
  fc
    .tuple(pathOf(body), fc.integer({ min: 50, max: 3000 }), fc.boolean())
    .map(([path, depth, arrays]) =>
      replacedAt(body, path, arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
    );

/** Bytes that are never valid UTF-8 where they are inserted: the body is ASCII, so every position is a character boundary. */
const INVALID_UTF8 = [[0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff], [0xfe, 0xff]];

const invalidUtf8: Mutation = (body) =>
  fc.tuple(fc.integer({ min: 0, max: body.length }), fc.constantFrom(...INVALID_UTF8)).map(([position, bytes]) => {
    const text = Buffer.from(body);
    return Buffer.concat([text.subarray(0, position), Buffer.from(bytes), text.subarray(position)]);
  });

/** Repeats a member of the object that contains the signed fields, with a different value. */
const duplicateKey: Mutation = (body) => {
  const root = parse(body) as Record<string, unknown>;
  const holder = typeof root.target === 'object' ? (root.target as Record<string, unknown>) : root;
  const keys = Object.keys(holder);
  const openingBrace = typeof root.target === 'object' ? body.indexOf('{', 1) : 0;

  return fc
    .tuple(fc.constantFrom(...keys), fc.constantFrom('"other"', '0', '1', 'null', '{}'))
    .filter(([key, value]) => stringify(holder[key]) !== value)
    .map(([key, value]) => `${body.slice(0, openingBrace + 1)}${JSON.stringify(key)}:${value},${body.slice(openingBrace + 1)}`);
};

const MUTATIONS = { truncation, typeChange, hugeNumber, deepNesting, invalidUtf8, duplicateKey };

const mutatedArbitrary = fc
  .tuple(fc.constantFrom(...VALID_REQUESTS), fc.constantFrom(...(Object.keys(MUTATIONS) as Array<keyof typeof MUTATIONS>)))
  .chain(([request, mutation]) => {
    const body = bodyText(request, BigInt(Date.now()));
    return MUTATIONS[mutation](body).map((mutated) => ({ request, mutation, mutated }));
  });

async function postRaw(request: GeneratedRequest, body: string | Buffer): Promise<{ status: number; text: string }> {
  const response = await fetch(`${started.apiUrl}${ROUTE_BY_KIND[request.kind]}`, {
    method: 'POST',
    body,
    headers: { authorization: TEST_TOKEN, 'content-type': 'application/json' },
  });
  return { status: response.status, text: await response.text() };
}

describe('malformed bodies over HTTP', () => {
  it('valid bodies are signed', async () => {
    for (const request of VALID_REQUESTS) {
      const response = await post(`${started.apiUrl}${ROUTE_BY_KIND[request.kind]}`, bodyText(request, BigInt(Date.now())));

      expect(response.status, `${request.kind} ${'type' in request ? request.type : ''}`).toBe(200);
    }
  });

  it('mutations always return 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedArbitrary, async ({ request, mutated }) => {
        const response = await postRaw(request, mutated);
        const body = JSON.parse(response.text) as Record<string, unknown>;

        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(Object.keys(body)).toEqual(['message']);
        expect(response.text).not.toMatch(/\n\s+at |node_modules|src\//);
      }),
      { numRuns: 300 },
    );
  });

  it('prototype keys are ignored', async () => {
    const request = VALID_REQUESTS[4]!;
    const canonical = bodyText(request, BigInt(Date.now()));
    const withPrototypeKeys = canonical.replace('{"version"', '{"__proto__":{"publicKey":"00"},"constructor":{"name":1},"version"');

    const expected = await post(`${started.apiUrl}/votes`, canonical);
    const response = await post(`${started.apiUrl}/votes`, withPrototypeKeys);

    expect(withPrototypeKeys).toContain('__proto__');
    expect(response.body).toEqual(expected.body);
  });

  it('never returns 5xx', async () => {
    const text = await (await fetch(`${started.managementUrl}/prometheus`)).text();

    expect(text).not.toMatch(/outcome="status_5/);
    expect(text).not.toMatch(/outcome="(?:backend|deadline|not_ready|circuit_open|stopping)"/);
  });

  it('service still ready afterwards', async () => {
    const health = await healthState(started.managementUrl);

    expect(health.state).toBe('ready');
  });
});
