import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Integration suites start real engines (DynamoDB Local, fauxqs, SES local).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One set of offline engines for the whole run, started on first use (test/helpers/test-stack.ts).
    globalSetup: ['test/helpers/global-engines.ts'],
    env: { POWERTOOLS_METRICS_DISABLED: 'true', LOG_LEVEL: 'SILENT', AWS_REGION: 'us-east-1' },
  },
});
