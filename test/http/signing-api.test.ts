import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttoOracle, FINAL_VOTE_TIMESTAMP, type BlockFields } from '../support/atto-oracle.js';
import { get, post } from '../support/http-client.js';
import { startSigner, type StartedSigner } from '../support/start-signer.js';

// A key generated for this run; the official library signs with it as the oracle.
const seedHex = randomBytes(32).toString('hex').toUpperCase();
let oracle: AttoOracle;
let started: StartedSigner;

beforeAll(async () => {
  oracle = await AttoOracle.fromSeed(seedHex);
  started = await startSigner({ ATTO_SIGNER_KEY: seedHex });
});

afterAll(async () => {
  await started.stop();
});

const TWO_POW_53_PLUS_1 = 9_007_199_254_740_993n;
const MAX_AMOUNT = 18_000_000_000_000_000_000n;

const BLOCKS: ReadonlyArray<{ name: string; fields: BlockFields }> = [
  { name: 'OPEN with maximum balance', fields: { type: 'OPEN', balance: MAX_AMOUNT } },
  { name: 'RECEIVE above 2^53', fields: { type: 'RECEIVE', height: TWO_POW_53_PLUS_1, balance: TWO_POW_53_PLUS_1, network: 'BETA' } },
  {
    name: 'SEND above 2^53',
    fields: { type: 'SEND', height: TWO_POW_53_PLUS_1, balance: MAX_AMOUNT - 1n, amount: TWO_POW_53_PLUS_1, network: 'DEV' },
  },
  { name: 'CHANGE on LOCAL', fields: { type: 'CHANGE', height: 3n, balance: 1n, network: 'LOCAL' } },
];

describe('signing API over a real socket', () => {
  it('public key matches the library', async () => {
    const response = await get(`${started.apiUrl}/public-keys`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ publicKey: oracle.publicKeyHex() });
  });

  for (const { name, fields } of BLOCKS) {
    it(`signs ${name} block`, async () => {
      const request = await oracle.block(fields);
      const response = await post(`${started.apiUrl}/blocks`, request.json);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ signature: request.signatureHex });
    });
  }

  it('signs an ordinary vote', async () => {
    const request = await oracle.vote({ timestamp: BigInt(Date.now()) });
    const response = await post(`${started.apiUrl}/votes`, request.json);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ signature: request.signatureHex });
  });

  it('signs a final vote', async () => {
    const request = await oracle.finalVote();
    expect(request.json).toContain(`"timestamp":${FINAL_VOTE_TIMESTAMP}`);

    const response = await post(`${started.apiUrl}/votes`, request.json);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ signature: request.signatureHex });
  });

  for (const length of [64, 80]) {
    it(`signs a ${length}-byte challenge`, async () => {
      const request = await oracle.challenge(randomBytes(length), BigInt(Date.now()));
      const response = await post(`${started.apiUrl}/challenges`, request.json);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ signature: request.signatureHex });
    });
  }

  it('accepts lower-case hex', async () => {
    const request = await oracle.vote();
    const response = await post(`${started.apiUrl}/votes`, request.json.replace(/"([0-9A-F]{64})"/g, (_, hex: string) => `"${hex.toLowerCase()}"`));

    expect(response.body).toEqual({ signature: request.signatureHex });
  });

  it('counts signed requests in metrics', async () => {
    const text = await (await fetch(`${started.managementUrl}/prometheus`)).text();

    expect(text).toMatch(/atto_signer_requests_total\{kind="vote",outcome="signed"\} [1-9]/);
    expect(text).toMatch(/atto_signer_requests_total\{kind="block",outcome="signed"\} [1-9]/);
    expect(text).toMatch(/atto_signer_requests_total\{kind="challenge",outcome="signed"\} [1-9]/);
  });
});
