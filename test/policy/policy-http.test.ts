import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VECTOR_PRIVATE_KEY } from '../protocol/vectors.js';
import { ControllableBackend } from '../support/controllable-backend.js';
import { post, type TestResponse } from '../support/http-client.js';
import { eventually, healthState, startSigner, TEST_TOKEN, type StartedSigner } from '../support/start-signer.js';
import {
  bodyText,
  bodyVariantArbitrary,
  modelDecision,
  OTHER_PUBLIC_KEY,
  requestArbitrary,
  ROUTE_BY_KIND,
  SIGNER_PUBLIC_KEY,
  statusOf,
  VALID_SEND_BLOCK,
  variantBodyText,
  type GeneratedRequest,
  type ModelSettings,
} from './request-model.js';

// The signer under test allows LIVE and BETA blocks and keeps the default 60 s clock skew. The
// signature cache is off, so that every accepted request is exactly one backend call.
const SETTINGS: ModelSettings = { networks: new Set(['LIVE', 'BETA']), maxClockSkewMs: 60_000n };
const ENV = { ATTO_SIGNER_NETWORKS: 'live, beta', ATTO_SIGNER_SIGNATURE_CACHE_SIZE: '0' };

// Requests over HTTP keep every relative timestamp at least 30 s from a boundary, because the
// signer reads its clock a few milliseconds after the test builds the body.
const HTTP_ARBITRARY_OPTIONS = { precision: 'coarse', maxClockSkewMs: SETTINGS.maxClockSkewMs, maxChallengeBytes: 1100 } as const;

/** The largest body the test sends; the signer's default limit is 4096 bytes. */
const MAX_TEST_BODY_BYTES = 4000;

let started: StartedSigner;
let backend: ControllableBackend;

beforeAll(async () => {
  backend = new ControllableBackend(Buffer.from(VECTOR_PRIVATE_KEY, 'hex'));
  started = await startSigner(ENV, backend);
  expect(await eventually(async () => (await healthState(started.managementUrl)).state === 'ready')).toBe(true);
});

afterAll(async () => {
  await started.stop();
});

function now(): bigint {
  return BigInt(Date.now());
}

async function send(request: GeneratedRequest, body: string): Promise<TestResponse> {
  return post(`${started.apiUrl}${ROUTE_BY_KIND[request.kind]}`, body);
}

async function metricsText(): Promise<string> {
  return (await fetch(`${started.managementUrl}/prometheus`)).text();
}

const relative = (value: bigint) => ({ relativeToNow: true, value });

const VOTE = {
  kind: 'vote',
  version: 0n,
  algorithm: 'V1',
  blockAlgorithm: 'V1',
  publicKey: SIGNER_PUBLIC_KEY,
  blockHash: 'BB'.repeat(32),
  timestamp: relative(0n),
} as const;
const BLOCK = VALID_SEND_BLOCK;
const CHALLENGE = { kind: 'challenge', length: 64, fill: 0, timestamp: relative(0n) } as const;

/** One rejected request per rule that a parsed request can break. */
const REJECTED: ReadonlyArray<{ name: string; request: GeneratedRequest; rule: string; status: number }> = [
  { name: 'vote of another key', request: { ...VOTE, publicKey: OTHER_PUBLIC_KEY }, rule: 'key_match', status: 403 },
  { name: 'block of another key', request: { ...BLOCK, publicKey: OTHER_PUBLIC_KEY }, rule: 'key_match', status: 403 },
  { name: 'block on DEV', request: { ...BLOCK, network: 'DEV' }, rule: 'network', status: 403 },
  { name: 'vote version 1', request: { ...VOTE, version: 1n }, rule: 'version', status: 400 },
  { name: 'vote 10 minutes ahead', request: { ...VOTE, timestamp: relative(600_000n) }, rule: 'timestamp', status: 400 },
  { name: 'block 10 minutes ahead', request: { ...BLOCK, timestamp: relative(600_000n) }, rule: 'timestamp', status: 400 },
  { name: 'challenge 10 minutes old', request: { ...CHALLENGE, timestamp: relative(-600_000n) }, rule: 'timestamp', status: 400 },
  { name: 'challenge of 63 bytes', request: { ...CHALLENGE, length: 63 }, rule: 'challenge_length', status: 400 },
  { name: 'challenge of 1025 bytes', request: { ...CHALLENGE, length: 1025 }, rule: 'challenge_length', status: 400 },
  { name: 'RECEIVE at height 1', request: { ...BLOCK, type: 'RECEIVE', height: 1n }, rule: 'block_validity', status: 400 },
];

