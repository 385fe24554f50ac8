import type { InventorySystem } from '../../kernel/stock/adjustment.js';
import type { StockConnector } from './connector.js';
import { ecommerceStock } from './ecommerce.js';
import { erpStock } from './erp.js';
import { posStock } from './pos.js';
import { wmsStock } from './wms.js';

/** Every system that receives stock levels, one connector each. Add a module here to add a system. */
const stockConnectors: readonly StockConnector[] = [erpStock, ecommerceStock, posStock, wmsStock];

/** The connectors of every system except `source`: a change never goes back where it came from. */
const connectorsExcept = (source: InventorySystem | string): StockConnector[] =>
  stockConnectors.filter((connector) => connector.system !== source);

export { connectorsExcept };
