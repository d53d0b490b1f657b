import { REQUEST_SCHEMAS } from '../protocol/signing-requests.js';

const hexSignature = { type: 'string', pattern: '^[0-9A-F]{128}$', description: 'Ed25519 signature, upper-case hex' };
const errorBody = {
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string', description: 'what failed and, where it helps, what to do' } },
};

function errorResponse(description: string, retryAfter = false) {
  return {
    description,
    ...(retryAfter ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds to wait before retrying' } } } : {}),
    content: { 'application/json': { schema: errorBody } },
  };
}

const SIGNING_ERRORS = {
  400: errorResponse('invalid body; the message names the field'),
  401: errorResponse('missing or invalid token'),
  403: errorResponse('capability not granted'),
  413: errorResponse('body too large'),
  415: errorResponse('body is not application/json'),
  429: errorResponse('signing queue full', true),
  503: errorResponse('not ready, circuit open, deadline passed, backend failed or shutting down', true),
};

function signingOperation(summary: string, capability: string, schema: Record<string, unknown>) {
  return {
    post: {
      summary,
      description: `Needs the ${capability} capability.`,
      security: [{ token: [] }],
      requestBody: { required: true, content: { 'application/json': { schema } } },
      responses: {
        200: {
          description: 'the signature',
          content: { 'application/json': { schema: { type: 'object', required: ['signature'], properties: { signature: hexSignature } } } },
        },
        ...SIGNING_ERRORS,
      },
    },
  };
}

/**
 * Builds the OpenAPI 3.1 document of the API port. Request bodies use the JSON Schemas of the same
 * field readers that parse them, so the document cannot drift from what the routes accept.
 */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'atto-signer',
      version,
      description: 'Remote signer for Atto voter nodes. Integers above 2^53 are exact in requests; read them losslessly.',
    },
    components: {
      securitySchemes: {
        token: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'the token, raw or as "Bearer <token>"' },
      },
    },
    paths: {
      '/public-keys': {
        get: {
          summary: 'Public key of the signer',
          responses: {
            200: {
              description: 'the Ed25519 public key',
              content: {
                'application/json': {
                  schema: { type: 'object', required: ['publicKey'], properties: { publicKey: { type: 'string', pattern: '^[0-9A-F]{64}$' } } },
                },
              },
            },
            503: errorResponse('public key not loaded yet', true),
          },
        },
      },
      '/blocks': signingOperation('Sign a block', 'BLOCK', REQUEST_SCHEMAS.blocks),
      '/votes': signingOperation('Sign a vote', 'VOTE', REQUEST_SCHEMAS.votes),
      '/challenges': signingOperation('Sign a peer handshake challenge', 'CHALLENGE', REQUEST_SCHEMAS.challenges),
      '/openapi.json': {
        get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1 document', content: { 'application/json': {} } } } },
      },
    },
  };
}
