import { isDeepStrictEqual } from 'node:util';
import { HttpError } from '../../kernel/http/responses.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { storableOr400 } from '../../kernel/http/storable.js';
import { applyInboundChange } from '../../kernel/inbound/apply-inbound.js';
import { agreesWith } from '../../kernel/inbound/apply-rule.js';
import { dynamoRecordStore } from '../../kernel/inbound/dynamo-record-store.js';
import { type InboundChange, type InboundDecision, decideInbound } from '../../kernel/inbound/inbound-rules.js';
import type { InboundRecordStore } from '../../kernel/inbound/record-store.js';
import { mappingFor } from '../../kernel/mappings/crm/index.js';
import { remoteSchema, toLocal } from '../../kernel/mappings/mapping.js';
import { type RecordData, type StoredRecord, matchKeyOf } from '../../kernel/records/record.js';
import type { FieldChange, Outcome } from '../domain/job.js';
import { localTypeOf } from './local-types.js';
import { type PageRecordKey, type Prefetched, prefetchRecords } from './record-prefetch.js';

/**
 * The `local` target: our own store, through the SAME inbound rules as the
 * webhooks (matching, dedupe, stale, conflicts; kernel/inbound) with the
 * SAME mappings (kernel/mappings), so a bulk load racing live webhooks never
 * overwrites a newer change: the source's change time decides, as for a
 * webhook. Each record is one inbound change whose delivery id is derived
 * from the job, the page and the record's id, so a page applied twice is a
 * duplicate the second time and writes nothing new.
 */
/** What became of one record. */
export interface RecordOutcome {
  readonly outcome: Outcome;
  readonly recordId: string;
  readonly reason?: string;
  /** Dry runs: the fields that would change, before and after. */
  readonly changes?: Readonly<Record<string, FieldChange>>;
}

export interface LocalApply {
  readonly source: string;
  readonly target: string;
  readonly entity: string;
  readonly jobId: string;
  readonly page: number;
  /** The job's start: a record that carries no change time of its own is as of then. */
  readonly asOf: string;
  readonly dryRun: boolean;
}

const TIME_FIELDS = ['updatedAt', 'updated_at', 'lastModifiedDate', 'modified_at'] as const;

const changeTimeOf = (record: Record<string, unknown>, fallback: string): string => {
  for (const field of TIME_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
      // Never ahead of now: a source clock running fast must not make its records win forever.
      return new Date(Math.min(Date.parse(value), Date.now())).toISOString();
    }
  }
  return fallback;
};

const idOf = (remote: Record<string, unknown>): string => {
  const rawId = remote.id ?? remote.Id ?? remote.external_id;
  return typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : '';
};

const reasonOf = (error: unknown): string => {
  if (error instanceof HttpError) return error.message;
  return error instanceof Error ? error.message : String(error);
};

const diff = (before: RecordData, after: RecordData): Record<string, FieldChange> =>
  Object.fromEntries(
    Object.entries(after)
      .filter(([field, value]) => !isDeepStrictEqual(before[field] ?? null, value ?? null))
      .map(([field, value]) => [field, { from: before[field] ?? null, to: value ?? null }]),
  );

/** A source record in our store's shape, by the webhooks' own mapping; or why it cannot be. */
const localDataOf = (
  source: string,
  recordType: string,
  remote: Record<string, unknown>,
): { readonly data: RecordData } | { readonly reason: string } => {
  const mapping = mappingFor(source, recordType);
  if (!mapping) return { reason: `no mapping for ${source} ${recordType}` };
  try {
    return {
      data: storableOr400(toLocal(mapping, parseOr400(remoteSchema(mapping), remote, 'record')), { path: ['data'] }),
    };
  } catch (error) {
    return { reason: reasonOf(error) };
  }
};

/** The outcome a decision of the inbound rules stands for. */
const outcomeOf = (decision: InboundDecision, record: StoredRecord | undefined, data: RecordData): Outcome => {
  switch (decision.kind) {
    case 'create':
    case 'tombstone':
      return 'created';
    case 'apply':
    case 'delete':
      return 'updated';
    case 'echo':
    case 'duplicate':
      return 'unchanged';
    case 'stale':
      // Older than what we hold: left alone; unchanged when it says what we hold anyway (a re-sync).
      return record && agreesWith(record.data, data) ? 'unchanged' : 'skipped';
    case 'conflict':
      return 'skipped';
  }
};

/**
 * A record this very page applied before (the page is processed again after
 * a crash between its apply and its commit): the rules now see a duplicate,
 * so its first outcome is read back from the record, as created when the
 * record has not changed since it was created.
 */
const firstOutcome = (record: StoredRecord): Outcome =>
  record.created_at === record.updated_at ? 'created' : 'updated';

