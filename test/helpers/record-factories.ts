import type { StoredRecord } from '../../functions/kernel/records/record.js';
import type { InboundChange } from '../../functions/kernel/inbound/inbound-rules.js';

/** A contact we hold, in sync with the CRM at version 2 unless overridden. */
export const aStoredContact = (overrides: Partial<StoredRecord> = {}): StoredRecord => ({
  pk: 'contact#crm-003A',
  record_type: 'contact',
  record_id: 'crm-003A',
  data: { first_name: 'Ana', last_name: 'Lima', email: 'ana@example.com' },
  version: 2,
  synced_version: 2,
  origin: 'crm',
  created_at: '2026-11-01T10:00:00.000Z',
  updated_at: '2026-11-02T10:00:00.000Z',
  external_id: '003A',
  external_source: 'crm',
  remote_updated_at: '2026-11-02T10:00:00.000Z',
  last_delivery_id: 'msg_1',
  ...overrides,
});

/** A change the CRM reports about contact 003A, newer than {@link aStoredContact}'s last one. */
export const aCrmChange = (overrides: Partial<InboundChange> = {}): InboundChange => ({
  source: 'crm',
  event: 'updated',
  recordType: 'contact',
  externalId: '003A',
  data: { first_name: 'Ana', last_name: 'Lima', email: 'ana.lima@example.com' },
  timestamp: '2026-11-03T10:00:00.000Z',
  deliveryId: 'msg_2',
  ...overrides,
});
