import { sign } from 'node:crypto';

import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';

import { crc32c } from '../../../src/kms/gcp/crc32c.js';
import { createEd25519KeyPair, createP256PublicKeyPem, type FakeKmsKeyPair } from './fake-kms-keys.js';
import type { FakeKmsMode } from './fake-kms-modes.js';
import { loadKmsServiceDefinition } from './kms-service-definition.js';

/** Settings of a fake Cloud KMS. */
export interface FakeKmsOptions {
  /** Key version the fake serves. Requests for other names get NOT_FOUND. */
  keyVersionName?: string;
  /** 32-byte Ed25519 seed of the key, or undefined for a random key. */
  seed?: Uint8Array;
}

/** The key version name a fake serves when `keyVersionName` is not given. */
export const DEFAULT_FAKE_KEY_VERSION_NAME =
  'projects/atto-test/locations/global/keyRings/atto/cryptoKeys/voter/cryptoKeyVersions/1';

const DEFAULT_LATENCY_MS = 200;

interface Int64Value {
  value: string;
}

interface GetPublicKeyRequest {
  name: string;
}

interface AsymmetricSignRequest {
  name: string;
  data: Buffer;
  dataCrc32c: Int64Value | null;
  digest: unknown;
}

type Reply = { error: { code: status; details: string } } | { response: object };

/**
 * A Cloud KMS KeyManagementService on 127.0.0.1 that implements GetPublicKey and
 * AsymmetricSign with a real Ed25519 key, and fails in the ways `FakeKmsMode` lists.
 * Every other method returns UNIMPLEMENTED.
 */
export class FakeKms {
  readonly keyVersionName: string;
  /** The 32-byte Ed25519 public key the fake signs with. */
  readonly publicKey: Uint8Array;
  /** Calls received per method, failed ones included. */
  readonly calls = { getPublicKey: 0, asymmetricSign: 0 };

