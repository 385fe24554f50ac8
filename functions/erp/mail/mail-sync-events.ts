import { createHash } from 'node:crypto';
import { putSyncLogItem, syncLogItem } from '../../kernel/sync-log/sync-events.js';
import type { ErpMailIntent } from './erp-mail-intents.js';

export type MailOutcome = 'queued' | 'waiting' | 'skipped';

/**
 * Logs what became of a mail, under the ERP record that triggered it
 * (record type = entity, record id = entity id): `queued`, `waiting` or
 * `skipped` with `detail.reason`. The log item's id derives from the mail
 * and the outcome and its time is given by the caller, so a redelivery that
 * comes to the same outcome at the same time writes the same item again.
 *
 * @example
 * await logMailEvent(intent, 'skipped', { reason: 'no sales recipient configured' }, intent.source.updated_at);
 */
const logMailEvent = async (
  intent: ErpMailIntent,
  outcome: MailOutcome,
  detail: Readonly<Record<string, string>>,
  at: string,
): Promise<void> => {
  const id = createHash('sha256').update(`${intent.id}|${outcome}`).digest('base64url').slice(0, 12);
  await putSyncLogItem(
    syncLogItem(intent.source.entity, intent.source.entity_id, {
      id,
      received_at: at,
      direction: 'outbound',
      source: 'mail',
      event: intent.kind,
      outcome,
      delivery_id: intent.id,
      detail,
    }),
  );
};

export { logMailEvent };
