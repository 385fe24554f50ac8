import { createHash, randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  type Message,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { deadLetterQueueUrl, queueUrl } from '../aws/resource-names.js';
import { sqs } from '../aws/sqs-client.js';
import { logger } from '../observability.js';
import { deadLetterCount, receiveDeadLetters, releaseDeadLetters } from './dead-letters-peek.js';

/**
 * Moves dead letters back to their queue, all of them or those a predicate
 * picks (an integration, some message ids), so a change the vendor refused
 * while it was down is sent again once it is back.
 *
 * Why not SQS's StartMessageMoveTask: it moves a whole DLQ, it cannot pick
 * by integration or message; and fauxqs (the offline SQS) does not
 * implement it.
 *
 * Order of operations, so nothing is lost: a message is sent to the queue
 * first and deleted from the DLQ only once SQS accepted the send. A crash
 * between the two leaves it in both: at worst a duplicate, which the
 * dispatcher's supersede check and idempotency keys make harmless.
 *
 * A FIFO message keeps its body and message group, with a new
 * deduplication id: the original (a hash of the message id) would be
 * swallowed by SQS's five-minute deduplication window if the message
 * failed quickly. Message attributes (the `failure_*` cause) are not
 * carried back: the next failure states its own.
 *
 * Each call moves at most {@link REDRIVE_CAP} messages, so it fits in the
 * admin API's time; the answer says how many remain and the caller calls
 * again (`npm run redrive` does).
 *
 * Only messages that entered the DLQ before `before` (the first call's
 * start) are moved. A message the vendor still refuses comes back to the
 * DLQ within milliseconds, as a new message; without the cut-off the same
 * redrive would pick it up again, and again, calling the vendor in a loop.
 */
const REDRIVE_CAP = 100;

interface RedriveResult {
  readonly redriven: number;
  /** Messages left in the DLQ by its counters (the ones not picked, and any over the cap). */
  readonly remaining: number;
  /** Whether the cap stopped this call while picked messages may remain. */
  readonly truncated: boolean;
  /** The cut-off used (ISO): pass it to the next call, so a message that failed again is not moved again. */
  readonly before: string;
}

/** When the message entered this queue (SQS's `SentTimestamp`, ms); messages without it count as old. */
const enteredAt = (message: Message): number => Number(message.Attributes?.SentTimestamp ?? 0);

const isFifo = (url: string): boolean => url.endsWith('.fifo');

const redriveEntry = (message: Message, index: number, fifo: boolean): SendMessageBatchRequestEntry => {
  const group = message.Attributes?.MessageGroupId;
  return {
    Id: String(index),
    MessageBody: message.Body ?? '',
    ...(fifo
      ? {
          MessageGroupId: group ?? 'redriven',
          MessageDeduplicationId: createHash('sha256')
            .update(`${message.MessageId ?? ''}#redrive#${randomUUID()}`)
            .digest('hex'),
        }
      : {}),
  };
};

/**
 * Sends the picked messages of one received batch to the queue and deletes
 * from the DLQ those whose send succeeded; returns how many moved.
 */
const moveBatch = async (queue: string, dlqUrl: string, picked: readonly Message[]): Promise<number> => {
  if (picked.length === 0) return 0;
  const targetUrl = queueUrl(queue);
  const sent = await sqs().send(
    new SendMessageBatchCommand({
      QueueUrl: targetUrl,
      Entries: picked.map((message, i) => redriveEntry(message, i, isFifo(targetUrl))),
    }),
  );
  if ((sent.Failed ?? []).length > 0) {
    logger.warn('the queue refused some redriven messages; they stay in the DLQ', {
      queue,
      failed: (sent.Failed ?? []).map((f) => `${f.Code}: ${f.Message ?? ''}`),
    });
  }
  const moved = (sent.Successful ?? []).map((entry) => picked[Number(entry.Id)] as Message);
  if (moved.length === 0) return 0;
  const deleted = await sqs().send(
    new DeleteMessageBatchCommand({
      QueueUrl: dlqUrl,
      Entries: moved.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle ?? '' })),
    }),
  );
  if ((deleted.Failed ?? []).length > 0) {
    // Sent but still in the DLQ: a second redrive would send it again, which is harmless (see above).
    logger.warn('some redriven messages could not be deleted from the DLQ', { queue, failed: deleted.Failed?.length });
  }
  return moved.length;
};

/**
 * Moves the dead letters of `queue` that `pick` accepts back to the queue.
 *
 * @example
 * await redriveDeadLetters('outbound', (message) => describeDeadLetter(message, 'outbound').integration === 'crm');
 */
const redriveDeadLetters = async (
  queue: string,
  pick: (message: Message) => boolean,
  options: { readonly before?: Date; readonly cap?: number } = {},
): Promise<RedriveResult> => {
  const before = options.before ?? new Date();
  const cap = options.cap ?? REDRIVE_CAP;
  const dlqUrl = deadLetterQueueUrl(queue);
  const skipped: Message[] = [];
  let redriven = 0;
  let truncated = false;
  try {
    while (true) {
      if (redriven >= cap) {
        truncated = true;
        break;
      }
      // Hidden long enough to send and delete; the ones not picked are released at the end.
      const batch = await receiveDeadLetters(dlqUrl, 10);
      if (batch.length === 0) break;
      const picked: Message[] = [];
      for (const message of batch) {
        if (enteredAt(message) < before.getTime() && pick(message) && redriven + picked.length < cap) {
          picked.push(message);
        } else skipped.push(message);
      }
      redriven += await moveBatch(queue, dlqUrl, picked);
    }
  } finally {
    await releaseDeadLetters(dlqUrl, skipped);
  }
  logger.info('dead letters redriven', { queue, redriven, skipped: skipped.length });
  return { redriven, remaining: await deadLetterCount(queue), truncated, before: before.toISOString() };
};

export { redriveDeadLetters, REDRIVE_CAP };
export type { RedriveResult };