  private readonly keyPair: FakeKmsKeyPair;
  private readonly otherKeyVersionName: string;
  private currentMode: FakeKmsMode = 'healthy';
  private latencyMs = DEFAULT_LATENCY_MS;
  private server: Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: FakeKmsOptions = {}) {
    this.keyVersionName = options.keyVersionName ?? DEFAULT_FAKE_KEY_VERSION_NAME;
    this.otherKeyVersionName = this.keyVersionName.replace(/[0-9]+$/, (version) => String(Number(version) + 1));
    this.keyPair = createEd25519KeyPair(options.seed);
    this.publicKey = this.keyPair.publicKey;
  }

  get mode(): FakeKmsMode {
    return this.currentMode;
  }

  /** Switches the behavior for calls that arrive from now on. `latencyMs` applies to `latency`. */
  setMode(mode: FakeKmsMode, options: { latencyMs?: number } = {}): void {
    this.currentMode = mode;
    this.latencyMs = options.latencyMs ?? DEFAULT_LATENCY_MS;
  }

  resetCalls(): void {
    this.calls.getPublicKey = 0;
    this.calls.asymmetricSign = 0;
  }

  /**
   * Listens on 127.0.0.1 and returns the endpoint as `127.0.0.1:PORT`. The port is a free one
   * unless `port` is given, which lets a test replace a stopped fake at the same endpoint.
   */
  async start(options: { port?: number } = {}): Promise<{ endpoint: string }> {
    if (this.server !== undefined) {
      throw new Error('The fake Cloud KMS is already started');
    }

    const server = new Server();
    const implementation: UntypedServiceImplementation = {
      GetPublicKey: (call: ServerUnaryCall<GetPublicKeyRequest, object>, callback: sendUnaryData<object>) => {
        this.calls.getPublicKey++;
        this.reply(callback, () => this.getPublicKey(call.request));
      },
      AsymmetricSign: (call: ServerUnaryCall<AsymmetricSignRequest, object>, callback: sendUnaryData<object>) => {
        this.calls.asymmetricSign++;
        this.reply(callback, () => this.asymmetricSign(call.request));
      },
    };
    server.addService(loadKmsServiceDefinition(), implementation);

    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, boundPort) => {
        if (error === null) {
          resolve(boundPort);
        } else {
          reject(error);
        }
      });
    });
    this.server = server;
    return { endpoint: `127.0.0.1:${port}` };
  }

  /** Stops at once: calls in flight, hanging ones included, end with an error at the client. */
  async stop(): Promise<void> {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    this.server?.forceShutdown();
    this.server = undefined;
  }

  private reply(callback: sendUnaryData<object>, produce: () => Reply): void {
    const send = (): void => {
      const reply = produce();
      if ('error' in reply) {
        callback(reply.error);
      } else {
        callback(null, reply.response);
      }
    };

    if (this.currentMode === 'hang') {
      return;
    }
    if (this.currentMode === 'latency') {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        send();
      }, this.latencyMs);
      timer.unref();
      this.timers.add(timer);
      return;
    }
    send();
  }

  private getPublicKey(request: GetPublicKeyRequest): Reply {
    const failure = this.commonFailure(request.name, 'cloudkms.cryptoKeyVersions.viewPublicKey');
    if (failure !== undefined) {
      return failure;
    }

    const mode = this.currentMode;
    const wrongAlgorithm = mode === 'wrongAlgorithm';
    const pem = wrongAlgorithm ? createP256PublicKeyPem() : this.keyPair.publicKeyPem;
    const pemCrc = mode === 'wrongPemCrc' ? (crc32c(pem) + 1) >>> 0 : crc32c(pem);
    return {
      response: {
        pem,
        algorithm: wrongAlgorithm ? 'EC_SIGN_P256_SHA256' : 'EC_SIGN_ED25519',
        pemCrc32c: { value: String(pemCrc) },
        name: mode === 'wrongKeyName' ? this.otherKeyVersionName : this.keyVersionName,
        protectionLevel: 'HSM',
      },
    };
  }

  private asymmetricSign(request: AsymmetricSignRequest): Reply {
    const failure = this.commonFailure(request.name, 'cloudkms.cryptoKeyVersions.useToSign');
    if (failure !== undefined) {
      return failure;
    }

    const mode = this.currentMode;
    if (mode === 'wrongAlgorithm') {
      return invalidArgument('The key version algorithm EC_SIGN_P256_SHA256 requires digest, not data.');
    }
    if (request.digest !== null || request.data.length === 0) {
      return invalidArgument('The key version algorithm EC_SIGN_ED25519 requires data, not digest.');
    }
    const dataCrcGiven = request.dataCrc32c !== null;
    if (dataCrcGiven && Number(request.dataCrc32c?.value) !== crc32c(request.data)) {
      return invalidArgument('The checksum in field data_crc32c did not match the data in field data.');
    }

    const signature = sign(null, request.data, this.keyPair.privateKey);
    if (mode === 'corruptSignature') {
      signature[0] = (signature[0] as number) ^ 0x01;
    }
    const signatureCrc = mode === 'wrongSignatureCrc' ? (crc32c(signature) + 1) >>> 0 : crc32c(signature);
    return {
      response: {
        signature,
        signatureCrc32c: { value: String(signatureCrc) },
        verifiedDigestCrc32c: false,
        verifiedDataCrc32c: dataCrcGiven && mode !== 'unverifiedDataCrc',
        name: mode === 'wrongKeyName' ? this.otherKeyVersionName : this.keyVersionName,
        protectionLevel: 'HSM',
      },
    };
  }

  /** Returns the failure both methods share in the current mode, or for an unknown key version. */
  private commonFailure(name: string, permission: string): Reply | undefined {
    switch (this.currentMode) {
      case 'unavailable':
        return { error: { code: status.UNAVAILABLE, details: 'The service is currently unavailable.' } };
      case 'permissionDenied':
        return {
          error: {
            code: status.PERMISSION_DENIED,
            details: `Permission '${permission}' denied on resource '${name}' (or it may not exist).`,
          },
        };
      case 'keyDisabled':
        return {
          error: {
            code: status.FAILED_PRECONDITION,
            details: `${name} is not enabled, current state is: DISABLED.`,
          },
        };
      default:
        break;
    }

    if (name !== this.keyVersionName) {
      return { error: { code: status.NOT_FOUND, details: `${name} not found.` } };
    }
    return undefined;
  }
}

function invalidArgument(details: string): Reply {
  return { error: { code: status.INVALID_ARGUMENT, details } };
}

/** A started fake and the endpoint to pass as `endpoint` to createGcpBackend. */
export interface StartedFakeKms {
  readonly fake: FakeKms;
  readonly endpoint: string;
}

/**
 * Starts a fake Cloud KMS for tests that need a GCP backend, for example:
 * `const { fake, endpoint } = await startFakeKms({ seed });` then
 * `createGcpBackend({ keyVersionName: fake.keyVersionName, endpoint, callTimeoutMs })`.
 * The caller stops it with `fake.stop()`.
 */
export async function startFakeKms(options: FakeKmsOptions = {}): Promise<StartedFakeKms> {
  const fake = new FakeKms(options);
  const { endpoint } = await fake.start();
  return { fake, endpoint };
}
