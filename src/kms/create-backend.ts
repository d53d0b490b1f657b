import type { BackendConfig } from '../config/signer-config.js';
import { createGcpBackend } from './gcp/gcp-backend.js';
import { LocalBackend } from './local/local-backend.js';
import type { SigningBackend } from './signing-backend.js';

/** Creates the backend that ATTO_SIGNER_BACKEND names. */
export function createBackend(config: BackendConfig): SigningBackend {
  switch (config.type) {
    case 'LOCAL':
      return new LocalBackend(config.seed);
    case 'GCP':
      return createGcpBackend({
        keyVersionName: config.keyVersionName,
        endpoint: config.endpoint,
        callTimeoutMs: config.callTimeoutMs,
      });
  }
}
