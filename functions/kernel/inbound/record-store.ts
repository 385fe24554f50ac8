import type { Conflict } from '../conflicts/conflict-store.js';
import type { RecordData, RecordsItem, StoredRecord } from '../records/record.js';
import type { CarriedSyncEvent, SyncEvent } from '../sync-log/sync-events.js';
import type { InboundChange } from './inbound-rules.js';

/**
 * What inbound sync needs of the place records live: the port
 * `applyInboundChange` works through, so the flow reads top-down (decide,
 * act, store) and never reaches into tables itself. `dynamoRecordStore`
 * (`dynamo-record-store.ts`) is the one implementation.
 *
 * Every write is conditional on the record being exactly as the caller read
 * it; when it is not, the write throws {@link RecordMovedError} and the
 * caller reads and decides again. That is how two racing changes, or two
 * copies of one delivery, end with exactly one effect. Every write also
 * carries the attempt's sync event, which reaches the sync log from the
 * records stream: one write per change on the webhook's path.
 */
export interface InboundRecordStore {
  /** Our record for a source's id: at the id's derived key, or where the alias standing there points. */
  findByExternalId(recordType: string, source: string, externalId: string): Promise<StoredRecord | undefined>;
  /** Our record for what a derived key was found to hold (a record, an alias, nothing), without reading that key again. */
  resolveItem(recordType: string, item: RecordsItem | undefined): Promise<StoredRecord | undefined>;
  /** A record no source has claimed whose match field (email, company name) equals the one in `data`: the candidate to link. */
  findUnlinkedMatch(recordType: string, data: RecordData): Promise<StoredRecord | undefined>;

  /**
   * The update with no read before it: applies the change where the apply
   * rule's condition holds (`apply-rule.ts`), else answers what the
   * derived key held. The change must carry a field.
   */
  applyRemoteBlind(change: InboundChange, now: string, event: CarriedSyncEvent): Promise<BlindApply>;
  /** A record born at the source, under `recordId`, on condition that the key is free. */
  createFromRemote(
    recordId: string,
    change: InboundChange,
    now: string,
    event: CarriedSyncEvent,
  ): Promise<StoredRecord>;
  /** The change's fields over ours, as a version the source has acknowledged; `delete` soft-deletes instead. */
  applyRemote(
    record: StoredRecord,
    change: InboundChange,
    now: string,
    event: CarriedSyncEvent,
    options?: { readonly delete?: boolean },
  ): Promise<void>;
  /** Bookkeeping only (`data` untouched): the remote change time, the delivery, the sync status. */
  noteRemote(
    record: StoredRecord,
    change: InboundChange,
    now: string,
    event: CarriedSyncEvent,
    status: RemoteNote,
  ): Promise<void>;
  /** Notes a change that was not applied (stale); no condition, as it changes no data. */
  noteSkipped(record: StoredRecord, outcome: string, now: string, event: CarriedSyncEvent): Promise<void>;

  /** Was this delivery applied to the record (synced or conflict), as the sync log says? */
  wasApplied(recordId: string, deliveryId: string): Promise<boolean>;
  /**
   * A conflict: claims the record as {@link noteRemote} does with
   * `sync_status: conflict`, and stores the pending conflict, both or
   * neither (a failure between the two would leave a record naming a
   * delivery whose change is nowhere, and its retry answered `duplicate`).
   * Once per delivery: the conflict id derives from it.
   */
  noteConflict(
    record: StoredRecord,
    change: InboundChange,
    now: string,
    event: CarriedSyncEvent,
    conflict: Omit<Conflict, 'status' | 'created_at'>,
  ): Promise<Conflict>;
  /** Logs an attempt that writes no record (a duplicate delivery). */
  appendSyncEvent(event: SyncEvent, now: Date): Promise<unknown>;
}

/** What a blind write did: applied, or what the key held when the condition failed (a record, an alias, nothing). */
export type BlindApply =
  | { readonly applied: true }
  | { readonly applied: false; readonly found: RecordsItem | undefined };

/** How {@link InboundRecordStore.noteRemote} leaves the record: its sync status, and whether our pending version is acknowledged. */
export interface RemoteNote {
  readonly syncStatus: string;
  readonly acknowledge?: boolean;
  readonly conflictId?: string;
}

/**
 * A store's write was refused: the record changed between the read and the
 * write (a racing change, another copy of the same delivery). Read and
 * decide again.
 *
 * @example
 * catch (error) { if (error instanceof RecordMovedError) derived = error.found ?? 'read'; else throw error; }
 */
class RecordMovedError extends Error {
  override name = 'RecordMovedError';
  /** What the key held when the condition failed, when DynamoDB said (a create that met a record or an alias). */
  constructor(
    message: string,
    readonly found?: { readonly item: RecordsItem | undefined },
  ) {
    super(message);
  }
}

export { RecordMovedError };
