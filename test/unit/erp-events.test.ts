import { describe, expect, it } from 'vitest';
import { changeTimeOf, erpEnvelope, erpPayloads } from '../../functions/kernel/erp/erp-events.js';
import { planErpFetch } from '../../functions/erp/fetch/plan-fetch.js';
import { parseOr400 } from '../../functions/kernel/http/parse-or-400.js';
import { HttpError } from '../../functions/kernel/http/responses.js';
import { erpEvent, inventoryPayload, salesOrderPayload } from '../helpers/erp-factories.js';

/** The envelope and payload refusals name the field (or `payload.<path>`) and list known values. */
const refusal = (run: () => unknown): { status: number; message: string; issues: unknown } => {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError)
      return { status: error.statusCode, message: error.message, issues: error.details?.issues };
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('ERP envelope and payloads', () => {
  it('names entity and lists the known entities for an unknown one', () => {
    // Act
    const { status, message } = refusal(() =>
      parseOr400(erpEnvelope, { ...erpEvent('customer'), entity: 'vendor' }, 'body'),
    );
    // Assess
    expect(status).toBe(400);
    expect(message).toBe(
      'Invalid body: entity: must be one of salesOrder, purchaseOrder, invoice, inventory, shipment, customer',
    );
  });

  it('names eventType and lists the known event types for an unknown one', () => {
    // Act
    const { message } = refusal(() => parseOr400(erpEnvelope, { ...erpEvent('customer'), eventType: 'moved' }, 'body'));
    // Assess
    expect(message).toBe('Invalid body: eventType: must be one of created, updated, deleted');
  });

  it('refuses an entityId that could not be a key', () => {
    // Act
    const { message } = refusal(() => parseOr400(erpEnvelope, { ...erpEvent('customer'), entityId: 'a/b' }, 'body'));
    // Assess
    expect(message).toContain('entityId: may hold letters, digits');
  });

  it('names payload.<path> for a bad line of an order', () => {
    // Act
    const { issues } = refusal(() =>
      parseOr400(erpPayloads.salesOrder, salesOrderPayload({ lineItems: [{ sku: 'S', quantity: -1 }] }), 'payload', [
        'payload',
      ]),
    );
    // Assess
    expect(issues).toEqual([{ path: 'payload.lineItems.0.quantity', message: 'must be at least 0' }]);
  });

  it('refuses a fractional ERP count and a bad date', () => {
    // Act
    const { issues } = refusal(() =>
      parseOr400(erpPayloads.inventory, inventoryPayload({ qtyOnHand: 1.5, lastCountDate: '03/12/2026' }), 'payload', [
        'payload',
      ]),
    );
    // Assess
    expect(issues).toEqual([
      { path: 'payload.qtyOnHand', message: 'must be a whole number' },
      { path: 'payload.lastCountDate', message: 'must be an ISO 8601 date (2026-12-03) or date-time with an offset' },
    ]);
  });

  it('reads the change time from lastModified, else updatedAt', () => {
    // Act / Assess
    expect(changeTimeOf({ updatedAt: '2026-12-03T10:00:00Z' })).toBe(Date.parse('2026-12-03T10:00:00Z'));
    expect(changeTimeOf({ lastModified: '2026-12-03T09:00:00Z', updatedAt: '2026-12-03T10:00:00Z' })).toBe(
      Date.parse('2026-12-03T09:00:00Z'),
    );
    expect(changeTimeOf({})).toBeUndefined();
  });
});

describe('planErpFetch', () => {
  it('fetches GET /api/{entity}/{id} on the erp integration, grouped by entity, with the fetch action', () => {
    // Act
    const message = planErpFetch(
      { eventType: 'updated', entity: 'salesOrder', entityId: 'SO-1', deliveryId: 'evt-1' },
      '2026-12-03T10:00:00Z',
    );
    // Assess
    expect(message).toMatchObject({
      id: 'erp-fetch#salesOrder#SO-1#evt-1',
      group: 'erp#salesOrder#SO-1',
      request: { integration: 'erp', method: 'GET', path: '/api/salesOrder/SO-1' },
      action: {
        name: 'erp.fetchEntity',
        params: { eventType: 'updated', entity: 'salesOrder', entityId: 'SO-1', deliveryId: 'evt-1' },
      },
    });
  });

  it('makes an unkeyed notification a new message per arrival', () => {
    // Act
    const first = planErpFetch({ eventType: 'updated', entity: 'invoice', entityId: 'I-1' }, '2026-12-03T10:00:00Z');
    const second = planErpFetch({ eventType: 'updated', entity: 'invoice', entityId: 'I-1' }, '2026-12-03T10:05:00Z');
    // Assess
    expect(first.id).not.toBe(second.id);
  });
});
