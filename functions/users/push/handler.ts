import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { loadIntegration } from '../../kernel/config/secrets.js';
import { logger } from '../../kernel/observability.js';
import { enqueueOutbound } from '../../kernel/outbound/outbound-queue.js';
import { planDirectoryMessages } from './plan-messages.js';

/**
 * Stream consumer on `users` (the second beside `usersFollowup`): each
 * change to a person or group becomes one message on the outbound queue,
 * which the dispatcher turns into a SCIM call to the downstream directory.
 *
 * The push is a feature an operator switches on by setting the directory's
 * URL and token: while they are unset nothing is queued (checked once per
 * batch, logged at debug), so nothing piles up, retries or dead-letters.
 * Changes made while it was off are pushed with the resource's next change.
 *
 * The batch is planned as a whole (a group's member changes become one
 * message) and enqueued at once; a failed enqueue fails the batch, and its
 * retry queues the same message ids, which the FIFO queue deduplicates.
 */
const pushUserChanges = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const directory = await loadIntegration('directory', ['scimUrl', 'token']);
  if (!directory.ok) {
    logger.debug('downstream directory not configured; changes not pushed', { records: event.Records.length });
    return { batchItemFailures: [] };
  }
  const messages = planDirectoryMessages(event.Records);
  if (messages.length > 0) {
    await enqueueOutbound(messages);
    logger.info('changes queued for the downstream directory', { messages: messages.length });
  }
  return { batchItemFailures: [] };
};

export const handler = middy(pushUserChanges).use(injectLambdaContext(logger));
