import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { readBatchResponse } from './batch-response.js';
import type { EngineClients } from './engine-clients.js';
import type { Invoker } from './invoke.js';
import type { RuntimeLog } from './log.js';
import { pause } from './pause.js';
import type { PlannedQueueConsumer } from './plan.js';
import type { ProvisionedQueue } from './provision.js';
import { toLambdaSqsRecord } from './sqs-records.js';

interface QueuePollerOptions {
  readonly consumer: PlannedQueueConsumer;
  readonly queue: ProvisionedQueue;
  readonly clients: EngineClients;
  readonly invoker: Invoker;
  readonly region: string;
  readonly log: RuntimeLog;
  /** Long-poll wait; short, so that stop() returns quickly. */
  readonly waitTimeSeconds: number;
}

interface QueuePoller {
  stop(): Promise<void>;
}

/**
 * Polls a queue on fauxqs and invokes its consumer as Lambda's SQS event
 * source mapping does:
 *
 * - long polls for up to `batchSize` messages (ten per call, more calls
 *   within the batching window when the batch is larger or a window is set);
 * - at most `maxConcurrency` batches are in flight at once;
 * - on success every message is deleted; with a partial batch response only
 *   the ones not listed; after a thrown error (or an invalid response) none.
 *   Messages left behind come back after the visibility timeout, and fauxqs's
 *   redrive policy moves them to the DLQ after `maxReceiveCount` receives,
 *   so the DLQ path is SQS's own, not imitated here.
 *
 * @example
 * const poller = startQueuePoller({ consumer, queue, clients, invoker, region, log, waitTimeSeconds: 1 });
 * await poller.stop();
 */
const startQueuePoller = (options: QueuePollerOptions): QueuePoller => {
  const { consumer, queue, clients, log } = options;
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let freed: (() => void) | undefined;

  const receive = async (max: number, waitTimeSeconds: number): Promise<Message[]> => {
    const out = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(max, 10),
        WaitTimeSeconds: waitTimeSeconds,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: stopping.signal },
    );
    return out.Messages ?? [];
  };

  /** Fills a batch: the first call long-polls, the rest use what arrives within the batching window. */
  const collectBatch = async (): Promise<Message[]> => {
    const batch = await receive(consumer.batchSize, options.waitTimeSeconds);
    if (batch.length === 0) return batch;
    const deadline = Date.now() + consumer.maxBatchingWindowSeconds * 1000;
    while (batch.length < consumer.batchSize && Date.now() < deadline && !stopping.signal.aborted) {
      const wait = Math.min(options.waitTimeSeconds, Math.floor((deadline - Date.now()) / 1000));
      const more = await receive(consumer.batchSize - batch.length, Math.max(0, wait));
      if (more.length === 0 && wait <= 0)
        await pause(Math.min(100, Math.max(0, deadline - Date.now())), stopping.signal);
      batch.push(...more);
    }
    return batch;
  };

  const deleteMessages = async (messages: readonly Message[]): Promise<void> => {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      const out = await clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
      if (out.Failed?.length)
        log.warn('some processed messages could not be deleted and will come back', {
          queue: queue.name,
          failed: out.Failed.length,
        });
    }
  };

  const handleBatch = async (messages: Message[]): Promise<void> => {
    const records = messages.map((m) => toLambdaSqsRecord(m, queue.arn, options.region));
    const result = await options.invoker.invoke(consumer.function, { Records: records }, 'sqs');
    if (!result.ok) return; // A thrown error keeps the whole batch for redelivery.
    const verdict = readBatchResponse(result.value, new Set(records.map((r) => r.messageId)));
    if (verdict.kind === 'invalid') {
      log.warn('invalid batch item failures; the whole batch counts as failed', {
        function: consumer.function,
        reason: verdict.reason,
      });
      return;
    }
    const done =
      verdict.kind === 'success' ? messages : messages.filter((m) => !verdict.failedIds.has(m.MessageId ?? ''));
    await deleteMessages(done);
  };

  const receiver = (async () => {
    while (!stopping.signal.aborted) {
      if (inFlight.size >= consumer.maxConcurrency) {
        await new Promise<void>((resolve) => {
          freed = resolve;
        });
        continue;
      }
      let messages: Message[];
      try {
        messages = await collectBatch();
      } catch (error) {
        if (stopping.signal.aborted) break;
        log.error('receiving from the queue failed; retrying', { queue: queue.name, error });
        await pause(1_000, stopping.signal);
        continue;
      }
      if (messages.length === 0) continue;
      const batch = handleBatch(messages)
        .catch((error: unknown) => log.error('queue batch handling failed', { queue: queue.name, error }))
        .finally(() => {
          inFlight.delete(batch);
          freed?.();
          freed = undefined;
        });
      inFlight.add(batch);
    }
  })();

  return {
    stop: async () => {
      stopping.abort();
      freed?.();
      await receiver;
      await Promise.allSettled([...inFlight]);
    },
  };
};

export { startQueuePoller };
export type { QueuePoller, QueuePollerOptions };
