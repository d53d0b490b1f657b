import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SigningRejectedError } from '../pipeline/signing-errors.js';
import { PolicyViolationError } from '../policy/policy-rules.js';
import { InvalidFieldError } from '../protocol/fields.js';
import { JsonSyntaxError } from '../protocol/json.js';

/** Request outcome labels for metrics, by HTTP status; 503s carry their rejection reason. */
const OUTCOME_BY_STATUS: Record<number, string> = {
  200: 'signed',
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'queue_full',
};

declare module 'fastify' {
  interface FastifyReply {
    /** The pipeline's rejection reason for this request, used as the outcome label. */
    rejectionReason: string | null;
  }
}

/** Returns the outcome label of a finished request. */
export function outcomeOf(reply: FastifyReply): string {
  return reply.rejectionReason ?? OUTCOME_BY_STATUS[reply.statusCode] ?? `status_${reply.statusCode}`;
}

/** Sends `{"message": ...}` with `status`, and `Retry-After` when given. */
export function sendError(reply: FastifyReply, status: number, message: string, retryAfterSeconds?: number): FastifyReply {
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  return reply.code(status).send({ message });
}

/**
 * Maps every error to a status and a `{"message"}` body. Client errors keep their message;
 * anything unexpected is logged and gets a generic 500 that reveals nothing.
 */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof InvalidFieldError || error instanceof JsonSyntaxError) {
    return sendError(reply, 400, error.message);
  }

  if (error instanceof PolicyViolationError) {
    return sendError(reply, error.statusCode, error.message);
  }

  if (error instanceof SigningRejectedError) {
    reply.rejectionReason = error.reason;
    return sendError(reply, error.statusCode, error.message, error.retryAfterSeconds);
  }

  // Fastify's own client errors (body too large, unsupported media type, bad content length)
  // carry a 4xx status and a message that contains no internals.
  if ((error as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return sendError(reply, 415, 'request body must be JSON sent with Content-Type: application/json');
  }
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return sendError(reply, status, error.message);
  }

  request.log.error({ err: error, requestId: request.id, url: request.url }, 'unexpected error while handling a request');
  return sendError(reply, 500, 'internal error; see the signer log');
}
