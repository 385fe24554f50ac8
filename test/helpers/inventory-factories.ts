import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { InventoryAdjustment } from '../../functions/kernel/stock/adjustment.js';
import type { StockItem } from '../../functions/kernel/stock/stock.js';

/** An adjustment from the ERP of SKU-1 in WH-1; override any field. */
export const anAdjustment = (overrides: Partial<InventoryAdjustment> = {}): InventoryAdjustment => ({
  source: 'erp',
  sku: 'SKU-1',
  warehouse: 'WH-1',
  type: 'receipt',
  quantity: 5,
  ...overrides,
});

/** A stock item of SKU-1 in WH-1 at version 3 holding 10; override any field. */
export const aStockItem = (overrides: Partial<StockItem> = {}): StockItem => {
  const sku = overrides.sku ?? 'SKU-1';
  const warehouse = overrides.warehouse ?? 'WH-1';
  return {
    pk: `${sku}#${warehouse}`,
    sk: 'STOCK',
    sku,
    warehouse,
    quantity_on_hand: 10,
    version: 3,
    created_at: '2026-11-24T10:00:00.000Z',
    updated_at: '2026-11-24T12:00:00.000Z',
    last_adjustment_type: 'receipt',
    last_adjustment_source: 'erp',
    last_delivery_id: 'msg_3',
    last_quantity_before: 5,
    ...overrides,
  };
};

/** A DynamoDB stream record of a stock item going from `old` to `now` (INSERT when `old` is undefined). */
export const aStockStreamRecord = (now: Partial<StockItem> | undefined, old?: Partial<StockItem>): DynamoDBRecord => ({
  eventID: `ev-${now?.version ?? 0}`,
  eventName: now === undefined ? 'REMOVE' : old === undefined ? 'INSERT' : 'MODIFY',
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-1',
  dynamodb: {
    Keys: marshall({ pk: 'SKU-1#WH-1', sk: 'STOCK' }) as never,
    ...(now === undefined ? {} : { NewImage: marshall(aStockItem(now), { removeUndefinedValues: true }) as never }),
    ...(old === undefined ? {} : { OldImage: marshall(aStockItem(old), { removeUndefinedValues: true }) as never }),
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});
