import { createHash } from 'node:crypto';
import * as z from '../validation.js';

/** The longest record id: what {@link localIdFor} cuts to. */
const MAX_RECORD_ID_LENGTH = 200;

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
/**
 * A local business record as stored in the `records` table: an envelope the
 * sync tools own around `data`, the business fields in our own names.
 *
 * Versions, not clocks, decide what is newer on our side: `version` grows by
 * one on every change of `data`, and `synced_version` is the version the
 * outside system last acknowledged. A record with `version > synced_version`
 * has a local change the outside system has not seen yet; `base_data` then
 * holds the last data both sides agreed on (for a three-way merge), and is
 * removed again once they agree.
 *
 * `origin` says who made the last write (`local`, `admin`, `crm`, `sync`);
 * stream consumers filter on it so a change is never pushed back to the
 * system it came from.
 */
const recordId = z.lazy(() =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(MAX_RECORD_ID_LENGTH),
      z.regex(/^[A-Za-z0-9._:@+-]+$/, 'may hold letters, digits and . _ : @ + - only'),
    ),
);

const recordType = z.lazy(() =>
  z
    .string()
    .check(z.minLength(1), z.maxLength(40), z.regex(/^[a-z][a-z0-9_]*$/, 'must be lower case letters, digits and _')),
);

/**
 * Who can write a record. `resolver` is the conflict resolver writing the
 * local or merged side of a resolution: not an outside system, so the
 * outbound consumers push it like any local change.
 */
export const origins = ['local', 'crm', 'erp', 'ecommerce', 'pos', 'wms', 'hr', 'sync', 'resolver'] as const;
export type Origin = (typeof origins)[number];

export type RecordData = Record<string, unknown>;

export interface StoredRecord {
  readonly pk: string;
  readonly record_type: string;
  readonly record_id: string;
  readonly data: RecordData;
  readonly version: number;
  readonly origin: Origin;
  readonly created_at: string;
  readonly updated_at: string;
  readonly external_id?: string;
  readonly external_source?: string;
  readonly match_key?: string;
  readonly synced_at?: string;
  readonly synced_version?: number;
  readonly base_data?: RecordData;
  /** Our fields as last pushed to the outside system, to recognise its echo. */
  readonly pushed_data?: RecordData;
  readonly conflict_id?: string;
  readonly remote_updated_at?: string;
  /** `remote_updated_at` in epoch milliseconds, for conditions: ISO strings with offsets do not compare as text. */
  readonly remote_ms?: number;
  /** The sync event of the last inbound write (JSON, see `encodeSyncEvent`), copied into the sync log by a stream consumer. */
  readonly sync_event?: string;
  readonly last_delivery_id?: string;
  readonly sync_status?: string;
  readonly deleted_at?: string;
  readonly deleted_from?: string;
}

/** The partition key of a record: one item per type and id. */
const recordKey = (type: string, id: string): string => `${type}#${id}`;

/** The longest record id (see {@link recordId}). */
const MAX_RECORD_ID = MAX_RECORD_ID_LENGTH;
/** Hex characters of the SHA-256 of the vendor id that end a cut id: 96 bits, no collision in practice. */
const HASH_CHARS = 24;
/** Marks an escape (`+2F`) and, doubled, the hash of a cut id; itself escaped (`+2B`) wherever it occurs in a vendor id. */
const ESCAPE = '+';
/** A safe character other than the escape: kept as it is. */
const KEPT = /[A-Za-z0-9._:@-]/;

/**
 * One UTF-16 code unit the id character set lacks, escaped: `+2F` for a
 * code unit below 0x100, `+u00E9`-style (`+u` and four hex digits) above.
 * The `u` is no hex digit, so the two forms never read as one another, and
 * code units rather than UTF-8 bytes keep even a lone surrogate distinct.
 */
const escapeUnit = (unit: number): string =>
  unit < 0x100
    ? `${ESCAPE}${unit.toString(16).toUpperCase().padStart(2, '0')}`
    : `${ESCAPE}u${unit.toString(16).toUpperCase().padStart(4, '0')}`;

/** Every character outside the id set, and the escape itself, escaped: reversible, so injective. */
const escapeId = (value: string): string => {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    out += KEPT.test(char) ? char : escapeUnit(value.charCodeAt(i));
  }
  return out;
};

/** Drops an escape the cut split (`+2` or `+u00`), so a cut id never ends in half a character. */
const withoutSplitEscape = (cut: string): string => {
  const last = cut.lastIndexOf(ESCAPE);
  if (last === -1) return cut;
  const tail = cut.slice(last + 1);
  const whole = tail.startsWith('u') ? tail.length >= 5 : tail.length >= 2;
  return whole ? cut : cut.slice(0, last);
};

