import type { Conflict } from '../../kernel/conflicts/conflict-store.js';
import { logger } from '../../kernel/observability.js';
import type { OutboundMessageInput } from '../../kernel/outbound/message.js';
import { enqueueOutbound } from '../../kernel/outbound/outbound-queue.js';
import type { StoredRecord } from '../../kernel/records/record.js';
import type { Settings } from '../../kernel/settings/settings-schema.js';
import type { Escalation } from '../domain/resolution-rules.js';
import { markEscalated, markEscalationSent } from '../store/conflict-writes.js';

/**
 * Escalation: a conflict no rule settles goes to people, once. One mail to
 * the `data_admin` recipients and one Slack message, each naming the record,
 * the fields in conflict with both values, and where to decide it.
 *
 * Once, in three steps: the conflict moves pending -> escalated with
 * `escalation_sent: false` (conditional, so one run wins), the messages are
 * queued (ids derived from the conflict id: a retry within SQS's 5-minute
 * dedupe window queues them once), then `escalation_sent` becomes true.
 * A run that finds an escalated conflict still unsent queues them again. A
 * crash after queueing and before the flag, noticed more than 5 minutes
 * later, sends them a second time: that is the one residual window, and it
 * repeats at most once per crash, never on every run.
 */
const show = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));

/** Where a person decides the conflict: the console's page when `console_url` is set, else the admin API. */
const conflictLink = (settings: Pick<Settings, 'console_url'>, id: string): string =>
  settings.console_url
    ? `${settings.console_url}/conflicts/${encodeURIComponent(id)}`
    : `GET /admin/conflicts/${encodeURIComponent(id)} (admin API)`;

/**
 * The text of the messages for one conflict.
 *
 * @example
 * escalationText(conflict, escalation, settings); // 'Conflict on contact c-1 (crm) ...'
 */
const escalationText = (
  conflict: Conflict,
  escalation: Escalation,
  settings: Pick<Settings, 'console_url'>,
): { subject: string; text: string } => {
  const subject = `Sync conflict on ${conflict.record_type} ${conflict.record_id} needs a decision`;
  const fields = escalation.overlapping.map(
    (view) =>
      `- ${view.field}: local ${show(view.local)} / ${conflict.source} ${show(view.remote)} (was ${show(view.base)})`,
  );
  const text = [
    `Conflict ${conflict.conflict_id} on ${conflict.record_type} ${conflict.record_id} with ${conflict.source}: ${escalation.reason}.`,
    ...(fields.length > 0 ? ['Fields in conflict:', ...fields] : []),
    `Decide it at ${conflictLink(settings, conflict.conflict_id)}`,
  ].join('\n');
  return { subject, text };
};

/** The mail (when there are recipients) and the Slack message of one escalation. */
const escalationMessages = (
  conflict: Conflict,
  escalation: Escalation,
  settings: Pick<Settings, 'console_url' | 'recipients'>,
): OutboundMessageInput[] => {
  const { subject, text } = escalationText(conflict, escalation, settings);
  const base = `conflict#${conflict.conflict_id}#escalation`;
  const context = {
    record_type: conflict.record_type,
    record_id: conflict.record_id,
    conflict_id: conflict.conflict_id,
  };
  const to = settings.recipients.data_admin;
  const messages: OutboundMessageInput[] = [
    {
      id: `${base}#slack`,
      group: base,
      request: { integration: 'slack', method: 'POST', path: '', body: { text: `${subject}\n${text}` } },
      context,
    },
  ];
  if (to.length > 0) {
    messages.unshift({
      id: `${base}#mail`,
      group: base,
      request: { kind: 'mail', to: [...to], subject, text },
      context,
    });
  } else {
    logger.warn('no data_admin recipients are set; the escalation goes to Slack only', {
      conflict_id: conflict.conflict_id,
    });
  }
  return messages;
};

/**
 * Escalates the record's conflicts that are pending, and re-sends those
 * escalated whose messages were never queued.
 *
 * @returns the ids of the conflicts whose messages were queued now.
 *
 * @example
 * await escalate(live, escalation, record, settings, now);
 */
const escalate = async (
  live: readonly Conflict[],
  escalation: Escalation,
  _record: StoredRecord,
  settings: Pick<Settings, 'console_url' | 'recipients'>,
  now: string,
): Promise<string[]> => {
  const sent: string[] = [];
  for (const conflict of live) {
    const due =
      conflict.status === 'pending'
        ? await markEscalated(conflict.conflict_id, escalation.reason, now)
        : conflict.status === 'escalated' && conflict.escalation_sent === false;
    if (!due) continue;
    await enqueueOutbound(escalationMessages(conflict, escalation, settings));
    await markEscalationSent(conflict.conflict_id);
    sent.push(conflict.conflict_id);
  }
  return sent;
};

export { conflictLink, escalate, escalationMessages, escalationText };
