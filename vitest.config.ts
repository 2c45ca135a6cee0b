import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // e2e tests spawn the bundle as a process; two cores are all CI has.
    maxWorkers: 2,
    // The SDK warns on every client that Node 20 support ends in 2027: the action runs on
    // node24, only this machine's Node is 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
