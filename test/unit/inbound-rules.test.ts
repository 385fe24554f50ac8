import { describe, expect, it } from 'vitest';
import { decideInbound } from '../../functions/kernel/inbound/inbound-rules.js';
import { aCrmChange, aStoredContact } from '../helpers/record-factories.js';

describe('Function: decideInbound()', () => {
  it('creates a record the source reports and we do not hold', () => {
    expect(decideInbound(undefined, aCrmChange({ event: 'created' }))).toEqual({ kind: 'create' });
  });

  it('treats an update for a record we do not hold as a create', () => {
    expect(decideInbound(undefined, aCrmChange({ event: 'updated' }))).toEqual({ kind: 'create' });
  });

  it('applies a newer change when no local change is pending', () => {
    expect(decideInbound(aStoredContact(), aCrmChange())).toEqual({ kind: 'apply' });
  });

  it('recognises the delivery it applied last as a duplicate', () => {
    // Prepare
    const record = aStoredContact({ last_delivery_id: 'msg_2' });
    // Act
    const decision = decideInbound(record, aCrmChange({ deliveryId: 'msg_2' }));
    // Assess
    expect(decision).toEqual({ kind: 'duplicate' });
  });

  it.each([
    ['older', '2026-11-01T09:00:00.000Z'],
    ['as old as', '2026-11-02T10:00:00.000Z'],
  ])('refuses a change %s the last one applied as stale', (_label, timestamp) => {
    expect(decideInbound(aStoredContact(), aCrmChange({ timestamp }))).toEqual({
      kind: 'stale',
      lastApplied: '2026-11-02T10:00:00.000Z',
    });
  });

  it('compares change times as instants, not as strings', () => {
    // Prepare: the same instant as the last applied change, written with an offset.
    const change = aCrmChange({ timestamp: '2026-11-02T12:00:00.000+02:00' });
    // Act / Assess
    expect(decideInbound(aStoredContact(), change).kind).toBe('stale');
  });

  it('raises a conflict when a local change the source has not acknowledged is pending', () => {
    // Prepare
    const record = aStoredContact({
      version: 3,
      synced_version: 2,
      origin: 'local',
      data: { email: 'ana@local.example' },
    });
    // Act / Assess
    expect(decideInbound(record, aCrmChange({ data: { email: 'ana@crm.example' } }))).toEqual({ kind: 'conflict' });
  });

  it('takes the source repeating our pending values as an acknowledgement, not a conflict', () => {
    // Prepare
    const record = aStoredContact({
      version: 3,
      synced_version: 2,
      origin: 'local',
      data: { email: 'ana@local.example' },
    });
    // Act
    const decision = decideInbound(record, aCrmChange({ data: { email: 'ana@local.example' } }));
    // Assess
    expect(decision).toEqual({ kind: 'echo', acknowledge: true });
  });

  it('takes an echo of the version we pushed as no conflict while a newer local edit waits', () => {
    // Prepare
    const record = aStoredContact({
      version: 4,
      synced_version: 3,
      origin: 'local',
      data: { email: 'v4@example.com' },
      pushed_data: { email: 'v3@example.com' },
    });
    // Act
    const decision = decideInbound(record, aCrmChange({ data: { email: 'v3@example.com' } }));
    // Assess
    expect(decision).toEqual({ kind: 'echo', acknowledge: false });
  });

  it('applies an echo that also brings fields we lack, such as a default status', () => {
    // Prepare
    const record = aStoredContact({
      version: 1,
      synced_version: 0,
      origin: 'local',
      data: { email: 'ana@example.com' },
    });
    // Act
    const decision = decideInbound(record, aCrmChange({ data: { email: 'ana@example.com', status: 'lead' } }));
    // Assess
    expect(decision).toEqual({ kind: 'apply' });
  });

  it('records a delete for a record we never had as a tombstone', () => {
    expect(decideInbound(undefined, aCrmChange({ event: 'deleted', data: {} }))).toEqual({ kind: 'tombstone' });
  });

  it('keeps a tombstone from being undone by a late, older create', () => {
    // Prepare
    const tombstone = aStoredContact({
      deleted_at: '2026-11-05T00:00:00.000Z',
      remote_updated_at: '2026-11-05T00:00:00.000Z',
    });
    // Act
    const decision = decideInbound(tombstone, aCrmChange({ event: 'created', timestamp: '2026-11-04T00:00:00.000Z' }));
    // Assess
    expect(decision.kind).toBe('stale');
  });

  it('soft-deletes a record with no pending local change', () => {
    expect(decideInbound(aStoredContact(), aCrmChange({ event: 'deleted', data: {} }))).toEqual({ kind: 'delete' });
  });

  it('raises a conflict for a delete while a local change is pending', () => {
    // Prepare
    const record = aStoredContact({ version: 3, synced_version: 2 });
    // Act / Assess
    expect(decideInbound(record, aCrmChange({ event: 'deleted', data: {} }))).toEqual({ kind: 'conflict' });
  });
});
