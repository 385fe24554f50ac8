import { describe, expect, it, vi } from 'vitest';
import { applyInboundChange } from '../../functions/kernel/inbound/apply-inbound.js';
import type { InboundChange } from '../../functions/kernel/inbound/inbound-rules.js';
import { type InboundRecordStore, RecordMovedError } from '../../functions/kernel/inbound/record-store.js';
import type { StoredRecord } from '../../functions/kernel/records/record.js';

/**
 * `applyInboundChange` with the record the caller read already (bulk sync
 * reads a page's records in one BatchGetItem): the first round decides on
 * it with no read and no blind write; a write refused because the record
 * moved is read and decided again, as without it.
 */

const notExpected = (name: string) => vi.fn(() => Promise.reject(new Error(`${name} was not expected here`)));

/** A store that refuses every read and write unless a test allows it. */
const strictStore = (overrides: Partial<InboundRecordStore> = {}): InboundRecordStore => ({
  findByExternalId: notExpected('findByExternalId'),
  resolveItem: notExpected('resolveItem'),
  findUnlinkedMatch: notExpected('findUnlinkedMatch'),
  applyRemoteBlind: notExpected('applyRemoteBlind'),
  createFromRemote: notExpected('createFromRemote'),
  applyRemote: notExpected('applyRemote'),
  noteRemote: notExpected('noteRemote'),
  noteSkipped: notExpected('noteSkipped'),
  wasApplied: notExpected('wasApplied'),
  appendSyncEvent: notExpected('appendSyncEvent'),
  noteConflict: notExpected('noteConflict'),
  ...overrides,
});

const aChange = (overrides: Partial<InboundChange> = {}): InboundChange => ({
  source: 'crm',
  event: 'updated',
  recordType: 'contact',
  externalId: '003A',
  data: { email: 'ana@example.com', firstName: 'Ana' },
  timestamp: '2026-11-24T10:00:00.000Z',
  deliveryId: 'bulk:job-1:1:003A',
  ...overrides,
});

/** Created from the CRM an hour before the change. */
const aRecord = (): StoredRecord => ({
  pk: 'contact#crm-003A',
  record_type: 'contact',
  record_id: 'crm-003A',
  data: { email: 'ana@example.com', firstName: 'Anna' },
  version: 1,
  synced_version: 1,
  origin: 'crm',
  created_at: '2026-11-24T09:00:00.000Z',
  updated_at: '2026-11-24T09:00:00.000Z',
  remote_updated_at: '2026-11-24T09:00:00.000Z',
  remote_ms: Date.parse('2026-11-24T09:00:00.000Z'),
  last_delivery_id: 'msg_0',
  external_id: '003A',
  external_source: 'crm',
  sync_status: 'synced',
});

describe('applyInboundChange with a known record', () => {
  it('creates a record the caller found absent with one write and no read', async () => {
    // Prepare
    const createFromRemote = vi.fn(async (recordId: string) => ({ ...aRecord(), record_id: recordId }));
    const store = strictStore({ createFromRemote });

    // Act
    const result = await applyInboundChange(aChange(), store, new Date('2026-11-24T10:00:01.000Z'), {
      record: undefined,
    });

    // Assess
    expect(result).toEqual({ status: 'synced', record_id: 'crm-003A', direction: 'inbound', changed: true });
    expect(createFromRemote).toHaveBeenCalledTimes(1);
    expect(store.findByExternalId).not.toHaveBeenCalled();
    expect(store.applyRemoteBlind).not.toHaveBeenCalled();
    expect(store.findUnlinkedMatch).not.toHaveBeenCalled();
  });

  it('decides again on what the key holds when a record appeared after the caller read it', async () => {
    // Prepare
    const appeared = aRecord();
    const store = strictStore({
      createFromRemote: vi.fn(async () => {
        throw new RecordMovedError('the key is taken', { item: appeared });
      }),
      resolveItem: vi.fn(async (_type, item) => item as StoredRecord | undefined),
      applyRemote: vi.fn(async () => undefined),
    });

    // Act
    const result = await applyInboundChange(aChange(), store, new Date('2026-11-24T10:00:01.000Z'), {
      record: undefined,
    });

    // Assess
    expect(result).toEqual({ status: 'synced', record_id: 'crm-003A', direction: 'inbound', changed: true });
    expect(store.applyRemote).toHaveBeenCalledWith(
      appeared,
      expect.objectContaining({ externalId: '003A' }),
      expect.any(String),
      expect.anything(),
      { delete: false },
    );
  });
});
