import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { logger } from '../observability.js';
import { sqs } from '../aws/sqs-client.js';
import { queueUrl } from '../aws/resource-names.js';
import * as z from '../validation.js';
import { type OutboundMessage, type OutboundMessageInput, outboundMessage } from './message.js';

/**
 * Puts calls to other systems on the outbound queue, ten to a batch call.
 *
 * The queue is FIFO: `group` becomes the message group (one target record's
 * calls go out in order) and the deduplication id is a hash of `id`, so a
 * producer that runs twice for the same change (a redelivered stream
 * record) enqueues it once within SQS's five-minute window.
 *
 * Entries SQS refuses in a batch are retried; if some still fail the call
 * throws, so the producer's own retry (stream or queue redelivery) sends
 * them again and nothing is silently dropped.
 *
 * @example
 * await enqueueOutbound([{ id, group: 'crm#contact#42', request: { integration: 'crm', method: 'PUT', path, body } }]);
 */
const MAX_ATTEMPTS = 4;

const deduplicationId = (id: string): string => createHash('sha256').update(id).digest('hex');

const toEntry = (message: OutboundMessage, index: number): SendMessageBatchRequestEntry => ({
  Id: String(index),
  MessageBody: JSON.stringify(message),
  MessageGroupId: message.group,
  MessageDeduplicationId: deduplicationId(message.id),
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const sendBatch = async (url: string, entries: SendMessageBatchRequestEntry[]): Promise<void> => {
  let pending = entries;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const out = await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: pending }));
    const failed = new Set((out.Failed ?? []).map((f) => f.Id));
    if (failed.size === 0) return;
    const reasons = (out.Failed ?? []).map((f) => `${f.Code}: ${f.Message ?? ''}`);
    if (attempt >= MAX_ATTEMPTS)
      throw new Error(`Outbound queue refused ${failed.size} message(s): ${reasons.join('; ')}`);
    logger.warn('outbound queue refused some entries; retrying', { failed: failed.size, reasons, attempt });
    pending = pending.filter((e) => failed.has(e.Id));
    await sleep(50 * 2 ** attempt);
  }
};

const enqueueOutbound = async (inputs: readonly OutboundMessageInput[]): Promise<OutboundMessage[]> => {
  const messages = inputs.map((input) => z.parse(outboundMessage, input));
  const url = queueUrl('outbound');
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    await sendBatch(url, chunk.map(toEntry));
  }
  if (messages.length > 0) logger.debug('enqueued outbound messages', { count: messages.length });
  return messages;
};

export { enqueueOutbound };
