import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ErpItem } from '../../functions/kernel/erp/erp-items.js';
import type { StockItem } from '../../functions/kernel/stock/stock.js';
import type { StockChangeOutcome } from '../../functions/kernel/stock/stock-updates.js';
import type { LocalApply } from '../../functions/bulk/targets/local.js';
import { stockRecordOf } from '../../functions/bulk/targets/stock-records.js';
import { decideErpChange } from '../../functions/kernel/erp/erp-decision.js';
import { erpMailIntents } from '../../functions/erp/mail/erp-mail-intents.js';
import { anErpItem, nextVersion } from '../helpers/erp-items.js';

const applyStockChange = vi.hoisted(() => vi.fn());
const getStock = vi.hoisted(() => vi.fn());
const putTransaction = vi.hoisted(() => vi.fn(async () => undefined));
const applyStoredErpChange = vi.hoisted(() => vi.fn());
const getErpItem = vi.hoisted(() => vi.fn());
vi.mock('../../functions/kernel/stock/stock-updates.js', () => ({ applyStockChange }));
vi.mock('../../functions/kernel/stock/stock-reads.js', () => ({ getStock }));
vi.mock('../../functions/kernel/stock/transaction-writes.js', () => ({ putTransaction }));
vi.mock('../../functions/kernel/erp/apply-stored.js', () => ({ applyStoredErpChange }));
vi.mock('../../functions/kernel/erp/erp-reads.js', () => ({ getErpItem }));

const { applyToStock } = await import('../../functions/bulk/targets/stock-local.js');
const { applyToErp } = await import('../../functions/bulk/targets/erp-local.js');

const NOW = Date.parse('2026-12-03T10:00:00.000Z');

const aJob = (fields: Partial<LocalApply> = {}): LocalApply => ({
  source: 'erp',
  target: 'local',
  entity: 'inventory',
  jobId: 'job-1',
  page: 2,
  asOf: '2026-12-03T09:00:00.000Z',
  dryRun: false,
  ...fields,
});

const anErpCount = (fields: Record<string, unknown> = {}) => ({
  sku: 'SKU-1',
  warehouse: 'WH-1',
  qtyOnHand: 12,
  qtyAvailable: 10,
  lastModified: '2026-11-01T10:00:00Z',
  ...fields,
});

const aShopLevel = (fields: Record<string, unknown> = {}) => ({
  sku: 'SKU-1',
  location_id: 6884556842,
  available: 4,
  updated_at: '2026-11-01T10:00:00Z',
  ...fields,
});

const aStock = (fields: Partial<StockItem> = {}): StockItem => ({
  pk: 'SKU-1#WH-1',
  sk: 'STOCK',
  sku: 'SKU-1',
  warehouse: 'WH-1',
  quantity_on_hand: 12,
  version: 1,
  created_at: '2026-12-03T10:00:00.000Z',
  updated_at: '2026-12-03T10:00:00.000Z',
  last_adjustment_type: 'count',
  last_adjustment_source: 'erp',
  last_delivery_id: 'bulk:job-1:2:SKU-1~WH-1',
  last_quantity_before: 0,
  ...fields,
});

beforeEach(() => {
  vi.clearAllMocks();
});

