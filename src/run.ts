import { ConfigError } from './config/config-error.js';
import type { Environment } from './config/env-reader.js';
import { loadConfig } from './config/load-config.js';
import { createLogger } from './log/logger.js';
import { Signer } from './signer.js';

/** Exit code for an invalid configuration, distinct from a crash. */
const EXIT_CONFIG_ERROR = 2;

/**
 * Reads the configuration, starts the signer, and stops it on SIGTERM or SIGINT. A
 * configuration error prints one line naming the variable and exits before listening.
 */
export async function runSigner(env: Environment, options: { development?: boolean } = {}): Promise<Signer> {
  let config;
  try {
    config = loadConfig(env, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`atto-signer: invalid configuration: ${error.message}\n`);
    process.exit(EXIT_CONFIG_ERROR);
  }

  const logger = createLogger(config.logLevel);
  const signer = new Signer({ config, logger });

  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection; exiting');
    process.exit(1);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutdown signal received');
      signer.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }

  try {
    await signer.start();
  } catch (error) {
    logger.fatal({ err: error }, 'cannot listen; check ATTO_SIGNER_HOST, ATTO_SIGNER_PORT and the management settings');
    process.exit(1);
  }
  return signer;
}