/**
 * A source record as an inbound change (the webhooks' mapping; a delivery
 * id derived from job, page and record), or the error of that record.
 */
const changeOf = (
  job: LocalApply,
  remote: Record<string, unknown>,
): { readonly change: InboundChange; readonly recordType: string } | RecordOutcome => {
  const recordId = idOf(remote);
  if (recordId === '') return { outcome: 'errors', recordId: '', reason: 'id: the record has no id' };
  const recordType = localTypeOf(job.source, job.entity) as string;
  const mapped = localDataOf(job.source, recordType, remote);
  if ('reason' in mapped) return { outcome: 'errors', recordId, reason: mapped.reason };
  const change: InboundChange = {
    source: job.source,
    event: 'updated',
    recordType,
    externalId: recordId,
    data: mapped.data,
    timestamp: changeTimeOf(remote, job.asOf),
    deliveryId: `bulk:${job.jobId}:${job.page}:${recordId}`,
  };
  return { change, recordType };
};

/**
 * Applies (or, in a dry run, only decides) one source record in our store.
 * A record that fails its mapping is an error of that record.
 *
 * What the record's derived key held, and the unlinked record its email
 * matches, may come from the page's lookups ({@link prefetchLocal}); the
 * record found (or its unlinked match) is handed to the inbound rules as
 * known, so they decide on it without reading it again: one conditional
 * write, and no read of its own, for a new record.
 *
 * @example
 * const result = await applyToLocal(job, { id: '003A', email: 'ana@example.com' }, 0);
 */
const applyToLocal = async (
  job: LocalApply,
  remote: Record<string, unknown>,
  store: InboundRecordStore = dynamoRecordStore,
  prefetched?: Prefetched,
): Promise<RecordOutcome> => {
  const built = changeOf(job, remote);
  if ('outcome' in built) return built;
  const { change, recordType } = built;
  const { externalId: recordId, data } = change;
  const record =
    (prefetched?.items.has(recordId)
      ? await store.resolveItem(recordType, prefetched.items.get(recordId))
      : await store.findByExternalId(recordType, job.source, recordId)) ??
    (prefetched?.matches.has(recordId)
      ? prefetched.matches.get(recordId)
      : await store.findUnlinkedMatch(recordType, data));
  if (record?.last_delivery_id === change.deliveryId) return { outcome: firstOutcome(record), recordId };
  const decision = decideInbound(record, change);
  if (job.dryRun) {
    const outcome = outcomeOf(decision, record, data);
    return { outcome, recordId, changes: outcome === 'created' ? diff({}, data) : diff(record?.data ?? {}, data) };
  }
  try {
    const result = await applyInboundChange(change, store, new Date(), { record });
    switch (result.status) {
      case 'synced':
        // The rules decided on a fresh read: a record that appeared since ours is an update.
        return { outcome: !result.changed ? 'unchanged' : record ? 'updated' : 'created', recordId };
      case 'duplicate':
        return { outcome: 'unchanged', recordId };
      case 'stale':
        return { outcome: outcomeOf({ kind: 'stale', lastApplied: result.last_applied }, record, data), recordId };
      case 'conflict':
        return { outcome: 'skipped', recordId, reason: `conflict ${result.conflict_id}` };
    }
  } catch (error) {
    if (error instanceof HttpError) return { outcome: 'errors', recordId, reason: reasonOf(error) };
    throw error;
  }
};

/**
 * Reads what a page's records find in our store, for {@link applyToLocal}:
 * their derived keys in BatchGetItem calls of 100 and, where a key is free,
 * the unlinked records matching their emails (one PartiQL SELECT per 50),
 * where each record would make a GetItem and a Query. Undefined for a target
 * or entity our store does not take (the records then fail their mapping
 * one by one, as before). A record that fails its mapping is not looked up.
 *
 * @example
 * const found = await prefetchLocal(job, page.records);
 * await applyToLocal(job, page.records[0], dynamoRecordStore, found);
 */
const prefetchLocal = async (
  job: LocalApply,
  records: readonly Record<string, unknown>[],
): Promise<Prefetched | undefined> => {
  const recordType = localTypeOf(job.source, job.entity);
  if (!recordType) return undefined;
  const keys = new Map<string, PageRecordKey>();
  for (const remote of records) {
    const id = idOf(remote);
    if (id === '' || keys.has(id)) continue;
    const mapped = localDataOf(job.source, recordType, remote);
    const matchKey = 'data' in mapped ? matchKeyOf(recordType, mapped.data) : undefined;
    keys.set(id, matchKey === undefined ? { id } : { id, matchKey });
  }
  return keys.size === 0 ? undefined : prefetchRecords(recordType, job.source, [...keys.values()]);
};

export { applyToLocal, prefetchLocal };
