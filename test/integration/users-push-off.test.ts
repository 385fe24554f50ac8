import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesOnQueue } from '../helpers/queue-depth.js';
import { scim, scimEnv, scimGroup, scimUser } from '../helpers/scim-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * The push to a downstream directory is a feature an operator switches on
 * with DIRECTORY_SCIM_URL and DIRECTORY_SCIM_TOKEN: without them a change
 * queues nothing (nothing to retry, nothing dead-lettered).
 */
let stack: TestStack;
const savedEnv = { ...process.env };

beforeAll(async () => {
  delete process.env.DIRECTORY_SCIM_URL;
  delete process.env.DIRECTORY_SCIM_TOKEN;
  stack = await startTestStack({ env: scimEnv() });
});

afterAll(async () => {
  await stack?.stop();
  process.env = savedEnv;
});

describe('users push without a downstream directory configured', () => {
  it('queues nothing for created, changed and deleted users and groups', async () => {
    // Prepare
    const outbound = stack.resources.queues.outbound?.url ?? '';
    // Act
    const user = await scim(stack, 'POST', '/Users', scimUser());
    await scim(stack, 'POST', '/Groups', scimGroup({ members: [{ value: user.body.id }] }));
    await scim(stack, 'DELETE', `/Users/${user.body.id}`);
    // Give the stream consumers time to see every change.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // Assess
    expect(user.status).toBe(201);
    expect(await messagesOnQueue(stack.sqs, outbound)).toBe(0);
    expect(await stack.receive('outbound', { dlq: true })).toEqual([]);
  });
});
