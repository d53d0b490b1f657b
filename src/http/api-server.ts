import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { parseJsonBody } from '../protocol/json.js';
import { SIGNER_VERSION } from '../version.js';
import { handleError, sendError } from './error-replies.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { signingRoutes, type SigningRoutesOptions } from './signing-routes.js';

export interface ApiServerOptions extends SigningRoutesOptions {
  readonly logger: Logger;
  readonly maxBodyBytes: number;
}

/**
 * The API server the node talks to. Only `application/json` bodies are read, with the
 * lossless parser, so u64 and i64 values keep every digit; anything else is 415.
 */
export function buildApiServer(options: ApiServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // `request.log` is the service logger itself: a pino child per request (with its
    // redaction) costs more than the few request logs it would serve, which carry
    // `requestId` explicitly.
    childLoggerFactory: (logger) => logger,
    bodyLimit: options.maxBodyBytes,
    // Keep-alive connections that are idle are closed at shutdown instead of holding it up.
    forceCloseConnections: 'idle',
  });

  app.decorateReply('rejectionReason', null);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `no route for ${request.method} ${request.url.split('?')[0]}`));
  app.register(signingRoutes, options);

  const openApiDocument = buildOpenApiDocument(SIGNER_VERSION);
  app.get('/openapi.json', async () => openApiDocument);
  return app;
}
