// Runs the test suite's fake Cloud KMS in a process of its own, so that its gRPC work does not
// share an event loop with the load generator. run-bench.ts forks it and talks over IPC:
// it receives FakeKmsCommand messages and sends FakeKmsReply messages. FAKE_KMS_SEED, 64 hex
// characters, sets the key; without it the key is random.
import { startFakeKms } from '../test/support/fake-kms/index.js';

/** A request from run-bench.ts. */
export type FakeKmsCommand = { type: 'setLatency'; latencyMs: number } | { type: 'getCalls' };

/** A message to run-bench.ts. */
export type FakeKmsReply =
  | { type: 'ready'; endpoint: string; keyVersionName: string }
  | { type: 'latencySet' }
  | { type: 'calls'; asymmetricSign: number; getPublicKey: number };

function send(reply: FakeKmsReply): void {
  process.send?.(reply);
}

const seedHex = process.env['FAKE_KMS_SEED'];
const { fake, endpoint } = await startFakeKms(seedHex === undefined ? {} : { seed: Buffer.from(seedHex, 'hex') });

process.on('message', (command: FakeKmsCommand) => {
  if (command.type === 'setLatency') {
    fake.setMode(command.latencyMs > 0 ? 'latency' : 'healthy', { latencyMs: command.latencyMs });
    send({ type: 'latencySet' });
  } else {
    send({ type: 'calls', ...fake.calls });
  }
});

// The parent closing the IPC channel (its exit included) stops the fake.
process.on('disconnect', () => {
  void fake.stop().then(() => process.exit(0));
});

send({ type: 'ready', endpoint, keyVersionName: fake.keyVersionName });
