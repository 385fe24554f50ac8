import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { deadLetterQueueUrl } from '../aws/resource-names.js';
import { sqs } from '../aws/sqs-client.js';
import { type DeadLetterCause, deadLetterAttributes } from './dead-letter-cause.js';

/**
 * Puts an outbound message into the outbound queue's DLQ with its cause
 * (see `dead-letter-cause.ts`), for the dispatcher, which knows when a
 * failure is permanent: waiting for SQS to move it after `maxReceiveCount`
 * receives would lose the cause and keep a rate-limited message hostage to
 * a receive count.
 *
 * The body is the one that was queued, byte for byte. The DLQ is FIFO like
 * its queue: the message keeps its group, and the deduplication id derives
 * from the SQS message id, so a dispatcher that dies between this send and
 * the delete of the original (and sends again on the next receive) leaves
 * one copy, while a redriven copy (a new SQS message id) that fails again
 * is dead-lettered anew.
 *
 * Throws when SQS refuses: the caller must then keep the original.
 *
 * @example
 * await sendToDeadLetter({ body: record.body, groupId, sqsMessageId: record.messageId }, cause);
 */
interface DeadLetterMessage {
  readonly body: string;
  readonly groupId: string;
  readonly sqsMessageId: string;
}

const sendToDeadLetter = async (message: DeadLetterMessage, cause: DeadLetterCause): Promise<void> => {
  await sqs().send(
    new SendMessageCommand({
      QueueUrl: deadLetterQueueUrl('outbound'),
      MessageBody: message.body,
      MessageGroupId: message.groupId,
      MessageDeduplicationId: `dlq-${message.sqsMessageId}`,
      MessageAttributes: deadLetterAttributes(cause),
    }),
  );
};

export type { DeadLetterMessage };
export { sendToDeadLetter };
