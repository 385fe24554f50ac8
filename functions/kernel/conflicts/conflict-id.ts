import { createHash } from 'node:crypto';

/** Hex characters of the hash in a conflict id: 96 bits, no collision in practice. */
const HASH_CHARS = 24;

/**
 * The id of the conflict one delivery opens on one record: the source, then
 * a hash of the record and the delivery id. Derived, not random, so a
 * redelivery of the same change finds the conflict it stored (and a
 * transaction that would store a second one is refused); keyed on the
 * record too, because a delivery id is the sender's, not ours: the same id
 * on another record (a sender reusing ids, or numbering per record) is
 * another conflict, where `${source}-${deliveryId}` met the first and the
 * second conflict was dropped. Hashed, because a delivery id may hold any
 * character (a `/` would make the admin route `/admin/conflicts/{id}`
 * unreachable); the conflict item keeps `delivery_id` and `record_id` for
 * people to read.
 *
 * @example
 * conflictIdFor('contact', 'crm-003A', 'crm', 'msg_1'); // 'crm-9c1f0d...' (crm- and 24 hex characters)
 */
const conflictIdFor = (recordType: string, recordId: string, source: string, deliveryId: string): string => {
  // Types and record ids hold no line break (their schemas), so the three parts read back unambiguously.
  const hash = createHash('sha256').update(`${recordType}\n${recordId}\n${deliveryId}`).digest('hex');
  return `${source}-${hash.slice(0, HASH_CHARS)}`;
};

export { conflictIdFor };