/**
 * Our id for a record a vendor created: derived from theirs, so racing
 * copies meet on one key, and injective, so two vendor ids never meet on
 * one record.
 *
 * - An id of letters, digits and `. _ : @ -` is kept as it is (so ids
 *   derived before this encoding stay where they are): `crm-003A`.
 * - Any other character, and `+` itself, is escaped: `X/1` becomes
 *   `crm-X+2F1`, while `X_1` stays `crm-X_1`; a `+` in a vendor id becomes
 *   `+2B`, so an escape can never be forged by the id it encodes.
 * - An id whose derivation would pass {@link MAX_RECORD_ID} characters is
 *   cut and ends in `++` and the first {@link HASH_CHARS} hex characters of
 *   the SHA-256 of its whole (escaped) derivation: an uncut id never holds `++`, and
 *   two long ids sharing a prefix differ in their hash.
 *
 * @example
 * localIdFor('crm', '003A'); // 'crm-003A'
 * localIdFor('crm', 'X/1');  // 'crm-X+2F1'
 * localIdFor('crm', 'x'.repeat(300)); // 'crm-xxx...x++3f1c...' (200 characters)
 */
const localIdFor = (source: string, externalId: string): string => {
  const whole = `${source}-${escapeId(externalId)}`;
  if (whole.length <= MAX_RECORD_ID) return whole;
  const hash = createHash('sha256').update(whole).digest('hex').slice(0, HASH_CHARS);
  const room = MAX_RECORD_ID - ESCAPE.length * 2 - HASH_CHARS;
  return `${withoutSplitEscape(whole.slice(0, room))}${ESCAPE}${ESCAPE}${hash}`;
};

/**
 * What stands at a vendor id's derived key when our record for that id has
 * an id of its own (a local record we pushed, or linked by email): a pointer
 * to it. So our record for any vendor id is found by one strongly
 * consistent GetItem on the derived key, and a record the vendor creates
 * there collides with the alias instead of duplicating the linked record.
 * Written in one transaction with the link itself; an alias has no
 * `record_type`, so no stream consumer takes it for a record.
 */
export interface RecordAlias {
  readonly pk: string;
  /** The id of the record the vendor id is linked to. */
  readonly alias_of: string;
  readonly external_id: string;
  readonly external_source: string;
  readonly created_at: string;
}

/** What a records key holds: a record or an alias. */
export type RecordsItem = StoredRecord | RecordAlias;

const isAlias = (item: RecordsItem | undefined): item is RecordAlias =>
  item !== undefined && typeof (item as Partial<RecordAlias>).alias_of === 'string';

/** The alias item that points a vendor id's derived key at our record `recordId`. */
const aliasFor = (type: string, recordId: string, source: string, externalId: string, now: string): RecordAlias => ({
  pk: recordKey(type, localIdFor(source, externalId)),
  alias_of: recordId,
  external_id: externalId,
  external_source: source,
  created_at: now,
});

/**
 * The `byMatchKey` index key, used to link a vendor's record to one of ours
 * before the vendor id is known (a contact by email, an account by name).
 * Values are normalised so `Ana@X.com ` and `ana@x.com` match.
 */
const matchKey = (type: string, field: string, value: string): string =>
  `${type}#${field}#${value.trim().toLowerCase()}`;

/**
 * The field that identifies a record of a type before any vendor id is
 * known: a contact by email, an account by company name. A local record of
 * these types carries a `match_key`, so an inbound "created" for a record
 * we already pushed (or typed in by hand) links to it instead of
 * duplicating it. Records born at a vendor have none: they are never
 * candidates, and stay out of the index.
 */
const matchFields: Readonly<Record<string, string>> = { contact: 'email', account: 'company_name' };

const matchKeyOf = (type: string, data: RecordData): string | undefined => {
  const field = matchFields[type];
  const value = field ? data[field] : undefined;
  return field && typeof value === 'string' && value.trim() !== '' ? matchKey(type, field, value) : undefined;
};

/**
 * Whether a conflict between a local change and a remote one is open on the
 * record (stored by the inbound flow, not resolved yet). While it is, no
 * tool pushes the record: the pending local values would overwrite the
 * remote side before anyone decided which side wins. The resolver's
 * resolution clears it, and its write is what releases the push.
 *
 * @example
 * if (hasOpenConflict(record)) return { skip: `conflict ${record.conflict_id} is open` };
 */
const hasOpenConflict = (record: Pick<StoredRecord, 'sync_status'>): boolean => record.sync_status === 'conflict';

export { hasOpenConflict, recordId, recordType, recordKey, localIdFor, aliasFor, isAlias, matchKey, matchKeyOf };
