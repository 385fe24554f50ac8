import { mappingFor } from '../../kernel/mappings/crm/index.js';

/**
 * Which source entities our own store takes, as which record type: those
 * with a mapping in `kernel/mappings` (the webhooks' own); ERP and shop
 * entities go to the stock and the `erp` table instead ({@link systemStoreOf}). Apart from
 * `local.ts` so the admin API checks a request without loading the inbound
 * rules and their tables.
 */
const LOCAL_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  crm: { contacts: 'contact', accounts: 'account', opportunities: 'opportunity' },
};

/**
 * The local record type `entity` of `source` loads into, when our store takes it.
 *
 * @example
 * localTypeOf('crm', 'contacts'); // 'contact'
 * localTypeOf('erp', 'orders'); // undefined
 */
const localTypeOf = (source: string, entity: string): string | undefined => {
  const type = LOCAL_TYPES[source]?.[entity];
  return type && mappingFor(source, type) ? type : undefined;
};

/**
 * Where our own store keeps a system entity that has no record mapping: the
 * stock levels (`kernel/stock`, as the inventory webhook and the ERP's
 * `inventory` events write them) or the ERP's own table (`kernel/erp`, as
 * the ERP webhook writes it).
 */
export type SystemStore = 'stock' | 'erp';

const SYSTEM_STORES: Readonly<Record<string, Readonly<Record<string, SystemStore>>>> = {
  erp: { orders: 'erp', customers: 'erp', inventory: 'stock' },
  ecommerce: { inventory_levels: 'stock' },
};

/** Entities a source reads that our store knowingly does not take, with why (the 400 says it). */
const REFUSED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ecommerce: {
    products: 'our store keeps no product record to load shop products into (stock levels come as inventory_levels)',
  },
};

/**
 * The store `local` keeps `entity` of `source` in, when it is not a mapped record.
 *
 * @example
 * systemStoreOf('erp', 'inventory'); // 'stock'
 * systemStoreOf('crm', 'contacts'); // undefined (a record: see localTypeOf)
 */
const systemStoreOf = (source: string, entity: string): SystemStore | undefined => SYSTEM_STORES[source]?.[entity];

/**
 * Whether `local` takes `entity` of `source`, and why not when it does not.
 *
 * @example
 * localRefusal('ecommerce', 'products'); // 'our store keeps no product record ...'
 * localRefusal('erp', 'orders'); // undefined: taken
 */
const localRefusal = (source: string, entity: string): string | undefined => {
  if (localTypeOf(source, entity) || systemStoreOf(source, entity)) return undefined;
  return REFUSED[source]?.[entity] ?? `local cannot take ${source} ${entity}`;
};

/** What our own store offers as a source (`local`) for a system target: entity -> record type. */
const LOCAL_ENTITIES: Readonly<Record<string, string>> = { contacts: 'contact' };

export { localTypeOf, systemStoreOf, localRefusal, LOCAL_ENTITIES };
