import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ErpItem } from '../../functions/kernel/erp/erp-items.js';
import { DEFAULT_SETTINGS } from '../../functions/kernel/settings/settings-schema.js';
import { carriedSyncEvent, encodeSyncEvent } from '../../functions/kernel/sync-log/sync-events.js';
import { anErpItem, erpStreamRecord, nextVersion } from '../helpers/erp-items.js';

const enqueueOutbound = vi.hoisted(() => vi.fn(async (messages: unknown[]) => messages));
const putSyncLogItem = vi.hoisted(() => vi.fn(async () => true));
const getErpItem = vi.hoisted(() => vi.fn());
const applyOrderUpdate = vi.hoisted(() => vi.fn(async (_update: unknown) => true));
const itemsOfOrder = vi.hoisted(() => vi.fn(async (): Promise<ErpItem[]> => []));
const parkWaitingMail = vi.hoisted(() => vi.fn());
const mailsWaitingFor = vi.hoisted(() => vi.fn(async () => []));
const resolveMail = vi.hoisted(() => vi.fn(async () => true));
const rewaitMail = vi.hoisted(() => vi.fn());
const settings = vi.hoisted(() => ({ value: {} as unknown }));

vi.mock('../../functions/kernel/outbound/outbound-queue.js', () => ({ enqueueOutbound }));
vi.mock('../../functions/kernel/settings/read-settings.js', () => ({ readSettings: async () => settings.value }));
vi.mock('../../functions/kernel/sync-log/sync-events.js', async (original) => ({
  ...(await original<object>()),
  putSyncLogItem,
}));
vi.mock('../../functions/erp/mail/erp-item-reads.js', () => ({ getErpItem }));
vi.mock('../../functions/erp/followup/order-updates.js', () => ({ applyOrderUpdate, itemsOfOrder }));
vi.mock('../../functions/erp/mail/park-mail.js', () => ({ parkWaitingMail }));
vi.mock('../../functions/erp/mail/waiting-mails.js', async (original) => ({
  ...(await original<object>()),
  mailsWaitingFor,
  resolveMail,
  rewaitMail,
}));

const { followUpErpWrite } = await import('../../functions/erp/followup/follow-up.js');

const NOW = new Date('2026-12-03T12:00:00.000Z');
const customer = anErpItem('customer', { entity_id: 'C-1' }, { name: 'Ann', email: 'ann@example.com' });
const order = anErpItem(
  'salesOrder',
  { entity_id: 'SO-1', customer_id: 'C-1', status: 'open' },
  { orderNumber: 'N-1' },
);
const shipment = anErpItem(
  'shipment',
  { entity_id: 'SH-1', order_id: 'SO-1', status: 'shipped' },
  { orderId: 'SO-1', carrier: 'ups', trackingNumber: '1Z' },
);

const known = (...items: ErpItem[]) =>
  getErpItem.mockImplementation(async (entity: string, id: string) =>
    items.find((item) => item.entity === entity && item.entity_id === id),
  );

const logged = (source: string) =>
  (putSyncLogItem.mock.calls as unknown as [{ source: string; outcome: string }][]).filter(
    ([i]) => i.source === source,
  );

beforeEach(() => {
  vi.clearAllMocks();
  settings.value = {
    ...DEFAULT_SETTINGS,
    recipients: { ...DEFAULT_SETTINGS.recipients, sales: ['sales@example.com'] },
  };
  known();
});

