import { describe, expect, it } from 'vitest';
import { conflictIdFor } from '../../functions/kernel/conflicts/conflict-id.js';
import type { Conflict } from '../../functions/kernel/conflicts/conflict-store.js';
import { applyInboundChange } from '../../functions/kernel/inbound/apply-inbound.js';
import type { InboundChange } from '../../functions/kernel/inbound/inbound-rules.js';
import { type InboundRecordStore, RecordMovedError } from '../../functions/kernel/inbound/record-store.js';
import type { StoredRecord } from '../../functions/kernel/records/record.js';

/**
 * A conflict's two writes (the record's claim, the conflict) behave as one
 * through the `InboundRecordStore` port: when storing fails, the record
 * names no delivery, so the sender's retry stores the conflict instead of
 * being answered `duplicate`. The DynamoDB transaction itself is exercised
 * in `test/integration/crm-inbound.test.ts`.
 */

const notExpected = (name: string) => () => Promise.reject(new Error(`${name} was not expected here`));

/** A store holding one record in memory, whose next `failures` conflict commits fail as a whole. */
const memoryStore = (record: StoredRecord, failures: number) => {
  const state = { record, conflicts: [] as Conflict[], events: [] as unknown[], failures };
  const store: InboundRecordStore = {
    findByExternalId: async () => state.record,
    resolveItem: async (_type, item) => item as StoredRecord | undefined,
    findUnlinkedMatch: async () => undefined,
    applyRemoteBlind: async () => ({ applied: false, found: state.record }),
    createFromRemote: notExpected('createFromRemote'),
    applyRemote: notExpected('applyRemote'),
    noteRemote: notExpected('noteRemote (a conflict claims the record with noteConflict)'),
    noteSkipped: notExpected('noteSkipped'),
    wasApplied: async () => false,
    appendSyncEvent: async (event) => state.events.push(event),
    noteConflict: async (read, change, now, _event, conflict) => {
      if (read.version !== state.record.version) throw new RecordMovedError('moved');
      if (state.failures > 0) {
        state.failures--;
        throw Object.assign(new Error('conflicts table unavailable'), { name: 'InternalServerError' });
      }
      // Both or neither, as the transaction.
      state.record = {
        ...state.record,
        last_delivery_id: change.deliveryId,
        sync_status: 'conflict',
        conflict_id: conflict.conflict_id,
      };
      const stored: Conflict = { ...conflict, status: 'pending', created_at: now };
      state.conflicts.push(stored);
      return stored;
    },
  };
  return { store, state };
};

/** Synced from the CRM, then edited locally: version 2 is not acknowledged yet. */
const pendingRecord: StoredRecord = {
  pk: 'contact#crm-003A',
  record_type: 'contact',
  record_id: 'crm-003A',
  data: { email: 'ana@example.com', phone: '222' },
  base_data: { email: 'ana@example.com', phone: '111' },
  version: 2,
  synced_version: 1,
  origin: 'local',
  created_at: '2026-11-24T09:00:00.000Z',
  updated_at: '2026-11-24T09:30:00.000Z',
  remote_updated_at: '2026-11-24T09:00:00.000Z',
  remote_ms: Date.parse('2026-11-24T09:00:00.000Z'),
  last_delivery_id: 'msg_0',
  external_id: '003A',
  external_source: 'crm',
  sync_status: 'synced',
};

const remoteChange: InboundChange = {
  source: 'crm',
  event: 'updated',
  recordType: 'contact',
  externalId: '003A',
  data: { phone: '333' },
  timestamp: '2026-11-24T10:00:00.000Z',
  deliveryId: 'msg_1',
};

const NOW = new Date('2026-11-24T10:00:05.000Z');
const CONFLICT_ID = conflictIdFor('contact', 'crm-003A', 'crm', 'msg_1');

describe('Inbound conflicts: the claim and the conflict commit together', () => {
  it('leaves the record unclaimed when storing the conflict fails, and fails the delivery', async () => {
    // Prepare
    const { store, state } = memoryStore(pendingRecord, 1);
    // Act
    const attempt = applyInboundChange(remoteChange, store, NOW);
    // Assess
    await expect(attempt).rejects.toThrow('conflicts table unavailable');
    expect(state.record).toEqual(pendingRecord);
    expect(state.conflicts).toEqual([]);
  });

  it('stores the conflict exactly once on the retry after a failed commit, and answers the next copy as a duplicate', async () => {
    // Prepare
    const { store, state } = memoryStore(pendingRecord, 1);
    await expect(applyInboundChange(remoteChange, store, NOW)).rejects.toThrow();
    // Act
    const retry = await applyInboundChange(remoteChange, store, NOW);
    const copy = await applyInboundChange(remoteChange, store, NOW);
    // Assess
    expect(retry).toEqual({ status: 'conflict', record_id: 'crm-003A', conflict_id: CONFLICT_ID });
    expect(copy).toEqual({ status: 'duplicate', record_id: 'crm-003A' });
    expect(state.conflicts).toEqual([
      expect.objectContaining({
        conflict_id: CONFLICT_ID,
        record_id: 'crm-003A',
        remote_data: { phone: '333' },
        local_data: { email: 'ana@example.com', phone: '222' },
        base_data: { email: 'ana@example.com', phone: '111' },
        delivery_id: 'msg_1',
      }),
    ]);
    expect(state.record).toMatchObject({
      last_delivery_id: 'msg_1',
      sync_status: 'conflict',
      conflict_id: CONFLICT_ID,
    });
  });

  it('keeps failing, and storing nothing, for as long as the commit fails', async () => {
    // Prepare
    const { store, state } = memoryStore(pendingRecord, 3);
    // Act
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => applyInboundChange(remoteChange, store, NOW)));
    const after = await applyInboundChange(remoteChange, store, NOW);
    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(after.status).toBe('conflict');
    expect(state.conflicts).toHaveLength(1);
  });
});

describe('Conflict ids', () => {
  it('derives the same id from the same record and delivery, so a redelivery meets its own conflict', () => {
    // Act
    const ids = [
      conflictIdFor('contact', 'crm-003A', 'crm', 'msg_1'),
      conflictIdFor('contact', 'crm-003A', 'crm', 'msg_1'),
    ];
    // Assess
    expect(ids[0]).toBe(ids[1]);
  });

  it.each([
    ['another record, same delivery', ['contact', 'crm-003B', 'crm', 'msg_1']],
    ['another type, same record id and delivery', ['account', 'crm-003A', 'crm', 'msg_1']],
    ['another delivery, same record', ['contact', 'crm-003A', 'crm', 'msg_2']],
    ['parts that run together alike', ['contact', 'crm-003Amsg', 'crm', '_1']],
  ] as const)('derives another id for %s', (_case, [type, recordId, source, deliveryId]) => {
    // Act
    const id = conflictIdFor(type, recordId, source, deliveryId);
    // Assess
    expect(id).not.toBe(CONFLICT_ID);
  });

  it('keeps any character of a delivery id out of the conflict id, which travels in an admin URL path', () => {
    // Act
    const id = conflictIdFor('contact', 'crm-003A', 'crm', 'a/b?c#d e');
    // Assess
    expect(id).toMatch(/^crm-[0-9a-f]{24}$/);
  });
});
