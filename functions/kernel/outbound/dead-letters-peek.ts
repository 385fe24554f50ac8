import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { deadLetterQueueUrl } from '../aws/resource-names.js';
import { sqs } from '../aws/sqs-client.js';
import { logger } from '../observability.js';

/**
 * Looks at what a dead-letter queue holds without taking it.
 *
 * SQS cannot list a queue: the only way to see a message is to receive it.
 * So a look receives in a loop, ten at a time, with a short visibility
 * timeout ({@link PEEK_VISIBILITY_SECONDS}), until the queue answers empty
 * or {@link PEEK_CAP} messages were seen, then makes every one visible
 * again at once (ChangeMessageVisibility 0). If the caller dies in between,
 * the messages come back by themselves after the short timeout. The cap
 * bounds the admin API's time (about ten receive calls) and its answer; the
 * total comes from the queue's own counters.
 *
 * A FIFO DLQ (the outbound one) hands out one message per message group
 * while that one is being looked at, so a look shows the oldest message of
 * each group (one target record); the others of that group are counted in
 * `total` but only appear once the ones before them are redriven.
 *
 * Every look is a receive and adds one to a message's receive count; a DLQ
 * has no redrive policy of its own, so that costs nothing.
 */
const PEEK_CAP = 100;
const PEEK_VISIBILITY_SECONDS = 20;

interface Peek {
  /** The messages seen, oldest first as SQS handed them out, with all attributes. */
  readonly messages: readonly Message[];
  /** Messages in the DLQ by its counters (approximate on AWS; includes the ones in flight). */
  readonly total: number;
  /** Whether the cap stopped the look before the queue ran dry. */
  readonly truncated: boolean;
}

/**
 * Receives up to `max` (at most 10) messages of a DLQ with every attribute
 * (the `failure_*` cause, the FIFO message group), hidden for
 * {@link PEEK_VISIBILITY_SECONDS}: long enough to look at them or to move
 * them, short enough that a caller that dies leaves them hidden only
 * briefly. Both a look and a redrive receive this way.
 *
 * @example
 * const batch = await receiveDeadLetters(deadLetterQueueUrl('outbound'), 10);
 */
const receiveDeadLetters = async (url: string, max: number): Promise<Message[]> => {
  const out = await sqs().send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: max,
      // A long poll, however short: a short poll samples only some of SQS's servers and may answer
      // empty while messages wait, which would end a look or a redrive early.
      WaitTimeSeconds: 1,
      VisibilityTimeout: PEEK_VISIBILITY_SECONDS,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return out.Messages ?? [];
};

/** Makes received messages visible again now, ten to a call. Failures only delay them by the peek timeout. */
const release = async (url: string, messages: readonly Message[]): Promise<void> => {
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    try {
      const out = await sqs().send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: chunk.map((message, i) => ({
            Id: String(i),
            ReceiptHandle: message.ReceiptHandle ?? '',
            VisibilityTimeout: 0,
          })),
        }),
      );
      if ((out.Failed ?? []).length > 0) {
        logger.warn('some dead letters stay hidden until their peek timeout', { failed: out.Failed?.length });
      }
    } catch (error) {
      logger.warn('could not release dead letters; they reappear after the peek timeout', {
        error: error as Error,
        seconds: PEEK_VISIBILITY_SECONDS,
      });
    }
  }
};

/**
 * How many messages a DLQ holds by its counters, visible and in flight.
 *
 * @example
 * await deadLetterCount('outbound'); // 3
 */
const deadLetterCount = async (queue: string): Promise<number> => {
  const out = await sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: deadLetterQueueUrl(queue),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const attributes = out.Attributes ?? {};
  return (
    Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
};

/**
 * Receives up to `cap` messages of a queue's DLQ and hands them back at
 * once, for a listing.
 *
 * @example
 * const { messages, total, truncated } = await peekDeadLetters('outbound');
 */
const peekDeadLetters = async (queue: string, cap: number = PEEK_CAP): Promise<Peek> => {
  const url = deadLetterQueueUrl(queue);
  const seen = new Map<string, Message>();
  let truncated = false;
  try {
    while (seen.size < cap) {
      const batch = await receiveDeadLetters(url, Math.min(10, cap - seen.size));
      if (batch.length === 0) break;
      for (const message of batch) seen.set(message.MessageId ?? String(seen.size), message);
      if (seen.size >= cap) truncated = true;
    }
  } finally {
    await release(url, [...seen.values()]);
  }
  return { messages: [...seen.values()], total: await deadLetterCount(queue), truncated };
};

export {
  peekDeadLetters,
  deadLetterCount,
  receiveDeadLetters,
  release as releaseDeadLetters,
  PEEK_CAP,
  PEEK_VISIBILITY_SECONDS,
};
export type { Peek };
