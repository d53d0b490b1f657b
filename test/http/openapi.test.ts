import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_VECTORS, CHALLENGE_TIMESTAMP, VOTE_VECTORS, vectorChallenge, voteJson } from '../protocol/vectors.js';
import { get, post } from '../support/http-client.js';
import { startSigner, type StartedSigner } from '../support/start-signer.js';

type Schema = { required?: string[]; properties?: Record<string, Schema>; oneOf?: Schema[] };
type Operation = { requestBody?: { content: { 'application/json': { schema: Schema } } } };
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>> };

let started: StartedSigner;
let document: OpenApi;

beforeAll(async () => {
  started = await startSigner();
  document = (await get(`${started.apiUrl}/openapi.json`)).body as unknown as OpenApi;
});

afterAll(async () => {
  await started.stop();
});

/** Every method and path the API server routes, read from Fastify's route tree. */
function servedRoutes(): string[] {
  const routes: string[] = [];
  for (const line of started.signer.api.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /(\/\S*) \(([A-Z, ]+)\)/.exec(line);
    if (!match) continue;
    for (const method of match[2]!.split(', ')) {
      if (method !== 'HEAD') routes.push(`${method} ${match[1]}`);
    }
  }
  return routes.sort();
}

const VALID_TARGETS: Record<string, string> = {
  '/blocks': `{"target":${BLOCK_VECTORS[1]!.json}}`,
  '/votes': `{"target":${voteJson(VOTE_VECTORS[0]!)}}`,
  '/challenges': `{"target":"${vectorChallenge(64).toString('hex')}","timestamp":${CHALLENGE_TIMESTAMP}}`,
};

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('documents exactly the served routes', () => {
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();

    expect(documented).toEqual(servedRoutes());
  });

  for (const path of Object.keys(VALID_TARGETS)) {
    it(`${path} requires what it documents`, async () => {
      const schema = document.paths[path]!.post!.requestBody!.content['application/json'].schema;
      const body = JSON.parse(VALID_TARGETS[path]!) as Record<string, unknown>;
      const targetSchema = schema.properties!.target!;
      // Blocks document one schema per type; the SEND vector is checked against SEND's.
      const targetRequired = targetSchema.oneOf?.find((option) => option.properties?.amount)?.required ?? targetSchema.required ?? [];

      expect(schema.required).toContain('target');
      for (const field of targetRequired) {
        const target = { ...(body.target as Record<string, unknown>) };
        delete target[field];
        const response = await post(`${started.apiUrl}${path}`, JSON.stringify({ ...body, target }));

        expect(response.status, field).toBe(400);
        expect(response.body.message, field).toContain(`target.${field}`);
      }
    });
  }
});
