import type { DynamoDBRecord } from 'aws-lambda';

/** The retry settings of a stream consumer. */
interface RetryPolicy {
  /** Retries of a failing batch before it is given up; -1 retries for ever, as on AWS. */
  readonly retryAttempts: number;
  readonly bisectBatchOnError: boolean;
}

/** How one invocation of a batch went. */
type BatchAttempt =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Index of the first failed record; 0 when the whole batch failed. */
      readonly failedFrom: number;
      readonly requestId: string;
      /** The function threw, rather than reporting item failures. */
      readonly threw: boolean;
    };

/** A batch that is given up, with what the on-failure record needs. */
interface GivenUpBatch {
  readonly records: readonly DynamoDBRecord[];
  readonly invocations: number;
  readonly lastAttempt: BatchAttempt & { ok: false };
}

interface PendingBatch {
  records: readonly DynamoDBRecord[];
  retries: number;
  invocations: number;
}

interface DeliverOptions {
  readonly policy: RetryPolicy;
  readonly invoke: (records: readonly DynamoDBRecord[]) => Promise<BatchAttempt>;
  readonly giveUp: (batch: GivenUpBatch) => Promise<void>;
  /** Waited between retries, so a failing consumer does not spin. */
  readonly backoff?: () => Promise<void>;
  /** Checked between attempts; true ends delivery early (shutdown). */
  readonly stopped?: () => boolean;
}

/**
 * Takes one batch of a shard through Lambda's stream error handling:
 *
 * - success: done;
 * - a partial batch response: the records before the lowest failed one are
 *   checkpointed and the rest is retried, at no cost to the retry budget
 *   because the shard made progress;
 * - a failure without progress (a throw, or the first record failed): with
 *   bisect on, the batch is split in halves that are delivered one after
 *   the other (splitting does not count as a retry, as AWS documents);
 *   otherwise, or for a single record, it is retried until `retryAttempts`
 *   retries are spent, then handed to `giveUp` (the on-failure destination)
 *   and the shard moves on.
 *
 * @example
 * await deliverStreamBatch(records, { policy: { retryAttempts: 2, bisectBatchOnError: true }, invoke, giveUp });
 */
const deliverStreamBatch = async (records: readonly DynamoDBRecord[], options: DeliverOptions): Promise<void> => {
  const pending: PendingBatch[] = [{ records, retries: 0, invocations: 0 }];
  while (pending.length > 0 && !options.stopped?.()) {
    const batch = pending[0] as PendingBatch;
    const attempt = await options.invoke(batch.records);
    batch.invocations += 1;
    if (attempt.ok) {
      pending.shift();
      continue;
    }
    if (attempt.failedFrom > 0) {
      batch.records = batch.records.slice(attempt.failedFrom);
      continue;
    }
    if (options.policy.bisectBatchOnError && batch.records.length > 1) {
      const middle = Math.ceil(batch.records.length / 2);
      pending.splice(
        0,
        1,
        { records: batch.records.slice(0, middle), retries: batch.retries, invocations: 0 },
        { records: batch.records.slice(middle), retries: batch.retries, invocations: 0 },
      );
      continue;
    }
    if (options.policy.retryAttempts !== -1 && batch.retries >= options.policy.retryAttempts) {
      await options.giveUp({ records: batch.records, invocations: batch.invocations, lastAttempt: attempt });
      pending.shift();
      continue;
    }
    batch.retries += 1;
    await options.backoff?.();
  }
};

export { deliverStreamBatch };
export type { BatchAttempt, DeliverOptions, GivenUpBatch, RetryPolicy };
