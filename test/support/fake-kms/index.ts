export { DEFAULT_FAKE_KEY_VERSION_NAME, FakeKms, startFakeKms } from './fake-kms.js';
export type { FakeKmsOptions, StartedFakeKms } from './fake-kms.js';
export { FAKE_KMS_MODES } from './fake-kms-modes.js';
export type { FakeKmsMode } from './fake-kms-modes.js';
