import type { RecordData, StoredRecord } from '../records/record.js';
import { addsFields, agreesWith, appliesBlind, hasPendingLocalChange, isDuplicate, isStale } from './apply-rule.js';

/**
 * What to do with a change an outside system reports, given our record as it
 * is now. Pure: the caller reads the record, asks here, and writes with a
 * condition that the record has not moved since it read it (so two copies of
 * one delivery, or two racing changes, can never both take effect).
 *
 * The rules, in order:
 * 1. the delivery we applied last, again -> `duplicate`;
 * 2. not newer than the last change applied from that system -> `stale`;
 * 3. a delete -> `tombstone` (we never had it: remember it was deleted so a
 *    late create does not bring it back), `echo` (already deleted),
 *    `conflict` (a local change is pending) or `delete`;
 * 4. no record -> `create`;
 * 5. every field it carries that we hold already has that value -> `echo`
 *    (with `acknowledge` when this is the system confirming our own push;
 *    `apply` instead when it also brings fields we lack, such as a CRM's
 *    default status), and the same against the values we last pushed (our
 *    push of version n echoing back while n+1 is on its way is no conflict);
 * 6. a local change the system has not acknowledged -> `conflict`;
 * 7. otherwise -> `apply`.
 *
 * The clauses, and the apply rule that the blind write encodes as a
 * DynamoDB condition, are in `apply-rule.ts`.
 */
export interface InboundChange {
  readonly source: string;
  readonly event: 'created' | 'updated' | 'deleted';
  readonly recordType: string;
  readonly externalId: string;
  /** Already mapped to our field names; only the fields the payload carried. */
  readonly data: RecordData;
  /** The source's change time (ISO 8601). */
  readonly timestamp: string;
  readonly deliveryId: string;
}

export type InboundDecision =
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'stale'; readonly lastApplied: string }
  | { readonly kind: 'tombstone' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'create' }
  | { readonly kind: 'echo'; readonly acknowledge: boolean }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'apply' };

/**
 * The decision for `change` given `record`, our record for its id as read
 * (strongly consistent) just before; see the rules above.
 *
 * @example
 * decideInbound(await findByExternalId('contact', 'crm', '003A'), change); // { kind: 'apply' }
 */
const decideInbound = (record: StoredRecord | undefined, change: InboundChange): InboundDecision => {
  if (record && isDuplicate(record, change)) return { kind: 'duplicate' };
  if (record?.remote_updated_at && isStale(record, change))
    return { kind: 'stale', lastApplied: record.remote_updated_at };
  if (change.event === 'deleted') {
    if (!record) return { kind: 'tombstone' };
    if (record.deleted_at) return { kind: 'echo', acknowledge: false };
    return hasPendingLocalChange(record) ? { kind: 'conflict' } : { kind: 'delete' };
  }
  if (!record) return { kind: 'create' };
  // The common update, the one the blind write applies with no read before it (apply-rule.ts).
  if (appliesBlind(record, change)) return { kind: 'apply' };
  if (!record.deleted_at && agreesWith(record.data, change.data)) {
    // Same values: our own change coming back, or both sides made the same edit. New fields still land.
    return addsFields(record.data, change.data)
      ? { kind: 'apply' }
      : { kind: 'echo', acknowledge: hasPendingLocalChange(record) };
  }
  if (!record.deleted_at && record.pushed_data && agreesWith({ ...record.data, ...record.pushed_data }, change.data)) {
    return { kind: 'echo', acknowledge: false };
  }
  return hasPendingLocalChange(record) ? { kind: 'conflict' } : { kind: 'apply' };
};

export { decideInbound };
