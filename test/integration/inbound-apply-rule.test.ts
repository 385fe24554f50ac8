import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InboundResult, applyInboundChange } from '../../functions/kernel/inbound/apply-inbound.js';
import { appliesBlind } from '../../functions/kernel/inbound/apply-rule.js';
import { dynamoRecordStore } from '../../functions/kernel/inbound/dynamo-record-store.js';
import {
  type InboundChange,
  type InboundDecision,
  decideInbound,
} from '../../functions/kernel/inbound/inbound-rules.js';
import {
  type RecordAlias,
  type RecordsItem,
  type StoredRecord,
  localIdFor,
  recordKey,
} from '../../functions/kernel/records/record.js';
import { carriedSyncEvent } from '../../functions/kernel/sync-log/sync-events.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * The apply rule is written twice: as the clauses `decideInbound` checks on
 * a record it read, and as the condition of the blind write, which applies
 * an update with no read before it (both in `apply-rule.ts`). Every rule
 * case runs here through both, on DynamoDB Local, and through the whole
 * flow, and requires the same answer:
 *
 * - the condition holds exactly where the clauses (`appliesBlind`) hold;
 * - where it holds, `decideInbound` answers `apply`, and the write is the
 *   same merge `applyRemote` makes (fields over ours, one version more);
 * - where `decideInbound` answers `apply` and the condition declines (a
 *   deleted record, pushed values, an alias...), the refusal returns the
 *   record and the flow applies it after all;
 * - `applyInboundChange` answers what `decideInbound` decided, in every case.
 *
 * Each case seeds two copies (one for the bare write, one for the flow)
 * under CRM ids of its own.
 */
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

const LAST_APPLIED = '2026-11-02T10:00:00.000Z';
const CHANGED_AT = '2026-11-03T10:00:00.000Z';
const DELIVERY = 'msg_2';
const NOW = new Date('2026-11-03T10:00:05.000Z');

/** A contact the CRM created (at the derived key of its id), in sync at version 2. */
const aCrmContact = (externalId: string, overrides: Partial<StoredRecord> = {}): StoredRecord => {
  const recordId = localIdFor('crm', externalId);
  const record: StoredRecord = {
    pk: recordKey('contact', recordId),
    record_type: 'contact',
    record_id: recordId,
    data: { first_name: 'Ana', last_name: 'Lima', email: 'ana@example.com' },
    version: 2,
    synced_version: 2,
    // Never `local`: a seeded local change would be pushed to a CRM this stack does not have.
    origin: 'crm',
    created_at: '2026-11-01T10:00:00.000Z',
    updated_at: LAST_APPLIED,
    synced_at: LAST_APPLIED,
    external_id: externalId,
    external_source: 'crm',
    remote_updated_at: LAST_APPLIED,
    last_delivery_id: 'msg_1',
    sync_status: 'synced',
    ...overrides,
  };
  // As every inbound write stores it: the same instant in milliseconds, for conditions.
  return record.remote_updated_at ? { ...record, remote_ms: Date.parse(record.remote_updated_at) } : record;
};

/** What a case finds at the CRM id's derived key. */
type Seed =
  | { readonly kind: 'record'; readonly record?: Partial<StoredRecord> }
  | { readonly kind: 'alias'; readonly record?: Partial<StoredRecord> }
  | { readonly kind: 'nothing' };

interface RuleCase {
  readonly name: string;
  readonly seed: Seed;
  readonly change?: Partial<InboundChange>;
  readonly decision: InboundDecision['kind'];
  /** Whether the blind write applies it. */
  readonly blind: boolean;
}

/** An update the CRM reports, newer than the contact's last one, changing its email. */
const anUpdate = (externalId: string, overrides: Partial<InboundChange> = {}): InboundChange => ({
  source: 'crm',
  event: 'updated',
  recordType: 'contact',
  externalId,
  data: { email: 'ana.lima@example.com' },
  timestamp: CHANGED_AT,
  deliveryId: DELIVERY,
  ...overrides,
});

const address = { street: 'Rua Augusta 1', city: 'Lisboa' };

