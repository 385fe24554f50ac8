import { describe, expect, it } from 'vitest';
import { type ErpChange, decideErpChange, erpFingerprint } from '../../functions/kernel/erp/erp-decision.js';
import type { ErpItem } from '../../functions/kernel/erp/erp-items.js';
import { salesOrderPayload } from '../helpers/erp-factories.js';

/** The pure decision of one ERP event against the stored item: merge, stale, duplicate. */
const NOW = new Date('2026-12-03T12:00:00Z');
const LATER = new Date('2026-12-03T13:00:00Z');

const change = (overrides: Partial<ErpChange> = {}): ErpChange => ({
  eventType: 'created',
  entity: 'salesOrder',
  entityId: 'SO-1',
  payload: salesOrderPayload({ orderNumber: 'SO-1', lastModified: '2026-12-03T10:00:00Z' }, 3),
  ...overrides,
});

const written = (existing: ErpItem | undefined, next: ErpChange, now = NOW): ErpItem => {
  const decision = decideErpChange(existing, next, now);
  if (decision.kind !== 'write') throw new Error(`expected a write, got ${decision.kind}`);
  return decision.item;
};

describe('decideErpChange', () => {
  it('creates version 1 with the payload, its status, customer, change time and the fingerprint as delivery', () => {
    // Act
    const item = written(undefined, change());
    // Assess
    expect(item).toMatchObject({
      pk: 'salesOrder#SO-1',
      sk: 'ENTITY',
      version: 1,
      status: 'open',
      customer_id: 'CUST-1',
      change_time: Date.parse('2026-12-03T10:00:00Z'),
      created_at: NOW.toISOString(),
      last_event_type: 'created',
    });
    expect(item.last_delivery_id).toBe(`fp:${item.fingerprint}`);
    expect(JSON.parse(item.sync_event ?? '')).toMatchObject({ direction: 'inbound', source: 'erp', event: 'created' });
  });

  it('keeps the fields an update leaves out and replaces the lines as a whole', () => {
    // Prepare
    const first = written(undefined, change());
    const lines = [{ sku: 'SKU-9', quantity: 1 }];
    // Act
    const item = written(
      first,
      change({ eventType: 'updated', payload: { orderNumber: 'SO-1', status: 'released', lineItems: lines } }),
      LATER,
    );
    // Assess
    expect(item.data).toMatchObject({ total: 124, currency: 'EUR', status: 'released', lineItems: lines });
    expect(item).toMatchObject({
      version: 2,
      status: 'released',
      created_at: NOW.toISOString(),
      updated_at: LATER.toISOString(),
    });
    expect(item.change_time).toBe(first.change_time);
  });

  it('keeps a deleted entity, marks it deleted and keeps its data', () => {
    // Prepare
    const first = written(undefined, change());
    // Act
    const item = written(first, change({ eventType: 'deleted', payload: undefined }), LATER);
    // Assess
    expect(item).toMatchObject({ status: 'deleted', deleted_at: LATER.toISOString(), version: 2 });
    expect(item.data.orderNumber).toBe('SO-1');
  });

  it('stamps cancelled_at once, when the status becomes cancelled', () => {
    // Prepare
    const first = written(undefined, change());
    const cancelled = written(
      first,
      change({ eventType: 'updated', payload: { orderNumber: 'SO-1', status: 'cancelled' } }),
      NOW,
    );
    // Act
    const again = written(
      cancelled,
      change({ eventType: 'updated', payload: { orderNumber: 'SO-1', status: 'cancelled', total: 1 } }),
      LATER,
    );
    // Assess
    expect(again.cancelled_at).toBe(NOW.toISOString());
  });

  it('keeps what the follow-up derived (payment, delivery) across an ERP update', () => {
    // Prepare
    const first = { ...written(undefined, change()), payment_status: 'paid', delivered_at: NOW.toISOString() };
    // Act
    const item = written(first, change({ eventType: 'updated', payload: { orderNumber: 'SO-1', total: 130 } }), LATER);
    // Assess
    expect(item).toMatchObject({ payment_status: 'paid', delivered_at: NOW.toISOString(), status: 'open' });
  });

  it('links an invoice to its order and customer, and a shipment to its order only', () => {
    // Act
    const invoice = written(
      undefined,
      change({ entity: 'invoice', payload: { invoiceNumber: 'I-1', orderId: 'SO-1', customerId: 'C-1' } }),
    );
    const shipment = written(undefined, change({ entity: 'shipment', payload: { orderId: 'SO-2' } }));
    // Assess
    expect(invoice).toMatchObject({ order_id: 'SO-1', customer_id: 'C-1' });
    expect(shipment.order_id).toBe('SO-2');
    expect(shipment.customer_id).toBeUndefined();
  });

  it('answers stale to an older change time and changes nothing', () => {
    // Prepare
    const first = written(undefined, change());
    // Act
    const decision = decideErpChange(
      first,
      change({
        eventType: 'updated',
        payload: { orderNumber: 'SO-1', status: 'x', lastModified: '2026-12-03T09:59:59Z' },
      }),
    );
    // Assess
    expect(decision).toEqual({ kind: 'stale' });
  });

  it('applies a change without a change time after one with it, keeping the applied change time', () => {
    // Prepare
    const first = written(undefined, change());
    // Act
    const item = written(first, change({ eventType: 'updated', payload: { orderNumber: 'SO-1', status: 'held' } }));
    // Assess
    expect(item).toMatchObject({ status: 'held', change_time: first.change_time });
  });

  it('answers duplicate to the same payload again, whatever its key order or created/updated', () => {
    // Prepare
    const payload = { orderNumber: 'SO-1', status: 'open', total: 5 };
    const first = written(undefined, change({ payload }));
    // Act
    const decision = decideErpChange(
      first,
      change({ eventType: 'updated', payload: { total: 5, status: 'open', orderNumber: 'SO-1' } }),
    );
    // Assess
    expect(decision).toEqual({ kind: 'duplicate' });
  });

  it('does not take a deleted event for a duplicate of the update that carried the same payload', () => {
    // Act
    const updated = erpFingerprint({ eventType: 'updated', payload: { a: 1 } });
    const deleted = erpFingerprint({ eventType: 'deleted', payload: { a: 1 } });
    // Assess
    expect(deleted).not.toBe(updated);
  });

  it('expects the version it read, or no item when none was read', () => {
    // Prepare
    const first = decideErpChange(undefined, change());
    // Act
    const second =
      first.kind === 'write'
        ? decideErpChange(first.item, change({ payload: { orderNumber: 'SO-1', total: 9 } }))
        : first;
    // Assess
    expect(first).toMatchObject({ kind: 'write', expectedVersion: undefined });
    expect(second).toMatchObject({ kind: 'write', expectedVersion: 1 });
  });
});
