/**
 * Where parked stream failures live in the `control` table: one partition,
 * sorted by the time they were parked, each item expiring after
 * {@link PARKED_RETENTION_DAYS} days (as long as SQS keeps a dead letter).
 * Shared by the replayer, which writes them, and the admin API, which lists
 * them; keys only, so neither bundles the other's calls.
 */
const PARKED_STREAM_FAILURES_PK = 'stream-failures#parked';
const PARKED_RETENTION_DAYS = 14;

/** A stream batch that could not be replayed, with the reason, as stored and listed. */
interface ParkedStreamFailure {
  /** When it was parked, ISO. */
  readonly parked_at: string;
  /** Why: `the records are no longer in the stream (...)`, `the consumer failed again: ...`. */
  readonly reason: string;
  /** The consumer function the batch was meant for (physical name). */
  readonly function: string;
  readonly shard_id?: string;
  readonly start_sequence_number?: string;
  readonly end_sequence_number?: string;
  readonly batch_size?: number;
  readonly stream_arn?: string;
  /** The on-failure record as Lambda sent it, to replay by hand within the stream's 24 h. */
  readonly failure_record: string;
}

export { PARKED_STREAM_FAILURES_PK, PARKED_RETENTION_DAYS };
export type { ParkedStreamFailure };