const cases: RuleCase[] = [
  // Applied in place.
  { name: 'a newer change to a field', seed: { kind: 'record' }, decision: 'apply', blind: true },
  {
    name: 'a change bringing a field we lack, the others ours',
    seed: { kind: 'record' },
    change: { data: { email: 'ana@example.com', title: 'CTO' } },
    decision: 'apply',
    blind: true,
  },
  {
    name: 'a changed field, with a null for a field we lack',
    seed: { kind: 'record' },
    change: { data: { email: 'ana.lima@example.com', title: null } },
    decision: 'apply',
    blind: true,
  },
  {
    name: 'a null over a value we hold',
    seed: { kind: 'record' },
    change: { data: { last_name: null } },
    decision: 'apply',
    blind: true,
  },
  {
    name: 'a value over a field we hold as null',
    seed: { kind: 'record', record: { data: { email: 'ana@example.com', title: null } } },
    change: { data: { title: 'CTO' } },
    decision: 'apply',
    blind: true,
  },
  {
    name: 'a nested value that differs',
    seed: { kind: 'record', record: { data: { email: 'ana@example.com', address } } },
    change: { data: { address: { ...address, city: 'Porto' } } },
    decision: 'apply',
    blind: true,
  },
  // Echoes: nothing to apply.
  {
    name: 'the values we hold',
    seed: { kind: 'record' },
    change: { data: { first_name: 'Ana', last_name: 'Lima' } },
    decision: 'echo',
    blind: false,
  },
  {
    name: 'a null for a field we lack',
    seed: { kind: 'record' },
    change: { data: { title: null } },
    decision: 'echo',
    blind: false,
  },
  {
    name: 'a null for a field we lack, with our other values',
    seed: { kind: 'record' },
    change: { data: { first_name: 'Ana', title: null } },
    decision: 'echo',
    blind: false,
  },
  {
    name: 'a null for a field we hold as null',
    seed: { kind: 'record', record: { data: { email: 'ana@example.com', title: null } } },
    change: { data: { title: null } },
    decision: 'echo',
    blind: false,
  },
  {
    name: 'an equal nested value, its keys in another order',
    seed: { kind: 'record', record: { data: { email: 'ana@example.com', address } } },
    change: { data: { address: { city: 'Lisboa', street: 'Rua Augusta 1' } } },
    decision: 'echo',
    blind: false,
  },
  {
    name: 'our pending change, echoed',
    seed: { kind: 'record', record: { version: 3, synced_version: 2 } },
    change: { data: { email: 'ana@example.com' } },
    decision: 'echo',
    blind: false,
  },
  {
    name: 'the values we pushed, echoed while a newer local edit waits',
    seed: {
      kind: 'record',
      record: {
        version: 4,
        synced_version: 3,
        data: { email: 'v4@example.com' },
        pushed_data: { email: 'v3@example.com' },
      },
    },
    change: { data: { email: 'v3@example.com' } },
    decision: 'echo',
    blind: false,
  },
  // Redeliveries and late changes.
  {
    name: 'the delivery applied last, again',
    seed: { kind: 'record', record: { last_delivery_id: DELIVERY, remote_updated_at: CHANGED_AT } },
    decision: 'duplicate',
    blind: false,
  },
  {
    name: 'the delivery id applied last, with a newer time',
    seed: { kind: 'record', record: { last_delivery_id: DELIVERY } },
    decision: 'duplicate',
    blind: false,
  },
  {
    name: 'a change older than the last applied',
    seed: { kind: 'record' },
    change: { timestamp: '2026-11-01T09:00:00.000Z' },
    decision: 'stale',
    blind: false,
  },
  {
    name: 'a change as old as the last applied',
    seed: { kind: 'record' },
    change: { timestamp: LAST_APPLIED },
    decision: 'stale',
    blind: false,
  },
  {
    name: 'the same instant as the last applied, written with an offset',
    seed: { kind: 'record' },
    change: { timestamp: '2026-11-02T12:00:00.000+02:00' },
    decision: 'stale',
    blind: false,
  },
  // Conflicts.
  {
    name: 'a change while a local change is pending',
    seed: { kind: 'record', record: { version: 3, synced_version: 2, base_data: { email: 'ana@example.com' } } },
    decision: 'conflict',
    blind: false,
  },
  {
    name: 'a change to a record of ours standing at that key, never synced',
    seed: {
      kind: 'record',
      record: {
        version: 1,
        synced_version: undefined,
        external_id: undefined,
        external_source: undefined,
        remote_updated_at: undefined,
      },
    },
    decision: 'conflict',
    blind: false,
  },
  // Applied after the read: the blind write declines what is rare, and DynamoDB returns the record with the refusal.
  {
    name: 'a change to a deleted record (applied after the read)',
    seed: { kind: 'record', record: { deleted_at: LAST_APPLIED, deleted_from: 'crm' } },
    decision: 'apply',
    blind: false,
  },
  {
    name: 'our own values to a deleted record (applied after the read)',
    seed: { kind: 'record', record: { deleted_at: LAST_APPLIED, deleted_from: 'crm' } },
    change: { data: { email: 'ana@example.com' } },
    decision: 'apply',
    blind: false,
  },
  {
    name: 'a change unlike our values and the values we pushed (applied after the read)',
    seed: { kind: 'record', record: { pushed_data: { email: 'ana@example.com' } } },
    decision: 'apply',
    blind: false,
  },
  {
    name: 'a field we lack while a local change is pending, the others ours (applied after the read)',
    seed: { kind: 'record', record: { version: 3, synced_version: 2 } },
    change: { data: { email: 'ana@example.com', title: 'CTO' } },
    decision: 'apply',
    blind: false,
  },
  {
    name: 'a change to a linked record the CRM never changed (applied after the read)',
    seed: { kind: 'record', record: { remote_updated_at: undefined, last_delivery_id: undefined } },
    decision: 'apply',
    blind: false,
  },
  {
    name: 'a change to a record of ours linked through an alias (applied after the read)',
    seed: { kind: 'alias' },
    decision: 'apply',
    blind: false,
  },
  // No record.
  { name: 'an update of a record we do not hold', seed: { kind: 'nothing' }, decision: 'create', blind: false },
];

