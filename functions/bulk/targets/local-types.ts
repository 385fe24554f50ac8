import { mappingFor } from '../../kernel/mappings/crm/index.js';

/**
 * Which source entities our own store takes, as which record type: those
 * with a mapping in `kernel/mappings` (the webhooks' own). Apart from
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

/** What our own store offers as a source (`local`) for a system target: entity -> record type. */
const LOCAL_ENTITIES: Readonly<Record<string, string>> = { contacts: 'contact' };

export { localTypeOf, LOCAL_ENTITIES };
