import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord } from 'aws-lambda';
import { readBatchResponse } from './batch-response.js';
import { type BatchAttempt, deliverStreamBatch, type GivenUpBatch } from './stream-batches.js';
import type { EngineClients } from './engine-clients.js';
import { toLambdaStreamRecord } from '../functions/kernel/aws/stream-event-records.js';
import { matchesFilters } from '../lib/filter-pattern.js';
import type { Invoker } from './invoke.js';
import type { RuntimeLog } from './log.js';
import { pause } from './pause.js';
import type { PlannedStreamConsumer } from './plan.js';
import { fileStreamCheckpoints, type StreamCheckpoints } from './stream-checkpoints.js';
import { streamFailureRecord } from './stream-records.js';

interface StreamPollerOptions {
  readonly consumer: PlannedStreamConsumer;
  /** Physical name of the consumer's table. */
  readonly tableName: string;
  readonly onFailureQueueUrl: string;
  readonly clients: EngineClients;
  readonly invoker: Invoker;
  readonly region: string;
  readonly log: RuntimeLog;
  /** Pause between empty GetRecords calls; Lambda polls each shard about four times a second. */
  readonly pollIntervalMs: number;
  /** How often new shards are looked for. */
  readonly discoveryIntervalMs?: number;
  /**
   * The table was created by this run. LATEST then reads from the start of
   * the stream, which holds only what was written since: the same records a
   * mapping deployed with its table sees. (On a shared DynamoDB Local, whose
   * sequence numbers run across all tables, a LATEST iterator on a new,
   * empty shard was seen to miss the shard's first record.)
   */
  readonly freshTable?: boolean;
  /**
   * Folder where the consumer's position in each shard is kept (the data
   * folder of a durable `npm start`). With it, a restart resumes after the
   * last record done, and a shard never checkpointed is read from its
   * start: nothing written before the restart is skipped, at worst a few
   * records are consumed twice. Without it (tests, in-memory runs), the
   * starting position applies at every start, as for a new mapping.
   */
  readonly checkpointDir?: string;
}

/** Where a shard reader starts, and where it goes back to when its iterator is lost. */
type StartingPoint =
  | { readonly type: 'LATEST' | 'TRIM_HORIZON' }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

interface StreamPoller {
  readonly streamArn: string;
  stop(): Promise<void>;
}

const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';

/**
 * Reads a DynamoDB stream on DynamoDB Local and invokes a consumer the way a
 * Lambda event source mapping does:
 *
 * - every shard is read in order, one batch at a time; children of a closed
 *   shard start once their parent is done; LATEST at startup means open
 *   shards from their tip, TRIM_HORIZON means everything still held;
 * - filter criteria run before batching, and records that fail them are
 *   dropped for good (never retried);
 * - a partial batch response checkpoints the records before the lowest
 *   failed sequence number and retries from there; a thrown error fails the
 *   whole batch; with bisect on, a batch that fails without progress is split
 *   in halves, which are retried separately (bisection is free, retries are
 *   counted per batch);
 * - once `retryAttempts` retries are spent, the batch is described to the
 *   on-failure queue in Lambda's format and the shard moves on, so the
 *   records after it are still processed;
 * - with `checkpointDir`, the position in each shard is kept on disk after
 *   every batch, and a restart resumes from it (AWS keeps a mapping's
 *   position across anything that happens to the functions).
 *
 * @example
 * const poller = await startStreamPoller({ consumer, tableName, onFailureQueueUrl, clients, invoker, region, log, pollIntervalMs: 250 });
 * await poller.stop();
 */