/** What the flow answers for each decision. */
const answerFor: Record<InboundDecision['kind'], Partial<InboundResult>> = {
  apply: { status: 'synced', changed: true },
  create: { status: 'synced', changed: true },
  echo: { status: 'synced', changed: false },
  duplicate: { status: 'duplicate' },
  stale: { status: 'stale' },
  conflict: { status: 'conflict' },
  delete: { status: 'synced', changed: true },
  tombstone: { status: 'synced', changed: true },
};

const table = () => stack.resources.tables.records?.physicalName as string;

const put = (item: RecordsItem) => stack.dynamodb.send(new PutCommand({ TableName: table(), Item: item }));

const stored = async (pk: string) =>
  (await stack.dynamodb.send(new GetCommand({ TableName: table(), Key: { pk }, ConsistentRead: true }))).Item;

/**
 * Seeds one copy of the case under `externalId`: answers the item at the
 * derived key (what the blind write meets) and our record for the id (what
 * the flow finds and decides on).
 */
const seed = async (rule: RuleCase, externalId: string): Promise<{ atKey?: RecordsItem; record?: StoredRecord }> => {
  if (rule.seed.kind === 'nothing') return {};
  if (rule.seed.kind === 'record') {
    const record = aCrmContact(externalId, rule.seed.record);
    await put(record);
    return { atKey: record, record };
  }
  // A local record the CRM id was linked to (by email): the alias at the derived key points to it.
  const localId = `local-${externalId}`;
  const record = aCrmContact(externalId, {
    pk: recordKey('contact', localId),
    record_id: localId,
    ...rule.seed.record,
  });
  const alias: RecordAlias = {
    pk: recordKey('contact', localIdFor('crm', externalId)),
    alias_of: localId,
    external_id: externalId,
    external_source: 'crm',
    created_at: LAST_APPLIED,
  };
  await put(record);
  await put(alias);
  return { atKey: alias, record };
};

describe('Rule: apply an inbound update', () => {
  it.each(cases)('answers $name alike in decideInbound, the blind write and the flow', async (rule) => {
    // Prepare
    const [bareId, flowId] = [`B${randomUUID().slice(0, 8)}`, `F${randomUUID().slice(0, 8)}`];
    const bare = await seed(rule, bareId);
    await seed(rule, flowId);
    const change = anUpdate(bareId, rule.change);
    const event = carriedSyncEvent({ direction: 'inbound', source: 'crm', event: 'updated', outcome: 'synced' }, NOW);

    // Act
    const decision = decideInbound(bare.record, change);
    const blind = await dynamoRecordStore.applyRemoteBlind(change, NOW.toISOString(), event);
    const answer = await applyInboundChange(anUpdate(flowId, rule.change), dynamoRecordStore, NOW);

    // Assess: the condition and the clauses agree, and where they hold the rules say apply.
    expect(decision.kind).toBe(rule.decision);
    expect(blind.applied).toBe(rule.blind);
    expect(appliesBlind(bare.atKey, change)).toBe(blind.applied);
    if (blind.applied) expect(decision.kind).toBe('apply');
    // Applied: the same merge as applyRemote. Refused: the record comes back with the refusal, so no read is needed.
    const key = recordKey('contact', localIdFor('crm', bareId));
    if (blind.applied) {
      const record = bare.record as StoredRecord;
      expect(await stored(key)).toMatchObject({
        data: { ...record.data, ...change.data },
        version: record.version + 1,
        synced_version: record.version + 1,
        remote_updated_at: change.timestamp,
        last_delivery_id: change.deliveryId,
      });
    } else {
      expect(blind).toEqual({ applied: false, found: bare.atKey === undefined ? undefined : await stored(key) });
    }
    // The flow answers what the rules decided, whichever path it took.
    expect(answer).toMatchObject(answerFor[rule.decision]);
  });
});
