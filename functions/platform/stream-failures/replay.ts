import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { matchesFilters, type FilterPattern } from '../../kernel/wiring/filter-pattern.js';
import type { StreamConsumerCatalogueEntry } from '../../kernel/wiring/stream-consumers.js';
import { functionNameOfArn, type StreamFailureRecord } from './failure-record.js';
import { RecordsGone } from './read-batch.js';
import { toLambdaStreamRecord } from '../../kernel/aws/stream-event-records.js';

/**
 * Replays one failed stream batch: re-read its records from the stream,
 * keep those the consumer's filters let through (as Lambda did the first
 * time), and invoke the consumer with them as a stream event. Consumers are
 * idempotent (the design's invariant), so a batch applied twice is applied
 * once.
 *
 * Pure decision-making over ports, so the rules are unit-tested without
 * AWS: what to do when the records are gone (park: nothing brings them
 * back), when the consumer fails again (retry through the queue; park with
 * the failure once the queue's receives are spent), when no consumer of
 * that name is known (park).
 */
interface ReplayPorts {
  readonly consumers: readonly StreamConsumerCatalogueEntry[];
  readonly region: string;
  readBatch(failure: StreamFailureRecord): Promise<_Record[]>;
  /** Invokes the consumer synchronously; resolves with why it failed, or undefined when it succeeded. */
  invoke(functionArn: string, event: { Records: DynamoDBRecord[] }): Promise<string | undefined>;
}

type ReplayOutcome =
  | { readonly kind: 'replayed'; readonly records: number; readonly filteredOut: number }
  | { readonly kind: 'nothing-to-replay'; readonly filteredOut: number }
  /** Worth another try (the consumer failed; the queue redelivers after its visibility timeout). */
  | { readonly kind: 'failed'; readonly reason: string }
  /** Never worth another try: park it with the reason. */
  | { readonly kind: 'unreplayable'; readonly reason: string };

/**
 * Replays a failed batch to its consumer.
 *
 * @example
 * const outcome = await replayStreamFailure(failure, ports);
 * if (outcome.kind === 'unreplayable') await park(outcome.reason);
 */
const replayStreamFailure = async (failure: StreamFailureRecord, ports: ReplayPorts): Promise<ReplayOutcome> => {
  const { functionArn } = failure.requestContext;
  const name = functionNameOfArn(functionArn);
  const consumer = ports.consumers.find((entry) => entry.function === name);
  if (!consumer) {
    return { kind: 'unreplayable', reason: `no stream consumer named ${name} is known to the replayer` };
  }
  let raw: _Record[];
  try {
    raw = await ports.readBatch(failure);
  } catch (error) {
    if (error instanceof RecordsGone) return { kind: 'unreplayable', reason: error.message };
    throw error;
  }
  const { streamArn } = failure.DDBStreamBatchInfo;
  const records = raw.map((record) => toLambdaStreamRecord(record, streamArn, ports.region));
  const kept = records.filter((record) => matchesFilters(consumer.filters as readonly FilterPattern[], record));
  const filteredOut = records.length - kept.length;
  if (kept.length === 0) return { kind: 'nothing-to-replay', filteredOut };
  const failed = await ports.invoke(functionArn, { Records: kept });
  if (failed !== undefined) return { kind: 'failed', reason: `${name} failed again: ${failed}` };
  return { kind: 'replayed', records: kept.length, filteredOut };
};

/**
 * Why a synchronous invoke of a stream consumer failed, from its answer:
 * the function threw (Lambda's `FunctionError`), or it reported some
 * records as failed (`batchItemFailures`); undefined when it succeeded.
 *
 * @example
 * invokeFailure(undefined, '{"batchItemFailures":[]}'); // undefined
 */
const invokeFailure = (functionError: string | undefined, payload: string): string | undefined => {
  let answer: unknown;
  try {
    answer = payload === '' ? null : JSON.parse(payload);
  } catch {
    answer = payload;
  }
  if (functionError) {
    const message =
      typeof answer === 'object' && answer !== null && 'errorMessage' in answer
        ? String((answer as { errorMessage: unknown }).errorMessage)
        : String(payload);
    return `it threw (${functionError}): ${message.slice(0, 500)}`;
  }
  const failures =
    typeof answer === 'object' && answer !== null && 'batchItemFailures' in answer
      ? (answer as { batchItemFailures: unknown }).batchItemFailures
      : undefined;
  if (Array.isArray(failures) && failures.length > 0) {
    return `it reported ${failures.length} record(s) as failed`;
  }
  return undefined;
};

export { replayStreamFailure, invokeFailure };
export type { ReplayOutcome, ReplayPorts };
