import { readSettings } from '../../kernel/settings/read-settings.js';
import { appendSyncEvent } from '../../kernel/sync-log/sync-events.js';
import { type HrEvent, hrEventSchema } from '../domain/hr-event.js';
import * as z from '../../kernel/validation.js';
import { deletePendingChange } from '../store/pending-changes.js';
import { dueChangeKeys, getPendingChange } from '../store/pending-reads.js';
import { applyHrEvent } from './apply-hr-event.js';

/** Changes applied per run; the rest wait five minutes for the next. */
const BATCH = 200;

/**
 * The `hr-effective-changes` schedule's work: every pending HR change
 * whose effective time has come, earliest first, applied as if it had
 * arrived now; each deleted in its user write's transaction, so a second
 * run (or a retried one) never applies it twice.
 *
 * @example
 * await applyDueChanges(new Date()); // { applied: 2, unmatched: 0 }
 */
const applyDueChanges = async (now: Date): Promise<{ applied: number; unmatched: number }> => {
  const owners = (await readSettings()).user_field_owners;
  let applied = 0;
  let unmatched = 0;
  // One at a time, in effective order: two changes to one person apply in the order HR dated them.
  for (const key of await dueChangeKeys(now, BATCH)) {
    const pending = await getPendingChange(key);
    if (!pending) continue;
    const parsed = z.safeParse(hrEventSchema, JSON.parse(pending.change));
    if (!parsed.success) {
      // Stored only after the same schema passed; a schema change since is the only way here.
      await deletePendingChange(key);
      continue;
    }
    const change = parsed.data as HrEvent;
    const result = await applyHrEvent(change, pending.delivery_id, now, owners, key);
    if (result.status === 'synced') applied++;
    if (result.status === 'unmatched') {
      unmatched++;
      // Nobody to apply it to on its date (an update of someone never hired here): the log says so.
      await appendSyncEvent(
        {
          direction: 'inbound',
          source: 'hr',
          event: change.event,
          record_type: 'employee',
          record_id: change.employee.employeeId,
          outcome: 'unmatched',
          delivery_id: pending.delivery_id,
          detail: { reason: 'no person with this employee id, work email or userName on its effective date' },
        },
        now,
      );
    }
  }
  return { applied, unmatched };
};

export { applyDueChanges };
