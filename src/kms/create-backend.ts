import type { BackendConfig } from '../config/signer-config.js';
import { DeferredBackend } from './deferred-backend.js';
import { parseKeyVersionName } from './gcp/key-version-name.js';
import { LocalBackend } from './local/local-backend.js';
import type { SigningBackend } from './signing-backend.js';

/**
 * Creates the backend that ATTO_SIGNER_BACKEND names. The Cloud KMS client is imported on the
 * GCP backend's first call, so a LOCAL signer never loads it. An invalid key version name
 * still throws here.
 */
export function createBackend(config: BackendConfig): SigningBackend {
  switch (config.type) {
    case 'LOCAL':
      return new LocalBackend(config.seed);
    case 'GCP':
      parseKeyVersionName(config.keyVersionName);
      return new DeferredBackend('GCP', config.keyVersionName, async () => {
        const { createGcpBackend } = await import('./gcp/gcp-backend.js');
        return createGcpBackend({
          keyVersionName: config.keyVersionName,
          endpoint: config.endpoint,
          callTimeoutMs: config.callTimeoutMs,
        });
      });
  }
}
