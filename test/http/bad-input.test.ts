import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOTE_VECTORS, voteJson } from '../protocol/vectors.js';
import { post } from '../support/http-client.js';
import { startSigner, TEST_TOKEN, type StartedSigner } from '../support/start-signer.js';

let started: StartedSigner;

beforeAll(async () => {
  started = await startSigner({ ATTO_SIGNER_MAX_BODY_BYTES: '4096' });
});

afterAll(async () => {
  await started.stop();
});

const VOTE = voteJson(VOTE_VECTORS[0]!);

function withTimestamp(value: string): string {
  return `{"target":${VOTE.replace('"timestamp":1733000000123', `"timestamp":${value}`)}}`;
}

async function send(body: string | Buffer, contentType?: string, path = '/votes') {
  const headers: Record<string, string> = { authorization: TEST_TOKEN };
  if (contentType !== undefined) headers['content-type'] = contentType;
  const response = await fetch(`${started.apiUrl}${path}`, { method: 'POST', body, headers });
  return { status: response.status, body: (await response.json()) as { message?: string } };
}

describe('bad input over HTTP', () => {
  const CASES: ReadonlyArray<{ name: string; body: string | Buffer; contentType?: string; status: number; message: RegExp }> = [
    { name: 'rounded timestamp', body: withTimestamp('1.5'), contentType: 'application/json', status: 400, message: /target\.timestamp/ },
    { name: 'timestamp above i64', body: withTimestamp('9223372036854775808'), contentType: 'application/json', status: 400, message: /target\.timestamp/ },
    { name: 'missing target', body: '{}', contentType: 'application/json', status: 400, message: /target/ },
    { name: 'array body', body: '[]', contentType: 'application/json', status: 400, message: /body/ },
    { name: 'truncated JSON', body: '{"target":{', contentType: 'application/json', status: 400, message: /not valid JSON/ },
    { name: 'invalid UTF-8', body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), contentType: 'application/json', status: 400, message: /UTF-8/ },
    { name: 'deep nesting', body: '['.repeat(2000) + ']'.repeat(2000), contentType: 'application/json', status: 400, message: /body/ },
    { name: 'empty JSON body', body: '', contentType: 'application/json', status: 400, message: /./ },
    { name: 'text/plain body', body: VOTE, contentType: 'text/plain', status: 415, message: /Content-Type: application\/json/ },
    { name: 'body over the limit', body: `{"target":"${'A'.repeat(5000)}"}`, contentType: 'application/json', status: 413, message: /too large/ },
    { name: 'charset parameter accepted', body: `{"target":${VOTE}}`, contentType: 'application/json; charset=utf-8', status: 200, message: /^$/ },
  ];

  for (const { name, body, contentType, status, message } of CASES) {
    it(name, async () => {
      const response = await send(body, contentType);

      expect(response.status).toBe(status);
      if (status !== 200) expect(response.body.message).toMatch(message);
    });
  }

  it('unknown route is 404', async () => {
    const response = await post(`${started.apiUrl}/signatures`, '{}');

    expect(response.status).toBe(404);
    expect(response.body.message).toBe('no route for POST /signatures');
  });

  it('wrong method is 404', async () => {
    const response = await fetch(`${started.apiUrl}/votes`, { headers: { authorization: TEST_TOKEN } });

    expect(response.status).toBe(404);
  });

  it('never answers 500', async () => {
    const text = await (await fetch(`${started.managementUrl}/prometheus`)).text();

    expect(text).not.toMatch(/outcome="status_5/);
  });

  it('service still healthy afterwards', async () => {
    const response = await fetch(`${started.managementUrl}/health`);

    expect(response.status).toBe(200);
  });
});