describe('Function: stockRecordOf()', () => {
  it('maps an ERP inventory record to an absolute count from erp with its change time, extras and fingerprint', () => {
    // Act
    const mapped = stockRecordOf('erp', anErpCount(), NOW);
    // Assess
    expect(mapped).toMatchObject({
      ok: true,
      recordId: 'SKU-1~WH-1',
      adjustment: { source: 'erp', sku: 'SKU-1', warehouse: 'WH-1', type: 'count', quantity: 12 },
      extras: { quantity_available: 10, erp_change_time: Date.parse('2026-11-01T10:00:00Z') },
    });
  });

  it('gives the same ERP count the same fingerprint, and another count another one', () => {
    // Act
    const [a, b, c] = [anErpCount(), anErpCount(), anErpCount({ qtyOnHand: 13 })].map((r) =>
      stockRecordOf('erp', r, NOW),
    );
    // Assess
    const fingerprint = (m: typeof a) => (m?.ok ? m.extras.erp_fingerprint : undefined);
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).not.toBe(fingerprint(c));
  });

  it('maps a Shopify level to a count from ecommerce, its location as the warehouse and updated_at as its time', () => {
    // Act
    const mapped = stockRecordOf('ecommerce', aShopLevel(), NOW);
    // Assess
    expect(mapped).toMatchObject({
      ok: true,
      recordId: 'SKU-1~6884556842',
      adjustment: { source: 'ecommerce', sku: 'SKU-1', warehouse: '6884556842', type: 'count', quantity: 4 },
      extras: { erp_change_time: Date.parse('2026-11-01T10:00:00Z') },
    });
  });

  it('takes the inventory webhook shape {sku, warehouse, quantity} from the shop too', () => {
    // Act
    const mapped = stockRecordOf('ecommerce', { sku: 'SKU-2', warehouse: 'WH-2', quantity: 7 }, NOW);
    // Assess
    expect(mapped).toMatchObject({ ok: true, recordId: 'SKU-2~WH-2', adjustment: { quantity: 7 } });
  });

  it('never dates a count after now, so a fast source clock cannot win forever', () => {
    // Act
    const mapped = stockRecordOf('ecommerce', aShopLevel({ updated_at: '2099-01-01T00:00:00Z' }), NOW);
    // Assess
    expect(mapped).toMatchObject({ ok: true, extras: { erp_change_time: NOW } });
  });

  it.each([
    ['erp', anErpCount({ sku: 'SKU 1/x' }), 'sku: may hold letters, digits'],
    ['erp', anErpCount({ sku: undefined }), 'sku: is required'],
    ['erp', anErpCount({ qtyOnHand: undefined }), 'qtyOnHand'],
    ['erp', anErpCount({ qtyOnHand: 2.5 }), 'qtyOnHand: must be a whole number'],
    ['erp', anErpCount({ qtyOnHand: 1e13 }), 'qtyOnHand: must be at most 10^12'],
    ['ecommerce', aShopLevel({ sku: 'SKU#1' }), 'sku: may hold letters, digits'],
    ['ecommerce', aShopLevel({ available: undefined }), 'available'],
    ['ecommerce', aShopLevel({ available: -3 }), 'available: must be at least 0'],
    ['ecommerce', aShopLevel({ location_id: undefined }), 'warehouse: is required'],
    ['ecommerce', aShopLevel({ updated_at: 'yesterday' }), 'updated_at'],
    ['ecommerce', { inventory_item_id: 808950810, location_id: 1, available: 3 }, 'sku: is required'],
  ])('refuses a %s record %j, naming the field', (source, record, reason) => {
    // Act
    const mapped = stockRecordOf(source, record, NOW);
    // Assess
    expect(mapped.ok).toBe(false);
    expect(mapped.ok ? '' : mapped.reason).toContain(reason);
  });
});

describe('Function: applyToStock()', () => {
  it('applies a count through the stock path with the derived delivery id, leaving its transaction to the stream consumer', async () => {
    // Prepare
    applyStockChange.mockResolvedValue({ kind: 'applied', stock: aStock() } satisfies StockChangeOutcome);
    // Act
    const outcome = await applyToStock(aJob(), anErpCount());
    // Assess
    expect(outcome).toEqual({ outcome: 'created', recordId: 'SKU-1~WH-1' });
    expect(applyStockChange).toHaveBeenCalledWith(
      expect.objectContaining({ source: 'erp', type: 'count', quantity: 12 }),
      'bulk:job-1:2:SKU-1~WH-1',
      expect.any(String),
      expect.objectContaining({ erp_change_time: Date.parse('2026-11-01T10:00:00Z') }),
    );
    // The inventory stream consumer writes every stock version's transaction (functions/inventory/fanout).
    expect(putTransaction).not.toHaveBeenCalled();
  });

  it.each<[string, string, StockChangeOutcome]>([
    ['a changed level', 'updated', { kind: 'applied', stock: aStock({ version: 3, last_quantity_before: 5 }) }],
    ['the level it had', 'unchanged', { kind: 'applied', stock: aStock({ version: 3, last_quantity_before: 12 }) }],
    ['a duplicate (the same count again)', 'unchanged', { kind: 'erp-duplicate', stock: aStock({ version: 3 }) }],
    ['a stale count saying something else', 'skipped', { kind: 'erp-stale', stock: aStock({ quantity_on_hand: 9 }) }],
    ['a stale count saying the same', 'unchanged', { kind: 'erp-stale', stock: aStock({ quantity_on_hand: 12 }) }],
    ['this page applied before a crash', 'created', { kind: 'already-applied', stock: aStock() }],
  ])('counts %s as %s', async (_name, expected, result) => {
    // Prepare
    applyStockChange.mockResolvedValue(result);
    // Act
    const outcome = await applyToStock(aJob(), anErpCount());
    // Assess
    expect(outcome.outcome).toBe(expected);
  });

  it('keeps a bad sku as an error of that record and touches no stock', async () => {
    // Act
    const outcome = await applyToStock(aJob(), anErpCount({ sku: 'bad sku' }));
    // Assess
    expect(outcome).toMatchObject({ outcome: 'errors', reason: expect.stringContaining('sku:') });
    expect(applyStockChange).not.toHaveBeenCalled();
  });

  it('decides a dry run on the level as read and writes nothing', async () => {
    // Prepare
    getStock.mockResolvedValue(aStock({ quantity_on_hand: 3 }));
    // Act
    const outcome = await applyToStock(aJob({ dryRun: true }), anErpCount());
    // Assess
    expect(outcome).toEqual({
      outcome: 'updated',
      recordId: 'SKU-1~WH-1',
      changes: { quantity_on_hand: { from: 3, to: 12 } },
    });
    expect(applyStockChange).not.toHaveBeenCalled();
    expect(putTransaction).not.toHaveBeenCalled();
  });

  it('counts a dry run of an older count than the level holds as skipped', async () => {
    // Prepare
    getStock.mockResolvedValue(aStock({ quantity_on_hand: 3, erp_change_time: NOW }));
    // Act
    const outcome = await applyToStock(aJob({ dryRun: true }), anErpCount());
    // Assess
    expect(outcome).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('stale') });
  });
});

