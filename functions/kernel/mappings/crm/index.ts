import { crmAccount } from './crm-account.js';
import { crmContact } from './crm-contact.js';
import { crmOpportunity } from './crm-opportunity.js';
import type { RecordMapping } from '../mapping.js';

/** Every mapping, by system and record type. Add a module here to sync a new type. */
const mappings: readonly RecordMapping[] = [crmContact, crmAccount, crmOpportunity];

const mappingFor = (system: string, recordType: string): RecordMapping | undefined =>
  mappings.find((m) => m.system === system && m.recordType === recordType);

const mappedTypes = (system: string): string[] => mappings.filter((m) => m.system === system).map((m) => m.recordType);

export { mappings, mappingFor, mappedTypes };
