import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { compareSequenceNumbers } from './failure-record.js';
import { streams } from '../../kernel/aws/streams-client.js';

/**
 * Re-reads a failed batch's records from the stream: an iterator AT the
 * first sequence number, then GetRecords until the last one is read.
 *
 * Records the stream no longer holds (older than 24 hours, or a stream
 * that was replaced) surface as {@link RecordsGone}: nothing will bring
 * them back, so the caller parks the failure instead of retrying. Any other
 * error (throttling, the network) is thrown as is, to be retried.
 */
class RecordsGone extends Error {
  override name = 'RecordsGone';
}

/** DynamoDB Streams' answers for data that is no longer there. */
const GONE_ERRORS = new Set([
  'TrimmedDataAccessException',
  'ResourceNotFoundException',
  'ExpiredIteratorException',
  'ValidationException',
]);

/** An open shard may answer empty pages before the records; this many in a row means they are not there. */
const MAX_EMPTY_PAGES = 10;
/** Never more GetRecords calls than this for one batch (a batch is at most 10,000 records). */
const MAX_PAGES = 50;

interface BatchPointer {
  readonly streamArn: string;
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
}

const gone = (error: unknown, what: string): unknown =>
  GONE_ERRORS.has((error as Error).name)
    ? new RecordsGone(`${what}: ${(error as Error).name}: ${(error as Error).message}`)
    : error;

/**
 * The records from the batch's first sequence number to its last, in stream order.
 *
 * @throws RecordsGone when the stream no longer holds them (all or some).
 * @example
 * const records = await readFailedBatch(failure.DDBStreamBatchInfo);
 */
const readFailedBatch = async (pointer: BatchPointer): Promise<_Record[]> => {
  let iterator: string | undefined;
  try {
    const out = await streams().send(
      new GetShardIteratorCommand({
        StreamArn: pointer.streamArn,
        ShardId: pointer.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: pointer.startSequenceNumber,
      }),
    );
    iterator = out.ShardIterator;
  } catch (error) {
    throw gone(error, 'the records are no longer in the stream (it keeps them 24 hours)');
  }
  const records: _Record[] = [];
  let emptyPages = 0;
  for (let page = 0; iterator && page < MAX_PAGES && emptyPages < MAX_EMPTY_PAGES; page++) {
    let out: GetRecordsCommandOutput;
    try {
      out = await streams().send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    } catch (error) {
      throw gone(error, 'the records could not be read back from the stream');
    }
    const fetched = out.Records ?? [];
    emptyPages = fetched.length === 0 ? emptyPages + 1 : 0;
    for (const record of fetched) {
      const sequence = record.dynamodb?.SequenceNumber ?? '0';
      if (compareSequenceNumbers(sequence, pointer.endSequenceNumber) > 0) return records;
      records.push(record);
      if (compareSequenceNumbers(sequence, pointer.endSequenceNumber) === 0) return records;
    }
    iterator = out.NextShardIterator;
  }
  if (records.length === 0) throw new RecordsGone('none of the records is in the stream any more');
  throw new RecordsGone(
    `the stream holds the batch only up to sequence number ${records.at(-1)?.dynamodb?.SequenceNumber ?? '?'}`,
  );
};

export { readFailedBatch, RecordsGone };
export type { BatchPointer };
