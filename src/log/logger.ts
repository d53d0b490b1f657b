import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/signer-config.js';

/**
 * Paths that may hold secrets in any log record; pino replaces their values. Request
 * logging is off, and this list keeps a token or key out even if a record carries one.
 */
export const REDACTED_PATHS = [
  'authorization',
  'token',
  'key',
  'seed',
  'privateKey',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'config.token',
  'config.backend.seed',
  '*.authorization',
  // Paths are case-sensitive: Node lower-cases incoming header names, but an object built
  // by hand or by a client library may keep the `Authorization` spelling.
  'Authorization',
  'headers.Authorization',
  '*.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.token',
  '*.seed',
  '*.privateKey',
];

/** Creates the service logger: JSON lines on stdout, with secrets redacted. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'atto-signer' } };
  return destination === undefined ? pino(options) : pino(options, destination);
}