const anOrderRecord = (fields: Record<string, unknown> = {}) => ({
  id: 'SO-1',
  orderNumber: 'N-1',
  customerId: 'C-1',
  status: 'open',
  total: 12.5,
  currency: 'EUR',
  lastModified: '2026-11-01T10:00:00Z',
  ...fields,
});
const orderJob = (fields: Partial<LocalApply> = {}) => aJob({ entity: 'orders', ...fields });

describe('Function: applyToErp()', () => {
  it('writes an order through the ERP decision, marked with the job and its derived delivery id', async () => {
    // Prepare
    applyStoredErpChange.mockImplementation(async (change) => {
      const decision = decideErpChange(undefined, change);
      return { kind: 'written', before: undefined, item: decision.kind === 'write' ? decision.item : undefined };
    });
    // Act
    const outcome = await applyToErp(orderJob(), anOrderRecord());
    // Assess
    expect(outcome).toEqual({ outcome: 'created', recordId: 'SO-1' });
    expect(applyStoredErpChange).toHaveBeenCalledWith(
      expect.objectContaining({
        entity: 'salesOrder',
        entityId: 'SO-1',
        deliveryId: 'bulk:job-1:2:SO-1',
        bulkJobId: 'job-1',
      }),
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no id', { id: undefined }, 'id: is required'],
    ['a bad id', { id: 'SO 1/2' }, 'id: may hold'],
    ['no order number', { orderNumber: undefined }, 'orderNumber'],
    ['a bad currency', { currency: 'euro' }, 'currency'],
  ])('keeps a record with %s as an error naming the field', async (_name, fields, reason) => {
    // Act
    const outcome = await applyToErp(orderJob(), anOrderRecord(fields));
    // Assess
    expect(outcome).toMatchObject({ outcome: 'errors', reason: expect.stringContaining(reason) });
    expect(applyStoredErpChange).not.toHaveBeenCalled();
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['a duplicate', 'unchanged', { kind: 'duplicate', before: anErpItem('salesOrder', { last_delivery_id: 'evt-1' }) }],
    ['a stale change', 'skipped', { kind: 'stale', before: anErpItem('salesOrder', {}, { status: 'shipped' }) }],
    [
      'this page written before a crash',
      'created',
      { kind: 'duplicate', before: anErpItem('salesOrder', { last_delivery_id: 'bulk:job-1:2:SO-1' }) },
    ],
  ])('counts %s as %s', async (_name, expected, result) => {
    // Prepare
    applyStoredErpChange.mockResolvedValue(result);
    // Act
    const outcome = await applyToErp(orderJob(), anOrderRecord());
    // Assess
    expect(outcome.outcome).toBe(expected);
  });

  it('decides a dry run on the item as read, with its field changes, and writes nothing', async () => {
    // Prepare
    const existing = anErpItem(
      'salesOrder',
      { entity_id: 'SO-1' },
      { ...anOrderRecord({ id: undefined }), status: 'new' },
    );
    getErpItem.mockResolvedValue({ ...existing, change_time: 0 });
    // Act
    const outcome = await applyToErp(orderJob({ dryRun: true }), anOrderRecord());
    // Assess
    expect(outcome).toEqual({ outcome: 'updated', recordId: 'SO-1', changes: { status: { from: 'new', to: 'open' } } });
    expect(applyStoredErpChange).not.toHaveBeenCalled();
  });
});

describe('Function: erpMailIntents() for bulk-loaded items', () => {
  it('plans no mail for an order a bulk job wrote, and the usual one for a later webhook change of it', () => {
    // Prepare
    const loaded: ErpItem = {
      ...anErpItem('salesOrder', { status: 'open' }, { orderNumber: 'N-1' }),
      bulk_job_id: 'job-1',
    };
    const decision = decideErpChange(loaded, {
      eventType: 'updated',
      entity: 'salesOrder',
      entityId: loaded.entity_id,
      payload: { orderNumber: 'N-1', status: 'shipped' },
    });
    // Act
    const onLoad = erpMailIntents(undefined, loaded);
    const onWebhook = decision.kind === 'write' ? erpMailIntents(loaded, decision.item) : [];
    // Assess
    expect(onLoad).toEqual([]);
    expect(decision.kind === 'write' ? decision.item.bulk_job_id : 'kept').toBeUndefined();
    expect(onWebhook.map((i) => i.kind)).toEqual(['order-status']);
  });

  it('plans no status mail for a delivered status a bulk-loaded order owes to what came before it', () => {
    // Prepare
    const loaded: ErpItem = { ...anErpItem('salesOrder', { status: 'open' }), bulk_job_id: 'job-1' };
    // Act
    const intents = erpMailIntents(loaded, nextVersion(loaded, { status: 'delivered' }));
    // Assess
    expect(intents).toEqual([]);
  });
});
