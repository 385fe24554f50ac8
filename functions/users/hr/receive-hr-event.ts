import { createHash } from 'node:crypto';
import type { WebhookDelivery } from '../../kernel/http/webhook.js';
import { runOnce } from '../../kernel/idempotency/idempotency.js';
import { readSettings } from '../../kernel/settings/read-settings.js';
import { appendSyncEvent } from '../../kernel/sync-log/sync-events.js';
import { type HrEvent, effectiveAt, isDue } from '../domain/hr-event.js';
import { personKeys } from '../store/person-items.js';
import { putPendingChange } from '../store/pending-changes.js';
import { type HrApplied, applyHrEvent } from './apply-hr-event.js';
import { findPerson } from './find-person.js';

/**
 * The domain half of `POST /webhooks/hr`, once per webhook-id: an event
 * effective now or earlier is applied; a future-dated one is stored as a
 * pending change under the person (or under the employee id for a hire of
 * someone not known yet) for the `hr-effective-changes` schedule. A
 * redelivery answers the first answer with `duplicate: true`.
 */
export interface HrWebhookAnswer {
  readonly status: HrApplied['status'] | 'pending';
  readonly duplicate: boolean;
  readonly user_id?: string;
  readonly created?: boolean;
  readonly ignored?: readonly string[];
  readonly effective_at?: string;
}

const SCOPE = 'hr-webhook';
const LEASE_MARGIN_SECONDS = 2;

const storePending = async (payload: HrEvent, deliveryId: string, now: Date): Promise<HrWebhookAnswer> => {
  const found = await findPerson(payload.employee);
  const at = effectiveAt(payload.effectiveDate);
  const partition = personKeys.pendingPartition(
    found ? { userId: found.user.id } : { employeeId: payload.employee.employeeId },
  );
  await putPendingChange(partition, at, deliveryId, payload, now);
  await appendSyncEvent(
    {
      direction: 'inbound',
      source: 'hr',
      event: payload.event,
      record_type: found ? 'user' : 'employee',
      record_id: found ? found.user.id : payload.employee.employeeId,
      outcome: 'pending',
      delivery_id: deliveryId,
      detail: { effective_at: at, employee_id: payload.employee.employeeId },
    },
    now,
  );
  return { status: 'pending', duplicate: false, effective_at: at, ...(found ? { user_id: found.user.id } : {}) };
};

const applyNow = async (payload: HrEvent, deliveryId: string, now: Date): Promise<HrWebhookAnswer> => {
  const applied = await applyHrEvent(payload, deliveryId, now, (await readSettings()).user_field_owners);
  if (applied.status === 'unmatched') {
    // Not an error to the sender: nobody to update yet; the log says so.
    await appendSyncEvent(
      {
        direction: 'inbound',
        source: 'hr',
        event: payload.event,
        record_type: 'employee',
        record_id: payload.employee.employeeId,
        outcome: 'unmatched',
        delivery_id: deliveryId,
        detail: { reason: 'no person with this employee id, work email or userName' },
      },
      now,
    );
  }
  return { ...applied, duplicate: false };
};

/**
 * @param remainingMs the invocation's time left: the claim's lease.
 *
 * @example
 * await receiveHrEvent({ payload, deliveryId: 'msg_1', request }, 9_000, new Date());
 * // { status: 'synced', duplicate: false, user_id: '...', created: true, ignored: [] }
 */
const receiveHrEvent = async (
  { payload, deliveryId, request }: Pick<WebhookDelivery<HrEvent>, 'payload' | 'deliveryId' | 'request'>,
  remainingMs: number,
  now: Date = new Date(),
): Promise<HrWebhookAnswer> => {
  // The same id with other bytes is a sender bug: refused, never answered as a duplicate.
  const fingerprint = createHash('sha256').update(request.rawBody).digest('base64url');
  const { value, duplicate } = await runOnce(
    { scope: SCOPE, leaseSeconds: Math.ceil(remainingMs / 1000) + LEASE_MARGIN_SECONDS },
    deliveryId,
    () =>
      isDue(payload.effectiveDate, now) ? applyNow(payload, deliveryId, now) : storePending(payload, deliveryId, now),
    fingerprint,
  );
  return { ...value, duplicate };
};

export { receiveHrEvent };
