import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a stream consumer got to in each shard: the sequence number of the
 * last record it is done with (delivered, given up to the on-failure
 * destination, or dropped by its filters).
 */
interface StreamCheckpoints {
  /** The last record done in the shard, or undefined when the shard was never checkpointed. */
  get(shardId: string): string | undefined;
  /** Records the shard's position; returns once the file is written. */
  set(shardId: string, sequenceNumber: string): void;
}

interface StoredCheckpoints {
  readonly streamArn: string;
  readonly shards: Record<string, string>;
}

const readStored = (file: string, streamArn: string): Record<string, string> => {
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredCheckpoints>;
    // Another stream (the table was deleted and made again): its positions mean nothing here.
    if (stored.streamArn !== streamArn || typeof stored.shards !== 'object' || stored.shards === null) return {};
    return Object.fromEntries(
      Object.entries(stored.shards).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return {};
  }
};

/**
 * Keeps a stream consumer's positions in `<dir>/<consumer>.json`, so that
 * after a restart (clean or `kill -9`) the offline stream poller resumes
 * after the last record done instead of at the stream's tip, where records
 * written before the stop but not yet consumed would be skipped for good.
 * A record done but not yet checkpointed when the process dies is read
 * again: consumers are idempotent, so at least once is safe; skipping is not.
 *
 * Each write replaces the file whole (write to a temporary file, then
 * rename), so a crash leaves the old positions or the new, never half.
 *
 * @example
 * const checkpoints = fileStreamCheckpoints('.local-data/streams', 'crmPush', streamArn);
 * checkpoints.set('shardId-0001', '000000000000000000042');
 */
const fileStreamCheckpoints = (dir: string, consumer: string, streamArn: string): StreamCheckpoints => {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${consumer.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  const shards = readStored(file, streamArn);
  return {
    get: (shardId) => shards[shardId],
    set: (shardId, sequenceNumber) => {
      if (shards[shardId] === sequenceNumber) return;
      shards[shardId] = sequenceNumber;
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ streamArn, shards } satisfies StoredCheckpoints));
      renameSync(temporary, file);
    },
  };
};

export { fileStreamCheckpoints };
export type { StreamCheckpoints };
