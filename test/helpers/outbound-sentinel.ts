import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { CalledIntegration } from '../../functions/kernel/wiring/integrations.js';
import type { FakeHttpServer, RecordedRequest } from './fake-http-server.js';
import type { TestStack } from './test-stack.js';

/**
 * How an integration test shows that something did NOT happen, without
 * sleeping: after the action under test, send a sentinel down the same
 * ordered path and wait until its call arrives. Whatever the action could
 * still have caused comes before the sentinel on that path, so once the
 * sentinel has arrived the absence is a fact, not a guess about how long is
 * long enough (and the test takes as long as the path, not a fixed second).
 *
 * The paths, and what orders them:
 * - The outbound FIFO queue orders the messages of one group (one target
 *   record): a group is locked while one of its messages is in flight or
 *   waiting out a retry delay, and the dispatcher handles a group's
 *   messages of a batch one after the other. Messages of different groups
 *   are not ordered, so a sentinel must share the group it vouches for.
 * - A stream consumer reads its shard in order and invokes one batch at a
 *   time, but handles the records of a batch concurrently. A write made
 *   after the test saw an effect of the last record under test lands in a
 *   later batch, which starts only once that record's batch is done: its
 *   messages are queued after every message of the records under test.
 *   When the test has seen no effect of that record (a write-back, an echo
 *   that should do nothing), a first sentinel write is that effect, and a
 *   second one, made after the first one's call, is the one that counts.
 *
 * This helper is the first kind: a message put straight on the outbound
 * queue, in the group under test, for a retry or a second delivery of a
 * message already sent. Its call is a `GET /sentinel/<uuid>`, told apart
 * from the calls under test by its path; its sync event is filed under its
 * own record id, not the record under test.
 *
 * @example
 * await sendOutboundSentinel(stack, crm, 'crm', `crm#contact#${id}`);
 * expect(crm.requests.filter((r) => r.path === `/api/contacts/${crmId}`)).toHaveLength(1);
 */
const sendOutboundSentinel = async (
  stack: TestStack,
  server: FakeHttpServer,
  integration: CalledIntegration,
  group: string,
  timeoutMs = 15_000,
): Promise<RecordedRequest> => {
  const marker = randomUUID();
  const path = `/sentinel/${marker}`;
  const url = stack.resources.queues.outbound?.url;
  if (!url) throw new Error('The test topology has no outbound queue');
  await stack.sqs.send(
    new SendMessageCommand({
      QueueUrl: url,
      MessageBody: JSON.stringify({
        id: `sentinel#${marker}`,
        group,
        request: { integration, method: 'GET', path },
        context: { record_type: 'sentinel', record_id: `sentinel-${marker}` },
      }),
      MessageGroupId: group,
      MessageDeduplicationId: marker,
    }),
  );
  const [call] = await server.waitFor((r) => r.path === path, 1, timeoutMs);
  return call as RecordedRequest;
};

export { sendOutboundSentinel };
