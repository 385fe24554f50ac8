import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Messages still on a queue by its counters, visible and in flight: zero
 * once every message was handled and deleted (a message being handled, or
 * waiting out its visibility timeout, still counts).
 *
 * @example
 * await expect.poll(() => messagesOnQueue(stack.sqs, queue.url)).toBe(0);
 */
const messagesOnQueue = async (sqs: SQSClient, url: string): Promise<number> => {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
};

export { messagesOnQueue };
