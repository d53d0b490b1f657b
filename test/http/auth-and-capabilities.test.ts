import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_VECTORS, VOTE_VECTORS, vectorChallenge, voteJson } from '../protocol/vectors.js';
import { get, post } from '../support/http-client.js';
import { startSigner, TEST_TOKEN, type StartedSigner } from '../support/start-signer.js';

const BODIES = {
  blocks: `{"target":${BLOCK_VECTORS[0]!.json}}`,
  votes: `{"target":${voteJson(VOTE_VECTORS[0]!)}}`,
  // The signing policy accepts only challenges timestamped near the signer's clock.
  get challenges() {
    return `{"target":"${vectorChallenge(64).toString('hex')}","timestamp":${Date.now()}}`;
  },
};
const ROUTES = Object.keys(BODIES) as Array<keyof typeof BODIES>;
const JSON_TYPE = { 'content-type': 'application/json' };

describe('token authentication', () => {
  let started: StartedSigner;
  beforeAll(async () => {
    started = await startSigner();
  });
  afterAll(async () => {
    await started.stop();
  });

  const CASES: ReadonlyArray<{ name: string; headers: Record<string, string>; status: number }> = [
    { name: 'raw token', headers: { authorization: TEST_TOKEN }, status: 200 },
    { name: 'Bearer token', headers: { authorization: `Bearer ${TEST_TOKEN}` }, status: 200 },
    { name: 'lower-case bearer', headers: { authorization: `bearer ${TEST_TOKEN}` }, status: 200 },
    { name: 'wrong token', headers: { authorization: `${TEST_TOKEN}x` }, status: 401 },
    { name: 'token prefix only', headers: { authorization: TEST_TOKEN.slice(0, 10) }, status: 401 },
    { name: 'Bearer wrong token', headers: { authorization: 'Bearer nope' }, status: 401 },
    { name: 'missing header', headers: {}, status: 401 },
  ];

  for (const { name, headers, status } of CASES) {
    for (const route of ROUTES) {
      it(`${name} on /${route}`, async () => {
        const response = await post(`${started.apiUrl}/${route}`, BODIES[route], { ...JSON_TYPE, ...headers });

        expect(response.status).toBe(status);
        if (status === 401) expect(response.body).toEqual({ message: 'missing or invalid token in the Authorization header' });
      });
    }
  }

  it('public key needs no token', async () => {
    const response = await get(`${started.apiUrl}/public-keys`);

    expect(response.status).toBe(200);
  });

  it('logs never contain the token', () => {
    expect(started.logs.join('')).not.toContain(TEST_TOKEN);
  });
});

describe('capabilities', () => {
  const CAPABILITY_BY_ROUTE = { blocks: 'BLOCK', votes: 'VOTE', challenges: 'CHALLENGE' } as const;

  for (const route of ROUTES) {
    const missing = CAPABILITY_BY_ROUTE[route];
    const granted = Object.values(CAPABILITY_BY_ROUTE).filter((capability) => capability !== missing);

    it(`/${route} refused without ${missing}`, async () => {
      const started = await startSigner({ ATTO_SIGNER_CAPABILITIES: granted.join(',').toLowerCase() });
      try {
        const refused = await post(`${started.apiUrl}/${route}`, BODIES[route]);
        const others = await Promise.all(
          ROUTES.filter((other) => other !== route).map((other) => post(`${started.apiUrl}/${other}`, BODIES[other])),
        );

        expect(refused.status).toBe(403);
        expect(refused.body.message).toContain(missing);
        expect(others.map((response) => response.status)).toEqual([200, 200]);
      } finally {
        await started.stop();
      }
    });
  }

  it('wrong token beats missing capability', async () => {
    const started = await startSigner({ ATTO_SIGNER_CAPABILITIES: 'VOTE' });
    try {
      const response = await post(`${started.apiUrl}/blocks`, BODIES.blocks, { ...JSON_TYPE, authorization: 'nope' });

      expect(response.status).toBe(401);
    } finally {
      await started.stop();
    }
  });
});
