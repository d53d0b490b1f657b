import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Capability } from '../config/signer-config.js';
import { RepeatLimiter } from '../log/repeat-limiter.js';
import type { SignerMetrics } from '../metrics/signer-metrics.js';
import type { SigningPipeline } from '../pipeline/signing-pipeline.js';
import { checkCapability } from '../policy/capability.js';
import { type PolicyViolation, PolicyViolationError } from '../policy/policy-rules.js';
import { checkBlockPolicy, checkChallengePolicy, checkVotePolicy, type PolicySettings } from '../policy/signing-policy.js';
import { hashBlock } from '../protocol/block.js';
import { challengeMessage } from '../protocol/challenge.js';
import { readBlockRequest, readChallengeRequest, readVoteRequest } from '../protocol/signing-requests.js';
import { hashVote } from '../protocol/vote.js';
import { outcomeOf, sendError } from './error-replies.js';
import type { TokenAuth } from './token-auth.js';

export interface SigningRoutesOptions {
  readonly pipeline: SigningPipeline;
  readonly auth: TokenAuth;
  readonly capabilities: ReadonlySet<Capability>;
  readonly metrics: SignerMetrics;
  readonly policy: PolicySettings;
  /** Milliseconds since the epoch, for the policy's time rules. */
  readonly clock: () => number;
}

/** Route settings read by the hooks: what the route needs and how it is metered. */
interface SigningRouteConfig {
  readonly capability: Capability;
  readonly kind: 'block' | 'vote' | 'challenge';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    capability?: Capability;
    kind?: 'block' | 'vote' | 'challenge';
  }
}

const signatureResponse = {
  200: {
    type: 'object',
    required: ['signature'],
    properties: { signature: { type: 'string', description: 'Ed25519 signature, 128 upper-case hex characters' } },
  },
} as const;

const REJECTION_LOG_INTERVAL_MS = 1000;

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/**
 * The node-facing API: `GET /public-keys` and the three signing routes. Each signing route
 * reads as: check token and capability, parse, hash, check the signing policy, sign through
 * the pipeline, reply.
 */
export async function signingRoutes(app: FastifyInstance, options: SigningRoutesOptions): Promise<void> {
  const { pipeline, auth, capabilities, metrics, policy, clock } = options;

  // A caller that keeps sending rejected requests gets one warning per interval. The metric
  // counts every rejection, and each warning carries the count of the ones not logged.
  const rejectionLog = new RepeatLimiter(REJECTION_LOG_INTERVAL_MS);

  /** Counts and logs a policy rejection; `hash` is the message that would have been signed. */
  function recordRejection(request: FastifyRequest, violation: PolicyViolation, hash: Uint8Array | undefined): void {
    metrics.policyRejections.inc({ rule: violation.rule });
    const suppressed = rejectionLog.take();
    if (suppressed === undefined) return;

    const kind = (request.routeOptions.config as Partial<SigningRouteConfig>).kind;
    request.log.warn(
      {
        requestId: request.id,
        kind,
        rule: violation.rule,
        hash: hash === undefined ? undefined : toHex(hash),
        reason: violation.message,
        suppressed,
      },
      'signing request rejected by policy',
    );
  }

  /** Throws a PolicyViolationError (400 or 403) when `violation` is set, after recording it. */
  function enforcePolicy(request: FastifyRequest, violation: PolicyViolation | undefined, hash: Uint8Array): void {
    if (violation === undefined) return;
    recordRejection(request, violation, hash);
    throw new PolicyViolationError(violation);
  }

  // Token and capability are checked before the body is read, so an unauthorized caller
  // costs no parsing. GET /public-keys needs no token, as in the reference signer.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config as Partial<SigningRouteConfig>;
    if (config.capability === undefined) return;

    if (!auth.accepts(request.headers.authorization)) {
      return sendError(reply, 401, 'missing or invalid token in the Authorization header');
    }
    const capabilityViolation = checkCapability(capabilities, config.capability);
    if (capabilityViolation !== undefined) {
      recordRejection(request, capabilityViolation, undefined);
      return sendError(reply, capabilityViolation.status, capabilityViolation.message);
    }
  });

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const kind = (request.routeOptions.config as Partial<SigningRouteConfig>).kind;
    if (kind === undefined) return;

    const labels = { kind, outcome: outcomeOf(reply) };
    metrics.requests.inc(labels);
    metrics.requestDuration.observe(labels, reply.elapsedTime / 1000);
  });

  app.get('/public-keys', async (_request, reply) => {
    return reply.send({ publicKey: toHex(pipeline.loadedPublicKey()) });
  });

  app.post('/blocks', { config: { capability: 'BLOCK', kind: 'block' }, schema: { response: signatureResponse } }, async (request) => {
    const { block } = readBlockRequest(request.body);
    const publicKey = pipeline.admit();
    const hash = hashBlock(block);
    enforcePolicy(request, checkBlockPolicy(block, publicKey, policy, BigInt(clock())), hash);
    return { signature: toHex(await pipeline.sign(hash)) };
  });

  app.post('/votes', { config: { capability: 'VOTE', kind: 'vote' }, schema: { response: signatureResponse } }, async (request) => {
    const { vote } = readVoteRequest(request.body);
    const publicKey = pipeline.admit();
    const hash = hashVote(vote);
    enforcePolicy(request, checkVotePolicy(vote, publicKey, policy, BigInt(clock())), hash);
    return { signature: toHex(await pipeline.sign(hash)) };
  });

  app.post('/challenges', { config: { capability: 'CHALLENGE', kind: 'challenge' }, schema: { response: signatureResponse } }, async (request) => {
    const { challenge, timestamp } = readChallengeRequest(request.body);
    const publicKey = pipeline.admit();
    const message = challengeMessage(publicKey, challenge, timestamp);
    enforcePolicy(request, checkChallengePolicy(challenge, timestamp, policy, BigInt(clock())), message);
    return { signature: toHex(await pipeline.sign(message)) };
  });
}
