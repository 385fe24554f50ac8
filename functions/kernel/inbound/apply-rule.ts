import { isDeepStrictEqual } from 'node:util';
import {
  type RecordData,
  type RecordsItem,
  type StoredRecord,
  isAlias,
  localIdFor,
  recordKey,
} from '../records/record.js';
import type { InboundChange } from './inbound-rules.js';

/**
 * The "apply" rule, written twice on purpose and kept side by side: once as
 * the clauses {@link decideInbound} checks on a record it read, once as the
 * DynamoDB condition of the blind write (`applyRemoteBlind`), which applies
 * an update with no read before it. Change one, change the other:
 * `test/integration/inbound-apply-rule.test.ts` runs every rule case through
 * both and fails when they part.
 *
 * The blind rule is the common update: a record the source created (or we
 * linked at its id's derived key), in sync, getting a newer change that
 * changes a field. Where it holds, {@link decideInbound} answers `apply`.
 * The converse is deliberately not whole: an update of a deleted record, of
 * one with pushed values to recognise, of one reached through an alias, or
 * that only adds fields while a local change is pending, is also `apply`,
 * but the blind condition declines it; DynamoDB then returns the record
 * with the refusal and the usual read-decide-write path applies it. Writing
 * those cases into the condition would triple its length (it grows with
 * every field: about 2.5 KB for a contact, over DynamoDB's 4 KB limit past
 * some 15 fields) for changes that are rare by nature.
 *
 * | clause ({@link appliesBlind}) | condition ({@link blindApplyCondition}) |
 * |---|---|
 * | the record stands at the derived key of the change's id | the write's `Key` (a record elsewhere is not seen) |
 * | it is a record, not an alias | an alias has no `remote_ms` nor versions, so the clauses below fail on it |
 * | it is linked to the change's id | `external_id = :ext` |
 * | not the delivery applied last (rule 1) | `last_delivery_id <> :delivery` |
 * | newer than the last change applied (rule 2), and there was one | `remote_ms < :ms` (fails when absent) |
 * | not deleted | `attribute_not_exists(deleted_at)` |
 * | no pushed values to recognise an echo by (rule 5) | `attribute_not_exists(pushed_data)` |
 * | no pending local change (rule 6) | `synced_version = #version` |
 * | not an echo: a field differs, or brings a value we lack (rule 5) | `NOT (#data.#f0 = :f0 AND ...)`, a null agreeing with a missing field |
 */

/** A local change the outside system has not acknowledged yet. */
const hasPendingLocalChange = (record: StoredRecord): boolean => (record.synced_version ?? 0) < record.version;

/** True when every field the change carries that we hold at all already holds that value here. */
const agreesWith = (local: RecordData, incoming: RecordData): boolean =>
  Object.entries(incoming).every(
    ([field, value]) => local[field] === undefined || isDeepStrictEqual(local[field] ?? null, value ?? null),
  );

/** True when the change carries a value for a field we do not hold yet (a CRM default such as `status`). */
const addsFields = (local: RecordData, incoming: RecordData): boolean =>
  Object.entries(incoming).some(
    ([field, value]) => local[field] === undefined && value !== null && value !== undefined,
  );

/** The delivery we applied last, again (rule 1). */
const isDuplicate = (record: StoredRecord, change: InboundChange): boolean =>
  record.last_delivery_id === change.deliveryId;

/** Not newer than the last change applied from that system (rule 2): compared as instants, not as strings. */
const isStale = (record: StoredRecord, change: InboundChange): boolean =>
  record.remote_updated_at !== undefined && Date.parse(change.timestamp) <= Date.parse(record.remote_updated_at);

/** The fields a change carries a value (null included) for; the blind write sets these, one by one. */
const carriedFields = (data: RecordData): [string, unknown][] =>
  Object.entries(data).filter(([, value]) => value !== undefined);

/**
 * The apply rule as {@link decideInbound} checks it: true when the blind
 * write's condition holds for `item`, the item at the change's derived key
 * (see the table above). `decideInbound` answers `apply` wherever this
 * holds.
 *
 * @example
 * appliesBlind(await getItem('contact', localIdFor('crm', '003A')), change); // true: the blind write would apply it
 */
const appliesBlind = (item: RecordsItem | undefined, change: InboundChange): boolean => {
  if (item === undefined || isAlias(item) || change.event === 'deleted') return false;
  const carried = Object.fromEntries(carriedFields(change.data));
  return (
    item.pk === recordKey(change.recordType, localIdFor(change.source, change.externalId)) &&
    item.external_id === change.externalId &&
    !isDuplicate(item, change) &&
    item.remote_updated_at !== undefined &&
    !isStale(item, change) &&
    item.deleted_at === undefined &&
    item.pushed_data === undefined &&
    !hasPendingLocalChange(item) &&
    (!agreesWith(item.data, carried) || addsFields(item.data, carried))
  );
};

/** The condition of the blind write, with the names and values it uses; `fields` are the paths to set. */
export interface BlindApplyCondition {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
  /** Each carried field: its path in `data` and the placeholder of its value, for the write's SET. */
  readonly fields: readonly { readonly path: string; readonly value: string }[];
}

/**
 * The apply rule as DynamoDB checks it (see the table above): the
 * ConditionExpression of the blind write to the change's derived key. The
 * change must carry a field.
 *
 * @example
 * const condition = blindApplyCondition(change);
 * new UpdateCommand({ ..., ConditionExpression: condition.expression, ExpressionAttributeNames: condition.names });
 */
const blindApplyCondition = (change: InboundChange): BlindApplyCondition => {
  const names: Record<string, string> = { '#data': 'data', '#version': 'version' };
  const values: Record<string, unknown> = {
    ':ext': change.externalId,
    ':delivery': change.deliveryId,
    ':ms': Date.parse(change.timestamp),
  };
  const fields: { path: string; value: string }[] = [];
  const agrees: string[] = [];
  carriedFields(change.data).forEach(([field, value], i) => {
    names[`#f${i}`] = field;
    values[`:f${i}`] = value;
    fields.push({ path: `#data.#f${i}`, value: `:f${i}` });
    // As agreesWith: null agrees with a field we lack. A comparison with a missing attribute
    // is false, so a non-null value we lack does not agree (addsFields).
    agrees.push(
      value === null ? `attribute_not_exists(#data.#f${i}) OR #data.#f${i} = :f${i}` : `#data.#f${i} = :f${i}`,
    );
  });
  // DynamoDB refuses redundant parentheses: an OR is wrapped only when it stands among others.
  const agreement =
    agrees.length === 1 ? agrees[0] : agrees.map((term) => (term.includes(' OR ') ? `(${term})` : term)).join(' AND ');
  const expression = [
    'external_id = :ext AND last_delivery_id <> :delivery AND remote_ms < :ms',
    'attribute_not_exists(deleted_at) AND attribute_not_exists(pushed_data) AND synced_version = #version',
    // Not an echo: some field differs. One NOT over the conjunction keeps the expression short,
    // which is what DynamoDB Local's cost follows.
    `NOT (${agreement})`,
  ].join(' AND ');
  return { expression, names, values, fields };
};

export { addsFields, agreesWith, appliesBlind, blindApplyCondition, hasPendingLocalChange, isDuplicate, isStale };
