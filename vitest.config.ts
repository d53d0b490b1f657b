import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Servers and gRPC fakes start in many files; generous limits absorb a loaded machine
    // without putting wall-clock figures in any assertion.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { METADATA_SERVER_DETECTION: 'none' },
  },
});
