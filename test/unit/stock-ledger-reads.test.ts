import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StockTransaction } from '../../functions/kernel/stock/stock.js';

/**
 * The ledger reads that must not mistake a transaction the stream consumer
 * has not written yet for one that never happened. DynamoDB is a script of
 * Query answers; the integration tests run them against DynamoDB Local
 * (test/integration/inventory-webhook.test.ts).
 */
const send = vi.hoisted(() => vi.fn());
vi.mock('../../functions/kernel/aws/dynamo-client.js', () => ({ dynamo: () => ({ send }) }));

const { findTransactionByDelivery, listTransactions } = await import('../../functions/kernel/stock/stock-reads.js');

const SINCE = '2026-12-03T10:00:00.000Z';
const aTransaction = (version: number, overrides: Partial<StockTransaction> = {}): StockTransaction => ({
  pk: 'SKU-1#WH-1',
  sk: `TX#${String(version).padStart(12, '0')}`,
  sku: 'SKU-1',
  warehouse: 'WH-1',
  adjustment_type: 'receipt',
  quantity_before: version - 1,
  quantity_change: 1,
  quantity_after: version,
  source: 'erp',
  created_at: '2026-12-03T10:00:05.000Z',
  delivery_id: `msg_${version}`,
  version,
  ...overrides,
});
const answerQueries = (...pages: StockTransaction[][]) => {
  for (const page of pages) send.mockResolvedValueOnce({ Items: page });
};
const versions = (...list: number[]) => list.map((v) => aTransaction(v));

describe('Function: findTransactionByDelivery()', () => {
  beforeEach(() => {
    send.mockReset();
    process.env.INVENTORY_TABLE = 'inventory-test';
  });

  it('finds the delivery among the versions since the claim, newest first', async () => {
    // Prepare
    answerQueries(versions(5, 4, 3));
    // Act
    const found = await findTransactionByDelivery(
      { sku: 'SKU-1', warehouse: 'WH-1', source: 'erp' },
      'msg_4',
      SINCE,
      5,
    );
    // Assess
    expect(found).toEqual({ kind: 'found', transaction: aTransaction(4) });
    expect(send.mock.calls[0]?.[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: { ':last': 'TX#000000000005' },
      ScanIndexForward: false,
    });
  });

  it('answers absent only when every version back to the claim is in the ledger', async () => {
    // Prepare
    answerQueries([...versions(3, 2), aTransaction(1, { created_at: '2026-12-03T09:00:00.000Z' })]);
    // Act
    const found = await findTransactionByDelivery(
      { sku: 'SKU-1', warehouse: 'WH-1', source: 'erp' },
      'msg_9',
      SINCE,
      3,
    );
    // Assess
    expect(found).toEqual({ kind: 'absent' });
  });

  it('answers behind when a version in range is missing, however far the rest goes', async () => {
    // Prepare: version 4 not written yet by the stream consumer.
    answerQueries(versions(5, 3, 2, 1));
    // Act
    const found = await findTransactionByDelivery(
      { sku: 'SKU-1', warehouse: 'WH-1', source: 'erp' },
      'msg_9',
      SINCE,
      5,
    );
    // Assess
    expect(found).toEqual({ kind: 'behind' });
  });

  it('answers behind when the newest version is not written yet', async () => {
    // Prepare
    answerQueries(versions(4, 3));
    // Act
    const found = await findTransactionByDelivery(
      { sku: 'SKU-1', warehouse: 'WH-1', source: 'erp' },
      'msg_3',
      SINCE,
      5,
    );
    // Assess
    expect(found).toEqual({ kind: 'behind' });
  });

  it('does not take the same webhook id from another system for this delivery', async () => {
    // Prepare
    answerQueries([aTransaction(2, { source: 'pos', delivery_id: 'msg_x' }), aTransaction(1)]);
    // Act
    const found = await findTransactionByDelivery(
      { sku: 'SKU-1', warehouse: 'WH-1', source: 'erp' },
      'msg_x',
      SINCE,
      2,
    );
    // Assess
    expect(found).toEqual({ kind: 'absent' });
  });
});

describe('Function: listTransactions() checked through a version', () => {
  beforeEach(() => {
    send.mockReset();
    process.env.INVENTORY_TABLE = 'inventory-test';
  });

  it('answers the whole page when the versions follow one another up to the stock version', async () => {
    // Prepare
    answerQueries(versions(1, 2, 3));
    // Act
    const page = await listTransactions('SKU-1', 'WH-1', { limit: 10, throughVersion: 3 });
    // Assess
    expect(page).toEqual({ items: versions(1, 2, 3) });
  });

  it('stops before a gap and says which version is missing, with a cursor to continue from', async () => {
    // Prepare
    answerQueries(versions(1, 2, 4, 5));
    // Act
    const page = await listTransactions('SKU-1', 'WH-1', { limit: 10, throughVersion: 5 });
    // Assess
    expect(page).toEqual({ items: versions(1, 2), nextAfterVersion: 2, behind: { missingVersion: 3 } });
  });

  it('says the tail is missing when the ledger ends before the stock version', async () => {
    // Prepare
    answerQueries(versions(4, 5));
    // Act
    const page = await listTransactions('SKU-1', 'WH-1', { limit: 10, afterVersion: 3, throughVersion: 7 });
    // Assess
    expect(page).toEqual({ items: versions(4, 5), nextAfterVersion: 5, behind: { missingVersion: 6 } });
  });

  it('does not wait for versions past a full page', async () => {
    // Prepare
    send.mockResolvedValueOnce({ Items: versions(1, 2), LastEvaluatedKey: { pk: 'SKU-1#WH-1', sk: 'TX#2' } });
    // Act
    const page = await listTransactions('SKU-1', 'WH-1', { limit: 2, throughVersion: 9 });
    // Assess
    expect(page).toEqual({ items: versions(1, 2), nextAfterVersion: 2 });
  });
});