describe('policy rejections over HTTP', () => {
  for (const { name, request, rule, status } of REJECTED) {
    it(`${name} is ${rule}`, async () => {
      const callsBefore = backend.signCalls;
      const response = await send(request, bodyText(request, now()));

      expect(response.status).toBe(status);
      expect(response.body.message).toContain(`rejected by signing policy (${rule})`);
      expect(backend.signCalls).toBe(callsBefore);
    });
  }

  it('counts rejections by rule', async () => {
    const text = await metricsText();
    const expected = new Map<string, number>();
    for (const { rule } of REJECTED) expected.set(rule, (expected.get(rule) ?? 0) + 1);

    for (const [rule, count] of expected) {
      expect(text).toContain(`atto_signer_policy_rejections_total{rule="${rule}"} ${count}`);
    }
  });

  it('logs rejections at warn', () => {
    const records = started.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => record.msg === 'signing request rejected by policy');
    const first = records[0];

    // One warning per second at most; the rest are counted in the next warning's `suppressed`.
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThanOrEqual(REJECTED.length);
    expect(records.every((record) => record.level === 40)).toBe(true);
    expect(first?.kind).toBe('vote');
    expect(first?.rule).toBe(REJECTED[0]!.rule);
    expect(first?.hash).toMatch(/^[0-9A-F]{64}$/);
    expect(first?.reason).toContain(OTHER_PUBLIC_KEY);
    expect(first?.suppressed).toBe(0);
  });

  it('logs never contain the token', () => {
    expect(started.logs.join('')).not.toContain(TEST_TOKEN);
  });

  it('error bodies carry only message', async () => {
    const response = await send(REJECTED[0]!.request, bodyText(REJECTED[0]!.request, now()));

    expect(Object.keys(response.body)).toEqual(['message']);
  });
});

describe('policy properties over HTTP', () => {
  it('statuses match the model', async () => {
    await fc.assert(
      fc.asyncProperty(requestArbitrary(HTTP_ARBITRARY_OPTIONS), async (request) => {
        const nowMs = now();
        const decision = modelDecision(request, nowMs, SETTINGS);
        const callsBefore = backend.signCalls;

        const response = await send(request, bodyText(request, nowMs));

        expect(response.status).toBe(statusOf(decision));
        if (decision !== 'accepted' && decision !== 'invalid') {
          expect(response.body.message).toContain(`(${decision})`);
        }
        // A rejected request never reaches the backend; an accepted one is exactly one call.
        expect(backend.signCalls - callsBefore).toBe(decision === 'accepted' ? 1 : 0);
      }),
      { numRuns: 150 },
    );
  });

  it('variants keep status and signature', async () => {
    await fc.assert(
      fc.asyncProperty(requestArbitrary(HTTP_ARBITRARY_OPTIONS), bodyVariantArbitrary, async (request, variant) => {
        const nowMs = now();
        const variantBody = variantBodyText(request, nowMs, variant);
        fc.pre(Buffer.byteLength(variantBody) <= MAX_TEST_BODY_BYTES);

        const canonical = await send(request, bodyText(request, nowMs));
        const varied = await send(request, variantBody);

        expect(varied.status).toBe(canonical.status);
        expect(varied.body.signature).toBe(canonical.body.signature);
      }),
      { numRuns: 60 },
    );
  });
});

describe('capability rule over HTTP', () => {
  let voteOnly: StartedSigner;
  let voteOnlyBackend: ControllableBackend;

  beforeAll(async () => {
    voteOnlyBackend = new ControllableBackend(Buffer.from(VECTOR_PRIVATE_KEY, 'hex'));
    voteOnly = await startSigner({ ATTO_SIGNER_CAPABILITIES: 'VOTE' }, voteOnlyBackend);
  });

  afterAll(async () => {
    await voteOnly.stop();
  });

  it('block rejected without BLOCK', async () => {
    const response = await post(`${voteOnly.apiUrl}/blocks`, bodyText(BLOCK, now()));

    expect(response.status).toBe(403);
    expect(response.body.message).toContain('rejected by signing policy (capability)');
    expect(voteOnlyBackend.signCalls).toBe(0);
  });

  it('counts capability rejections', async () => {
    const text = await (await fetch(`${voteOnly.managementUrl}/prometheus`)).text();

    expect(text).toContain('atto_signer_policy_rejections_total{rule="capability"} 1');
  });

  it('logs capability rejection at warn', () => {
    const record = voteOnly.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((candidate) => candidate.rule === 'capability');

    expect(record?.level).toBe(40);
    expect(record?.kind).toBe('block');
  });
});
