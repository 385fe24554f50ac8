import { type FakeSystems, startFakeSystems } from './fake-systems.js';
import { TEST_ADMIN_TOKEN, TEST_INVENTORY_SECRET } from './http-client.js';
import { type TestStack, startTestStack } from './test-stack.js';

/** The offline stack with local servers playing the ERP, shop, POS, WMS and Slack. */
export interface InventoryStack {
  readonly stack: TestStack;
  readonly systems: FakeSystems;
  /** Stops the stack and the servers, and puts `process.env` back as it was. */
  stop(): Promise<void>;
}

/**
 * What the inventory integration tests run against: the fake systems
 * answer every fan-out call (so none piles up retries), the inventory
 * secret and admin token are set, and the dispatcher retries fast (1 s
 * backoff base, 1 s timeout) so failure paths finish within a test.
 *
 * @example
 * let inventory: InventoryStack;
 * beforeAll(async () => { inventory = await startInventoryStack(); });
 * afterAll(() => inventory?.stop());
 */
export const startInventoryStack = async (): Promise<InventoryStack> => {
  const savedEnv = { ...process.env };
  const systems = await startFakeSystems();
  Object.assign(process.env, systems.env, {
    INVENTORY_WEBHOOK_SECRET: TEST_INVENTORY_SECRET,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    OUTBOUND_BACKOFF_BASE_SECONDS: '1',
    OUTBOUND_TIMEOUT_MS: '1000',
  });
  const stack = await startTestStack();
  return {
    stack,
    systems,
    stop: async () => {
      await stack.stop();
      await systems.close();
      process.env = savedEnv;
    },
  };
};
