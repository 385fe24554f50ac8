import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueOutbound } from '../../functions/kernel/outbound/outbound-queue.js';
import { eventually } from '../helpers/http-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * Mail through the whole outbound path: a message on the outbound queue
 * (fauxqs), the dispatcher, SES v2 (aws-ses-v2-local), read back from the
 * engine's own store of sent mail.
 */
interface SentMail {
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string };
}

let stack: TestStack;

const sentMail = async (): Promise<SentMail[]> => {
  const response = await fetch(`${stack.endpoints.ses}/store`);
  return ((await response.json()) as { emails: SentMail[] }).emails;
};

beforeAll(async () => {
  process.env.MAIL_FROM = 'sync@example.com';
  process.env.OUTBOUND_BACKOFF_BASE_SECONDS = '1';
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('Outbound mail', () => {
  it('sends a queued mail through SES from the configured sender', async () => {
    // Prepare
    const subject = `Order shipped ${randomUUID().slice(0, 8)}`;
    // Act
    await enqueueOutbound([
      {
        id: `mail#${subject}`,
        group: 'mail#orders',
        request: { kind: 'mail', to: ['customer@example.com'], subject, text: 'Your order is on its way.' },
        context: { record_type: 'order', record_id: 'o-1' },
      },
    ]);
    // Assess
    const mail = await eventually(
      async () => (await sentMail()).find((m) => m.subject === subject),
      'the mail in SES local',
    );
    expect(mail).toMatchObject({
      from: 'sync@example.com',
      destination: { to: ['customer@example.com'] },
      body: { text: 'Your order is on its way.' },
    });
  });

  it('keeps a mail queued, not lost, while no sender is configured, and sends it once one is', async () => {
    // Prepare
    delete process.env.MAIL_FROM;
    const subject = `Held back ${randomUUID().slice(0, 8)}`;
    // Act
    await enqueueOutbound([
      {
        id: `mail#${subject}`,
        group: 'mail#held',
        request: { kind: 'mail', to: ['ops@example.com'], subject, text: 'x' },
      },
    ]);
    // The dispatcher has tried it and held it back: its attempt is in the sync log as a retry.
    await eventually(async () => {
      const attempts = await stack.dynamodb.send(
        new QueryCommand({
          TableName: stack.resources.tables.syncLog?.physicalName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'EVENTS#mail#held' },
        }),
      );
      return attempts.Items?.find((item) => item.delivery_id === `mail#${subject}` && item.outcome === 'retry');
    }, 'a held attempt in the sync log');
    const before = (await sentMail()).filter((m) => m.subject === subject);
    process.env.MAIL_FROM = 'sync@example.com';
    // Assess
    expect(before).toHaveLength(0);
    await eventually(async () => (await sentMail()).find((m) => m.subject === subject), 'the held mail sent', 20_000);
  });
});
