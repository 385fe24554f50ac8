import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../functions/kernel/records/record.js';
import { recordView } from '../../functions/kernel/records/record-view.js';

/** A stored contact as an inbound write leaves it, with every storage internal set. */
const storedRecord = (overrides: Partial<StoredRecord> = {}): StoredRecord => ({
  pk: 'contact#crm-003A',
  record_type: 'contact',
  record_id: 'crm-003A',
  data: { first_name: 'Ana', email: 'ana@example.com' },
  version: 3,
  synced_version: 3,
  origin: 'crm',
  created_at: '2026-11-24T10:00:00.000Z',
  updated_at: '2026-11-24T11:00:00.000Z',
  synced_at: '2026-11-24T11:00:00.000Z',
  remote_updated_at: '2026-11-24T10:59:58Z',
  remote_ms: 1795604398000,
  sync_event: '{"event":"updated"}',
  last_delivery_id: 'd-1',
  match_key: 'contact#email#ana@example.com',
  base_data: { first_name: 'An' },
  pushed_data: { firstName: 'Ana' },
  sync_status: 'synced',
  external_id: '003A',
  external_source: 'crm',
  ...overrides,
});

describe('recordView', () => {
  it('answers the domain shape with the compatibility fields, and none of the storage internals', () => {
    // Prepare
    const record = storedRecord();
    // Act
    const view = recordView(record);
    // Assess
    expect(view).toEqual({
      id: 'crm-003A',
      type: 'contact',
      data: { first_name: 'Ana', email: 'ana@example.com' },
      external_ids: { crm: '003A' },
      sync_status: 'synced',
      version: 3,
      origin: 'crm',
      created_at: '2026-11-24T10:00:00.000Z',
      updated_at: '2026-11-24T11:00:00.000Z',
      synced_at: '2026-11-24T11:00:00.000Z',
      record_id: 'crm-003A',
      record_type: 'contact',
      external_id: '003A',
      external_source: 'crm',
      synced_version: 3,
      remote_updated_at: '2026-11-24T10:59:58Z',
    });
    for (const internal of [
      'pk',
      'remote_ms',
      'sync_event',
      'last_delivery_id',
      'match_key',
      'base_data',
      'pushed_data',
    ]) {
      expect(view).not.toHaveProperty(internal);
    }
  });

  it('says pending for a local change the outside system has not acknowledged, even where the stored status says synced', () => {
    // Act
    const view = recordView(storedRecord({ version: 4, origin: 'local' }));
    // Assess
    expect(view.sync_status).toBe('pending');
  });

  it('says pending for a new local contact never pushed, with no external ids', () => {
    // Prepare
    const { synced_version, synced_at, external_id, external_source, sync_status, ...local } = storedRecord();
    // Act
    const view = recordView({ ...local, record_id: 'c-1', version: 1, origin: 'local' });
    // Assess
    expect(view).toMatchObject({ sync_status: 'pending', external_ids: {} });
    expect(view).not.toHaveProperty('external_id');
    expect(view).not.toHaveProperty('synced_at');
  });

  it('says local for a never-synced record of a type no tool pushes (a product)', () => {
    // Prepare
    const { synced_version, external_id, external_source, sync_status, ...local } = storedRecord();
    // Act
    const view = recordView({ ...local, pk: 'product#SKU-1', record_type: 'product', record_id: 'SKU-1', version: 1 });
    // Assess
    expect(view.sync_status).toBe('local');
  });

  it('says conflict, with has_conflict and the conflict id, while a conflict is open', () => {
    // Act
    const view = recordView(storedRecord({ version: 4, sync_status: 'conflict', conflict_id: 'k-1' }));
    // Assess
    expect(view).toMatchObject({ sync_status: 'conflict', has_conflict: true, conflict_id: 'k-1' });
  });

  it('shows no conflict id once the record is synced again', () => {
    // Act
    const view = recordView(storedRecord({ conflict_id: 'k-1' }));
    // Assess
    expect(view).not.toHaveProperty('conflict_id');
    expect(view).not.toHaveProperty('has_conflict');
  });

  it('keeps when and by whom a record was deleted', () => {
    // Act
    const view = recordView(storedRecord({ deleted_at: '2026-11-24T12:00:00.000Z', deleted_from: 'crm' }));
    // Assess
    expect(view).toMatchObject({ deleted_at: '2026-11-24T12:00:00.000Z', deleted_from: 'crm' });
  });
});