describe('Function: followUpErpWrite()', () => {
  it('logs the carried sync event of a write, and not again when a later write keeps it', async () => {
    // Prepare
    const event = encodeSyncEvent(
      carriedSyncEvent({ direction: 'inbound', source: 'erp', event: 'created', outcome: 'synced' }),
    );
    const first = { ...customer, sync_event: event };
    // Act
    const entry = await followUpErpWrite(erpStreamRecord(first), NOW);
    const again = await followUpErpWrite(erpStreamRecord(nextVersion(first), first), NOW);
    // Assess
    expect(entry).toMatchObject({ record_type: 'customer', record_id: 'C-1', outcome: 'synced' });
    expect(again).toBeUndefined();
    expect(logged('erp')).toHaveLength(1);
  });

  it('fails the record when the mail cannot be queued, logging no mail as queued', async () => {
    // Prepare
    enqueueOutbound.mockRejectedValueOnce(new Error('queue down'));
    // Act
    const attempt = followUpErpWrite(erpStreamRecord(order), NOW);
    // Assess
    await expect(attempt).rejects.toThrow('queue down');
    expect(logged('mail')).toHaveLength(0);
  });

  it('queues a mail with its deterministic id as message id and supersede key', async () => {
    // Act
    await followUpErpWrite(erpStreamRecord(order), NOW);
    // Assess
    expect(enqueueOutbound).toHaveBeenCalledWith([
      expect.objectContaining({
        id: 'erp-mail#salesOrder#SO-1#v1#order-created',
        supersede: { key: 'erp-mail#salesOrder#SO-1#v1#order-created', version: 1 },
        request: expect.objectContaining({ kind: 'mail', to: ['sales@example.com'], subject: 'New Order: N-1' }),
      }),
    ]);
    expect(logged('mail').map(([i]) => i.outcome)).toEqual(['queued']);
  });

  it('parks a shipment mail whose order is unknown, and sends it at once if the order came meanwhile', async () => {
    // Prepare
    const parked = { pk: 'mail#x', sk: 'MAIL', waits_for: 'salesOrder#SO-1', intent: '' };
    parkWaitingMail.mockImplementation(async (intent: unknown) => {
      known(order, customer);
      return { ...parked, intent: JSON.stringify(intent) };
    });
    // Act
    await followUpErpWrite(erpStreamRecord(shipment), NOW);
    // Assess
    expect(parkWaitingMail).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'shipment-created' }),
      { kind: 'wait', waits_for: 'salesOrder#SO-1', reason: 'order SO-1 not known yet' },
      NOW,
    );
    expect(enqueueOutbound).toHaveBeenCalledOnce();
    expect(resolveMail).toHaveBeenCalledWith(expect.objectContaining({ pk: 'mail#x' }), 'sent', 'sent', NOW);
  });

  it('leaves a parked mail waiting when what it waits for is still unknown', async () => {
    // Prepare
    parkWaitingMail.mockImplementation(async (intent: unknown) => ({
      pk: 'mail#x',
      sk: 'MAIL',
      waits_for: 'salesOrder#SO-1',
      intent: JSON.stringify(intent),
    }));
    // Act
    await followUpErpWrite(erpStreamRecord(shipment), NOW);
    // Assess
    expect(enqueueOutbound).not.toHaveBeenCalled();
    expect(resolveMail).not.toHaveBeenCalled();
    expect(rewaitMail).not.toHaveBeenCalled();
  });

  it('updates the order of a paid invoice, and a new order from the invoices and shipments before it', async () => {
    // Prepare
    const invoice = anErpItem('invoice', { order_id: 'SO-1', customer_id: 'C-1', status: 'issued' });
    itemsOfOrder.mockResolvedValueOnce([{ ...shipment, status: 'delivered' }]);
    // Act
    await followUpErpWrite(erpStreamRecord(nextVersion(invoice, { status: 'paid' }), invoice), NOW);
    await followUpErpWrite(erpStreamRecord(order), NOW);
    // Assess
    expect(applyOrderUpdate.mock.calls.map(([update]) => update)).toEqual([
      expect.objectContaining({ order_id: 'SO-1', change: 'paid' }),
      expect.objectContaining({ order_id: 'SO-1', change: 'delivered', from: shipment.pk }),
    ]);
    expect(mailsWaitingFor).toHaveBeenCalledWith('salesOrder#SO-1');
  });

  it('ignores the item of a waiting mail', async () => {
    // Act
    const entry = await followUpErpWrite(erpStreamRecord({ ...order, sk: 'MAIL' } as unknown as ErpItem), NOW);
    // Assess
    expect(entry).toBeUndefined();
    expect(enqueueOutbound).not.toHaveBeenCalled();
  });
});
