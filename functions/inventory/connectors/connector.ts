import type { InventorySystem } from '../../kernel/stock/adjustment.js';

/**
 * How one outside system wants a stock level, declared as data: the method,
 * a path template and which of our fields fills each field of its body. The
 * dispatcher adds the base URL and the authentication from the system's
 * integration settings, so a connector holds no URL or key.
 *
 * Adding a system that holds stock is adding one connector module to
 * `index.ts`.
 */

/** The fields of a stock level a connector can send. */
export type StockField = 'sku' | 'warehouse' | 'quantity';

export interface StockLevel {
  readonly sku: string;
  readonly warehouse: string;
  readonly quantity: number;
}

export interface StockConnector {
  readonly system: InventorySystem;
  readonly method: 'PUT' | 'POST';
  /** `{sku}` and `{warehouse}` are replaced, URL-encoded. */
  readonly path: string;
  /** The system's body field -> our field. */
  readonly body: Readonly<Record<string, StockField>>;
}

export interface StockRequest {
  readonly method: 'PUT' | 'POST';
  readonly path: string;
  readonly body: Record<string, string | number>;
}

/** Checks a declaration once, when the module loads: a typo fails every test, not one delivery. */
const defineStockConnector = (connector: StockConnector): StockConnector => {
  const unknown = [...connector.path.matchAll(/\{([^}]*)\}/g)]
    .map((m) => m[1])
    .filter((p) => p !== 'sku' && p !== 'warehouse');
  if (!connector.path.startsWith('/') || unknown.length > 0) {
    throw new Error(`stock connector ${connector.system}: bad path template ${connector.path}`);
  }
  return connector;
};

/**
 * The request that puts `level` into the connector's system.
 *
 * @example
 * stockRequest(erpStock, { sku: 'SKU-1', warehouse: 'WH-1', quantity: 7 });
 * // { method: 'PUT', path: '/api/inventory/SKU-1', body: { sku: 'SKU-1', warehouseCode: 'WH-1', qtyOnHand: 7 } }
 */
const stockRequest = (connector: StockConnector, level: StockLevel): StockRequest => ({
  method: connector.method,
  path: connector.path
    .replaceAll('{sku}', encodeURIComponent(level.sku))
    .replaceAll('{warehouse}', encodeURIComponent(level.warehouse)),
  body: Object.fromEntries(Object.entries(connector.body).map(([remote, local]) => [remote, level[local]])),
});

export { defineStockConnector, stockRequest };
