import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../../kernel/aws/sqs-client.js';
import { queueUrl } from '../../kernel/aws/resource-names.js';

/** One page of one job to process: the `bulkPages` message. */
export interface PageMessage {
  readonly job_id: string;
  readonly page: number;
  /** The URL of the page (`null`: the first, built from the job). */
  readonly cursor: string | null;
}

/**
 * Hands a page to the queue, in the job's message group (its pages run one
 * after another). The deduplication id is the job and page, so a page
 * handed on twice (a worker redelivered after it sent it) is one message;
 * `attempt` makes a resume's re-send of a page a new one.
 *
 * @example
 * await sendPage({ job_id, page: 2, cursor: 'https://crm/api/contacts?limit=200&offset=200' });
 */
const sendPage = async (message: PageMessage, attempt?: string): Promise<void> => {
  await sqs().send(
    new SendMessageCommand({
      QueueUrl: queueUrl('bulkPages'),
      MessageBody: JSON.stringify(message),
      MessageGroupId: `job#${message.job_id}`,
      MessageDeduplicationId: `${message.job_id}#${message.page}${attempt === undefined ? '' : `#${attempt}`}`,
    }),
  );
};

export { sendPage };
