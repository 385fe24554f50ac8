import { TEST_ADMIN_TOKEN, TEST_CRM_SECRET, TEST_INVENTORY_SECRET } from './http-client.js';

/**
 * The settings that let a test stack take signed webhooks from both the CRM
 * and the inventory systems, and admin calls, for tests that only send
 * (nothing is pushed out). Passed as `startTestStack({ env })`, so the
 * stack sets them and puts `process.env` back when it stops.
 *
 * @example
 * stack = await startTestStack({ env: webhookEnv() });
 */
const webhookEnv = (): Record<string, string> => ({
  CRM_WEBHOOK_SECRET: TEST_CRM_SECRET,
  INVENTORY_WEBHOOK_SECRET: TEST_INVENTORY_SECRET,
  ADMIN_TOKEN: TEST_ADMIN_TOKEN,
});

/**
 * The settings of a test stack whose CRM is a local fake server: the CRM's
 * webhook secret, URL and key, the admin token, and a dispatcher that
 * retries fast (1 s backoff base, 400 ms timeout) so failure paths finish
 * within a test. `overrides` adds or replaces settings (a shorter timeout,
 * a failure budget).
 *
 * @example
 * crm = await startFakeHttpServer();
 * stack = await startTestStack({ env: fakeCrmEnv(crm.url, { OUTBOUND_FAILURE_BUDGET: '3' }) });
 */
const fakeCrmEnv = (crmUrl: string, overrides: Readonly<Record<string, string>> = {}): Record<string, string> => ({
  CRM_WEBHOOK_SECRET: TEST_CRM_SECRET,
  CRM_API_URL: crmUrl,
  CRM_API_KEY: 'crm-test-key',
  ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  OUTBOUND_BACKOFF_BASE_SECONDS: '1',
  OUTBOUND_TIMEOUT_MS: '400',
  ...overrides,
});

export { fakeCrmEnv, webhookEnv };