const startStreamPoller = async (options: StreamPollerOptions): Promise<StreamPoller> => {
  const { consumer, clients, log } = options;
  const stopping = new AbortController();
  const described = await clients.dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream for ${consumer.function}`);
  const checkpoints: StreamCheckpoints | undefined = options.checkpointDir
    ? fileStreamCheckpoints(options.checkpointDir, consumer.function, streamArn)
    : undefined;
  const checkpoint = (shardId: string, sequenceNumber: string | undefined): void => {
    if (!checkpoints || sequenceNumber === undefined || stopping.signal.aborted) return;
    try {
      checkpoints.set(shardId, sequenceNumber);
    } catch (error) {
      // Not fatal: the shard is read again from the previous checkpoint after a restart.
      log.error('could not keep the stream position', { function: consumer.function, shardId, error });
    }
  };

  const state = new Map<string, 'waiting' | 'running' | 'done'>();
  const parents = new Map<string, string | undefined>();
  const loops = new Set<Promise<void>>();

  const listShards = async (): Promise<Shard[]> => {
    const shards: Shard[] = [];
    let from: string | undefined;
    do {
      const out = await clients.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: from }),
      );
      shards.push(...(out.StreamDescription?.Shards ?? []));
      from = out.StreamDescription?.LastEvaluatedShardId;
    } while (from);
    return shards;
  };

  const iteratorFor = async (
    shardId: string,
    type: ShardIteratorType,
    sequenceNumber?: string,
  ): Promise<string | undefined> => {
    if (stopping.signal.aborted) return undefined;
    const out = await clients.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        SequenceNumber: sequenceNumber,
      }),
    );
    return out.ShardIterator;
  };

  const invokeBatch = async (records: readonly DynamoDBRecord[]): Promise<BatchAttempt> => {
    const result = await options.invoker.invoke(consumer.function, { Records: records }, 'stream');
    if (!result.ok) return { ok: false, failedFrom: 0, requestId: result.requestId, threw: true };
    const verdict = readBatchResponse(result.value, new Set(records.map(sequenceOf)));
    if (verdict.kind === 'success') return { ok: true };
    if (verdict.kind === 'invalid') {
      log.warn('invalid batch item failures; the whole batch counts as failed', {
        function: consumer.function,
        reason: verdict.reason,
      });
      return { ok: false, failedFrom: 0, requestId: result.requestId, threw: false };
    }
    const failedFrom = records.findIndex((record) => verdict.failedIds.has(sequenceOf(record)));
    return { ok: false, failedFrom, requestId: result.requestId, threw: false };
  };

  const sendToOnFailure = async (shardId: string, batch: GivenUpBatch): Promise<void> => {
    const last = batch.lastAttempt;
    const body = JSON.stringify(
      streamFailureRecord(batch.records, {
        requestId: last.requestId,
        functionArn: options.invoker.functionArn(consumer.function),
        approximateInvokeCount: batch.invocations,
        ...(last.threw ? { functionError: 'Unhandled' as const } : {}),
        shardId,
        streamArn,
      }),
    );
    for (let attempt = 1; ; attempt++) {
      try {
        await clients.sqs.send(new SendMessageCommand({ QueueUrl: options.onFailureQueueUrl, MessageBody: body }));
        log.warn('stream batch sent to the on-failure destination after its retries', {
          function: consumer.function,
          shardId,
          batchSize: batch.records.length,
          startSequenceNumber: sequenceOf(batch.records[0] as DynamoDBRecord),
          invocations: batch.invocations,
        });
        return;
      } catch (error) {
        if (attempt >= 3 || stopping.signal.aborted) {
          log.error('could not send a failed stream batch to its on-failure destination; it is lost', {
            function: consumer.function,
            error,
          });
          return;
        }
        await pause(200 * attempt, stopping.signal);
      }
    }
  };

  const deliver = (shardId: string, records: readonly DynamoDBRecord[]): Promise<void> =>
    deliverStreamBatch(records, {
      policy: consumer,
      invoke: invokeBatch,
      giveUp: (batch) => sendToOnFailure(shardId, batch),
      backoff: () => pause(options.pollIntervalMs, stopping.signal),
      stopped: () => stopping.signal.aborted,
    });

  const openAt = (shardId: string, start: StartingPoint): Promise<string | undefined> =>
    iteratorFor(shardId, start.type, start.type === 'AFTER_SEQUENCE_NUMBER' ? start.sequenceNumber : undefined);

  const readShard = async (shardId: string, firstIterator: string | undefined, start: StartingPoint): Promise<void> => {
    let iterator = firstIterator;
    let lastRead: string | undefined;
    // The last record this reader is done with: what a restart resumes after.
    let doneUpTo: string | undefined;
    let closed = iterator === undefined;
    const buffer: DynamoDBRecord[] = [];
    let firstBufferedAt = 0;
    const windowMs = consumer.maxBatchingWindowSeconds * 1000;
    while (!stopping.signal.aborted) {
      let fetched = 0;
      if (!closed && iterator && buffer.length < consumer.batchSize) {
        try {
          const out = await clients.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          for (const raw of out.Records ?? []) {
            fetched += 1;
            const record = toLambdaStreamRecord(raw, streamArn, options.region);
            lastRead = sequenceOf(record);
            // Filtered-out records are dropped here, exactly once, as on AWS.
            if (!matchesFilters(consumer.filters, record)) continue;
            if (buffer.length === 0) firstBufferedAt = Date.now();
            buffer.push(record);
          }
          iterator = out.NextShardIterator;
          if (!iterator) closed = true;
          // Everything read was filtered out: done with it.
          if (buffer.length === 0 && lastRead !== doneUpTo) {
            doneUpTo = lastRead;
            checkpoint(shardId, doneUpTo);
          }
        } catch (error) {
          const name = (error as Error).name;
          if (name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException') {
            // Expired: go on after the last record read. Trimmed: what is left
            // starts at the horizon (a checkpoint older than the stream's 24 h).
            const reopenAt: StartingPoint =
              lastRead && name === 'ExpiredIteratorException'
                ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastRead }
                : name === 'TrimmedDataAccessException' && start.type === 'AFTER_SEQUENCE_NUMBER'
                  ? { type: 'TRIM_HORIZON' }
                  : start;
            iterator = await openAt(shardId, reopenAt).catch(() => iterator);
          } else if (!stopping.signal.aborted) {
            log.error('reading the stream failed; retrying', { function: consumer.function, shardId, error });
            await pause(1_000, stopping.signal);
          }
          continue;
        }
      }
      const windowOver = Date.now() - firstBufferedAt >= windowMs;
      if (buffer.length > 0 && (buffer.length >= consumer.batchSize || windowOver || closed)) {
        const batch = buffer.splice(0, consumer.batchSize);
        if (buffer.length > 0) firstBufferedAt = Date.now();
        await deliver(shardId, batch);
        // A delivery cut short by stop() is not done: it runs again after the restart.
        if (!stopping.signal.aborted) {
          doneUpTo = buffer.length === 0 ? lastRead : sequenceOf(batch.at(-1) as DynamoDBRecord);
          checkpoint(shardId, doneUpTo);
        }
        continue;
      }
      if (closed && buffer.length === 0) break;
      if (fetched === 0 || buffer.length > 0) await pause(options.pollIntervalMs, stopping.signal);
    }
    state.set(shardId, 'done');
    if (closed) startChildrenOf(shardId);
  };

  const run = (shardId: string, iterator: string | undefined, start: StartingPoint): void => {
    state.set(shardId, 'running');
    const loop = readShard(shardId, iterator, start).catch((error: unknown) => {
      log.error('stream shard reader stopped', { function: consumer.function, shardId, error });
    });
    loops.add(loop);
    void loop.finally(() => loops.delete(loop));
  };

  const startFromHorizon = (shardId: string): void => {
    state.set(shardId, 'running');
    iteratorFor(shardId, 'TRIM_HORIZON')
      .then((iterator) => run(shardId, iterator, { type: 'TRIM_HORIZON' }))
      .catch((error: unknown) => {
        state.set(shardId, 'waiting');
        log.error('could not open a stream shard; will try again', { function: consumer.function, shardId, error });
      });
  };

  const startChildrenOf = (parentId: string): void => {
    if (stopping.signal.aborted) return;
    for (const [shardId, status] of state) {
      if (status === 'waiting' && parents.get(shardId) === parentId) startFromHorizon(shardId);
    }
  };

  /** A shard waits for its parent while the parent is still being read. */
  const admit = (shard: Shard, initial: boolean): Promise<void> | undefined => {
    const shardId = shard.ShardId as string;
    if (state.has(shardId) && state.get(shardId) !== 'waiting') return undefined;
    parents.set(shardId, shard.ParentShardId);
    const parentState = shard.ParentShardId ? state.get(shard.ParentShardId) : undefined;
    const resumeAfter = checkpoints?.get(shardId);
    if (resumeAfter !== undefined) {
      // Read before: go on after the last record done. (Its parent was done before it was started.)
      const start: StartingPoint = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: resumeAfter };
      state.set(shardId, 'running');
      return openAt(shardId, start).then(
        (iterator) => run(shardId, iterator, start),
        (error: unknown) => {
          if ((error as Error).name !== 'TrimmedDataAccessException') throw error;
          // The checkpoint is older than what the stream still holds: read what is left.
          return iteratorFor(shardId, 'TRIM_HORIZON').then((iterator) =>
            run(shardId, iterator, { type: 'TRIM_HORIZON' }),
          );
        },
      );
    }
    // With checkpoints, a shard never checkpointed may hold records written before a restart: read it whole.
    if (initial && consumer.startingPosition === 'LATEST' && !options.freshTable && !checkpoints) {
      // LATEST: only what is written from now on, i.e. the tips of open shards.
      if (shard.SequenceNumberRange?.EndingSequenceNumber) {
        state.set(shardId, 'done');
        return undefined;
      }
      state.set(shardId, 'running');
      return iteratorFor(shardId, 'LATEST').then((iterator) => run(shardId, iterator, { type: 'LATEST' }));
    }
    if (parentState === 'running' || parentState === 'waiting') {
      state.set(shardId, 'waiting');
      return undefined;
    }
    if (initial) {
      state.set(shardId, 'running');
      return iteratorFor(shardId, 'TRIM_HORIZON').then((iterator) => run(shardId, iterator, { type: 'TRIM_HORIZON' }));
    }
    startFromHorizon(shardId);
    return undefined;
  };

  // Parents come before children in DescribeStream, so admitting in order
  // lets every child see its parent's state.
  const initialShards = await listShards();
  const opening: Promise<void>[] = [];
  for (const shard of initialShards) {
    const started = admit(shard, true);
    if (started) opening.push(started);
  }
  // Iterators are open before start returns: a write right after startup is seen even at LATEST.
  await Promise.all(opening);

  const discovery = (async () => {
    while (!stopping.signal.aborted) {
      await pause(options.discoveryIntervalMs ?? 5_000, stopping.signal);
      if (stopping.signal.aborted) break;
      try {
        for (const shard of await listShards()) admit(shard, false);
      } catch (error) {
        if (!stopping.signal.aborted)
          log.debug('stream shard discovery failed', { function: consumer.function, error });
      }
    }
  })();

  return {
    streamArn,
    stop: async () => {
      stopping.abort();
      await discovery;
      while (loops.size > 0) await Promise.allSettled([...loops]);
    },
  };
};

export { startStreamPoller };
export type { StreamPoller, StreamPollerOptions };
