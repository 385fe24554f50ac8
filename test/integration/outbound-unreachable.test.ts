import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, eventually } from '../helpers/http-client.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * A CRM URL where nothing listens, as a fresh `.env` without the playground
 * has: the dispatcher's log, sync events and DLQ must say the connection was
 * refused, where, and which request was really sent (a create is a POST to
 * the collection, though it is queued as a PUT placeholder), not
 * "fetch failed".
 */
const FAILURE_BUDGET = 2;

let stack: TestStack;
let closedPort: number;

/** A loopback port nothing listens on: bound by us, then closed. */
const aClosedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
};

interface LoggedAttempt {
  event: string;
  outcome: string;
  detail?: { reason?: string; status?: number };
}

const attemptsUntil = async (recordId: string, final: string): Promise<LoggedAttempt[]> =>
  eventually(
    async () => {
      const answer = await admin<{ items: LoggedAttempt[] }>(stack.url, 'GET', `/admin/events?record_id=${recordId}`);
      return answer.body.items.some((e) => e.outcome === final) ? answer.body.items : undefined;
    },
    `an attempt "${final}" for ${recordId}`,
    14_000,
  );

const deadLetterOf = async (marker: string): Promise<Message> =>
  eventually(
    async () => {
      const out = await stack.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: stack.resources.queues.outbound?.dlq.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 0,
          MessageAttributeNames: ['All'],
        }),
      );
      return out.Messages?.find((m) => m.Body?.includes(marker));
    },
    `the message ${marker} in the outbound DLQ`,
    14_000,
  );

beforeAll(async () => {
  closedPort = await aClosedPort();
  stack = await startTestStack({
    env: fakeCrmEnv(`http://127.0.0.1:${closedPort}`, { OUTBOUND_FAILURE_BUDGET: String(FAILURE_BUDGET) }),
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('Outbound: a CRM where nothing listens', () => {
  it('logs the create as the POST it sent and dead-letters it as a refused connection', async () => {
    // Prepare
    const id = `c-${randomUUID().slice(0, 8)}`;
    const refused = `connection refused by 127.0.0.1:${closedPort}`;
    // Act
    await admin(stack.url, 'PUT', `/admin/records/contact/${id}`, { first_name: 'Ana', email: `${id}@example.com` });
    // Assess
    const attempts = await attemptsUntil(id, 'dead-lettered');
    expect(attempts.map((a) => [a.event, a.outcome, a.detail?.reason])).toEqual([
      ['POST /api/contacts', 'retry', refused],
      ['POST /api/contacts', 'dead-lettered', `${refused} (${FAILURE_BUDGET} failed attempts)`],
    ]);
    const dead = await deadLetterOf(id);
    expect(dead.MessageAttributes?.failure_status?.StringValue).toBe('ECONNREFUSED');
    expect(dead.MessageAttributes?.failure_reason?.StringValue).toBe(`${refused} (${FAILURE_BUDGET} failed attempts)`);
    expect(dead.MessageAttributes?.failure_request?.StringValue).toBe('POST /api/contacts');
  });
});
