import type { SQSRecord } from 'aws-lambda';
import { queueMaxReceiveCount } from '../../kernel/aws/resource-names.js';
import { logger } from '../../kernel/observability.js';
import { parkStreamFailure } from '../../kernel/outbound/dead-letters-park.js';
import type { ParkedStreamFailure } from '../../kernel/outbound/dead-letters-parked-key.js';
import {
  functionNameOfArn,
  NotAStreamFailure,
  parseStreamFailureRecord,
  type StreamFailureRecord,
} from './failure-record.js';
import { type ReplayPorts, replayStreamFailure } from './replay.js';

/**
 * Handles one message of the `streamFailures` queue: replay the batch it
 * points to, or park it with the reason. A consumer that fails again is
 * retried through the queue (the message comes back after its visibility
 * timeout) until its last receive, which parks it instead of letting SQS
 * move it to the DLQ without a word. Throws only to ask for that retry.
 *
 * @example
 * await replayFailedStreamBatch(sqsRecord, lambdaReplayPorts(catalogue));
 */
const replayFailedStreamBatch = async (record: SQSRecord, ports: ReplayPorts): Promise<void> => {
  const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
  const lastTry = attempt >= queueMaxReceiveCount('streamFailures');

  let failure: StreamFailureRecord;
  try {
    failure = parseStreamFailureRecord(record.body);
  } catch (error) {
    if (!(error instanceof NotAStreamFailure)) throw error;
    await park(record.body, undefined, error.message);
    return;
  }

  const where = {
    function: functionNameOfArn(failure.requestContext.functionArn),
    shard_id: failure.DDBStreamBatchInfo.shardId,
    start_sequence_number: failure.DDBStreamBatchInfo.startSequenceNumber,
    end_sequence_number: failure.DDBStreamBatchInfo.endSequenceNumber,
    attempt,
  };
  let outcome: Awaited<ReturnType<typeof replayStreamFailure>>;
  try {
    outcome = await replayStreamFailure(failure, ports);
  } catch (error) {
    if (!lastTry) throw error;
    outcome = { kind: 'failed', reason: `the replay could not run: ${(error as Error).message}` };
  }

  switch (outcome.kind) {
    case 'replayed':
      logger.info('failed stream batch replayed', {
        ...where,
        records: outcome.records,
        filtered_out: outcome.filteredOut,
      });
      return;
    case 'nothing-to-replay':
      logger.info('failed stream batch held no record for its consumer', {
        ...where,
        filtered_out: outcome.filteredOut,
      });
      return;
    case 'unreplayable':
      await park(record.body, failure, outcome.reason);
      return;
    case 'failed':
      if (lastTry) {
        await park(record.body, failure, `${outcome.reason} (gave up after ${attempt} replays)`);
        return;
      }
      logger.warn('replaying a failed stream batch failed; it will be tried again', {
        ...where,
        reason: outcome.reason,
      });
      throw new Error(outcome.reason);
  }
};

const park = async (body: string, failure: StreamFailureRecord | undefined, reason: string): Promise<void> => {
  const info = failure?.DDBStreamBatchInfo;
  const parked: ParkedStreamFailure = {
    parked_at: new Date().toISOString(),
    reason,
    function: failure ? functionNameOfArn(failure.requestContext.functionArn) : '(unknown)',
    ...(info
      ? {
          shard_id: info.shardId,
          start_sequence_number: info.startSequenceNumber,
          end_sequence_number: info.endSequenceNumber,
          stream_arn: info.streamArn,
          ...(info.batchSize === undefined ? {} : { batch_size: info.batchSize }),
        }
      : {}),
    failure_record: body.slice(0, 10_000),
  };
  await parkStreamFailure(parked);
  logger.error('failed stream batch parked; see GET /admin/dlq', { ...parked, failure_record: undefined });
};

export { replayFailedStreamBatch };
