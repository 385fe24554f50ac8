/**
 * The catalogue of stream consumers the stream-failure replayer may replay
 * to: each consumer's physical function name, its table and its filter
 * patterns. The stack (on AWS) and the offline runtime set it on the
 * replayer as JSON in {@link STREAM_CONSUMERS_ENV}; Lambda code never
 * imports the topology, so this is how the replayer learns which records a
 * consumer would have been given. The filters are `FilterPattern`s
 * (`filter-pattern.ts`); typed loosely here because wiring modules import
 * nothing, not even each other.
 *
 * @example
 * const catalogue = JSON.parse(process.env[STREAM_CONSUMERS_ENV] ?? '[]') as StreamConsumerCatalogueEntry[];
 */
interface StreamConsumerCatalogueEntry {
  /** The physical name of the consumer function (what an on-failure record's `functionArn` ends with). */
  readonly function: string;
  /** The table whose stream it reads (topology name). */
  readonly table: string;
  /** A record is replayed only if it matches one of them (none: every record). */
  readonly filters: readonly Readonly<Record<string, unknown>>[];
}

const STREAM_CONSUMERS_ENV = 'STREAM_CONSUMERS';

export { STREAM_CONSUMERS_ENV };
export type { StreamConsumerCatalogueEntry };
