import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const SERVICE_NAME = 'google.cloud.kms.v1.KeyManagementService';

/**
 * Loads the KeyManagementService definition from the .proto files that ship in
 * @google-cloud/kms, with the google/api and google/protobuf imports from the google-gax copy
 * that the client uses. Decoding matches google-gax: int64 as decimal strings, enums as names,
 * bytes as Buffers, absent fields as defaults.
 */
export function loadKmsServiceDefinition(): ServiceDefinition {
  const require = createRequire(import.meta.url);
  const kmsEntry = require.resolve('@google-cloud/kms');
  const gaxEntry = createRequire(kmsEntry).resolve('google-gax');

  // Both entries are build/src/index.js, and the protos sit in build/protos.
  const includeDirs = [join(dirname(kmsEntry), '..', 'protos'), join(dirname(gaxEntry), '..', 'protos')];
  const packageDefinition = loadSync('google/cloud/kms/v1/service.proto', {
    includeDirs,
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });

  const service = packageDefinition[SERVICE_NAME];
  if (service === undefined || !('GetPublicKey' in service)) {
    throw new Error(`${SERVICE_NAME} not found in the protos of @google-cloud/kms under ${includeDirs.join(', ')}`);
  }
  return service as ServiceDefinition;
}
