import { KeyManagementServiceClient } from '@google-cloud/kms';
import { grpc } from 'google-gax';

import { parseKmsEndpoint } from './kms-endpoint.js';

/**
 * Creates the Cloud KMS gRPC client.
 *
 * - No endpoint: cloudkms.googleapis.com over TLS with Application Default Credentials.
 * - A loopback endpoint (127.0.0.0/8, ::1, localhost), such as an emulator or a test fake:
 *   plain-text gRPC and no credential lookup at all.
 * - Any other endpoint, such as a private service connect address: TLS to that host with
 *   Application Default Credentials.
 */
export function createKmsClient(endpoint?: string): KeyManagementServiceClient {
  if (endpoint === undefined) {
    return new KeyManagementServiceClient();
  }

  const { host, port, isLoopback } = parseKmsEndpoint(endpoint);
  if (!isLoopback) {
    return new KeyManagementServiceClient({ apiEndpoint: host, port });
  }

  return new KeyManagementServiceClient({
    apiEndpoint: host,
    port,
    // Credentials from the client's own grpc-js copy, because grpc-js rejects credentials
    // objects made by another copy of the library.
    sslCreds: grpc.credentials.createInsecure(),
    // google-gax compares the client's universe domain with the one in the credentials, and
    // without an explicit value it runs the Application Default Credentials lookup to find it,
    // which can probe the GCE metadata server. Setting it skips that lookup (google-gax 5.0).
    universeDomain: 'googleapis.com',
  });
}
