// The benchmark's baseline: the least work that signs a vote or a challenge correctly. It
// checks the token, reads the body with the signer's own lossless parser and field readers
// from dist/, hashes it the same way and signs with Node's Ed25519. It runs on a bare node:http
// server with no framework, queue, breaker, metrics or logs. run-bench.ts transpiles this file
// and runs it with plain `node`, so that its CPU time and RSS are measured like the signer's.
//
// Settings come from the environment: BASELINE_DIST_DIR (the built dist/ folder),
// BASELINE_PORT, BASELINE_KEY (64 hex characters) and BASELINE_TOKEN.
import { sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Types come from src/, code from the built dist/, so the baseline runs what `npm start` runs.
type JsonModule = typeof import('../src/protocol/json.js');
type RequestsModule = typeof import('../src/protocol/signing-requests.js');
type VoteModule = typeof import('../src/protocol/vote.js');
type ChallengeModule = typeof import('../src/protocol/challenge.js');
type FieldsModule = typeof import('../src/protocol/fields.js');
type Ed25519Module = typeof import('../src/kms/ed25519.js');
type TokenAuthModule = typeof import('../src/http/token-auth.js');

/** Largest body read, the signer's default ATTO_SIGNER_MAX_BODY_BYTES. */
const MAX_BODY_BYTES = 4096;

function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    process.stderr.write(`baseline-server: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
}

const distDir = requireEnv('BASELINE_DIST_DIR');
const port = Number(requireEnv('BASELINE_PORT'));
const seed = Buffer.from(requireEnv('BASELINE_KEY'), 'hex');
const token = requireEnv('BASELINE_TOKEN');

async function importDist<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(distDir, path)).href)) as T;
}

const { parseJsonBody, JsonSyntaxError } = await importDist<JsonModule>('protocol/json.js');
const { readVoteRequest, readChallengeRequest } = await importDist<RequestsModule>('protocol/signing-requests.js');
const { hashVote } = await importDist<VoteModule>('protocol/vote.js');
const { challengeMessage } = await importDist<ChallengeModule>('protocol/challenge.js');
const { InvalidFieldError } = await importDist<FieldsModule>('protocol/fields.js');
const { privateKeyFromSeed, rawPublicKey } = await importDist<Ed25519Module>('kms/ed25519.js');
const { TokenAuth } = await importDist<TokenAuthModule>('http/token-auth.js');

const privateKey = privateKeyFromSeed(seed);
const publicKey = rawPublicKey(privateKey);
const auth = new TokenAuth(token);

function sendJson(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Returns the message to sign for a signing route, or undefined for any other path. */
function messageFor(path: string, body: unknown): Uint8Array | undefined {
  if (path === '/votes') {
    return hashVote(readVoteRequest(body).vote);
  }
  if (path === '/challenges') {
    const { challenge, timestamp } = readChallengeRequest(body);
    return challengeMessage(publicKey, challenge, timestamp);
  }
  return undefined;
}

function handleSigning(request: IncomingMessage, response: ServerResponse, chunks: Buffer[]): void {
  let message: Uint8Array | undefined;
  try {
    message = messageFor(request.url ?? '', parseJsonBody(Buffer.concat(chunks)));
  } catch (error) {
    if (error instanceof JsonSyntaxError || error instanceof InvalidFieldError) {
      sendJson(response, 400, { message: error.message });
      return;
    }
    throw error;
  }

  if (message === undefined) {
    sendJson(response, 404, { message: `no route for POST ${request.url}` });
    return;
  }
  const signature = sign(null, message, privateKey);
  sendJson(response, 200, { signature: signature.toString('hex').toUpperCase() });
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/health') {
    sendJson(response, 200, { status: 'UP' });
    return;
  }
  if (request.method !== 'POST') {
    sendJson(response, 404, { message: `no route for ${request.method} ${request.url}` });
    return;
  }
  if (!auth.accepts(request.headers.authorization)) {
    sendJson(response, 401, { message: 'missing or invalid token in the Authorization header' });
    return;
  }
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
    sendJson(response, 415, { message: 'body must be application/json' });
    return;
  }

  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  request.on('end', () => {
    if (size > MAX_BODY_BYTES) {
      sendJson(response, 413, { message: `body is larger than ${MAX_BODY_BYTES} bytes` });
      return;
    }
    handleSigning(request, response, chunks);
  });
});

server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
