import { randomUUID } from 'node:crypto';
import type { UserFieldGroup, UserFieldOwners } from '../../kernel/settings/settings-schema.js';
import { carriedSyncEvent } from '../../kernel/sync-log/sync-events.js';
import { type PersonView, applyOwnership, fieldSourcesAfter } from '../domain/field-ownership.js';
import { type HrEvent, type ManagerRef, forcedActive, hrPerson } from '../domain/hr-event.js';
import { ENTERPRISE_USER_SCHEMA } from '../scim/schema.js';
import type { UserItem } from '../store/items.js';
import { type PersonAttributes, personAttributesOf } from '../store/person-items.js';
import {
  findUserByEmployeeId,
  personLookupChanges,
  usersAwaitingManager,
  workEmailOf,
} from '../store/person-lookups.js';
import { deletePendingChange, pendingDelete } from '../store/pending-changes.js';
import { getPendingChange } from '../store/pending-reads.js';
import { getUser } from '../store/user-reads.js';
import { writeUser } from '../store/user-writes.js';
import { retryMoved } from '../scim-api/retry-moved.js';
import { logIgnored } from '../ownership/log-ignored.js';
import { findPerson } from './find-person.js';

/**
 * Applies one HR event that is due: finds the person (employee id, work
 * email, userName), creates them on a hire or rehire of someone unknown,
 * sets the fields the event carries and HR owns, logs the others as
 * ignored, deactivates on a termination and reactivates on a rehire
 * whoever owns `active`, and resolves the manager by employee id (or
 * remembers it until that manager arrives).
 */
export interface HrApplied {
  /** `synced`: written; `unmatched`: an update or termination of nobody we know; `gone`: a pending change already applied. */
  readonly status: 'synced' | 'unmatched' | 'gone';
  readonly user_id?: string;
  readonly created?: boolean;
  readonly ignored?: readonly UserFieldGroup[];
}

type Key = { pk: string; sk: string };

const viewOf = (user: UserItem): PersonView => ({
  resource: user.resource,
  profile: (user as PersonAttributes).hr_profile ?? {},
  sources: (user as PersonAttributes).field_sources ?? {},
});

/** Sets the manager of people who named this employee as manager before the manager's user existed. */
const resolveWaitingReports = async (managerEmployeeId: string, managerUserId: string, now: Date): Promise<void> => {
  for (const reportId of await usersAwaitingManager(managerEmployeeId)) {
    await retryMoved(async () => {
      const report = await getUser(reportId);
      const attributes = personAttributesOf(report);
      if (!report || attributes.manager_employee_id?.toLowerCase() !== managerEmployeeId.toLowerCase()) return;
      const ext = { ...(report.resource[ENTERPRISE_USER_SCHEMA] as Record<string, unknown> | undefined) };
      ext.manager = { value: managerUserId };
      const next: PersonAttributes = {
        ...attributes,
        manager_employee_id: undefined,
        field_sources: fieldSourcesAfter(attributes.field_sources, ['manager'], 'hr', now),
      };
      await writeUser({
        id: report.id,
        resource: { ...report.resource, [ENTERPRISE_USER_SCHEMA]: ext },
        previous: report,
        event: carriedSyncEvent(
          {
            direction: 'inbound',
            source: 'hr',
            event: 'manager-resolved',
            outcome: 'synced',
            detail: { manager: managerUserId },
          },
          now,
        ),
        now,
        person: next,
        extraItems: personLookupChanges(report.id, attributes, next),
      });
    });
  }
};

/**
 * @param pending the pending change being applied by the schedule: deleted in the same transaction.
 *
 * @example
 * await applyHrEvent(payload, 'msg_1', new Date(), owners);
 * // { status: 'synced', user_id: '...', created: true, ignored: [] }
 */
const applyHrEvent = async (
  payload: HrEvent,
  deliveryId: string,
  now: Date,
  owners: UserFieldOwners,
  pending?: Key,
): Promise<HrApplied> => {
  const { employee } = payload;
  const applied = await retryMoved(async (): Promise<HrApplied> => {
    if (pending && !(await getPendingChange(pending))) return { status: 'gone' };
    const found = await findPerson(employee);
    const user = found?.user;
    if (!user && (payload.event === 'update' || payload.event === 'terminate')) {
      if (pending) await deletePendingChange(pending);
      return { status: 'unmatched' };
    }
    const manager =
      employee.managerEmployeeId === undefined ? undefined : await findUserByEmployeeId(employee.managerEmployeeId);
    const managerRef: ManagerRef = manager ? { value: manager.id } : undefined;
    const before = user ? viewOf(user) : undefined;
    const ownership = applyOwnership(before, hrPerson(before, employee, managerRef), 'hr', owners);
    const resource: Record<string, unknown> = { ...ownership.person.resource };
    const changed = [...ownership.changed];
    // A termination deactivates and a rehire reactivates whoever owns `active`.
    const forced = forcedActive(payload.event);
    if (forced !== undefined && user && (user.resource.active !== false) !== forced) {
      resource.active = forced;
      if (!changed.includes('active')) changed.push('active');
    }
    const previous = personAttributesOf(user);
    const workEmail = workEmailOf(resource);
    const next: PersonAttributes = {
      ...previous,
      employee_id: employee.employeeId,
      work_email_key: workEmail?.toLowerCase(),
      hr_profile: ownership.person.profile,
      field_sources: fieldSourcesAfter(previous.field_sources, changed, 'hr', now),
      manager_employee_id:
        employee.managerEmployeeId === undefined
          ? previous.manager_employee_id
          : manager
            ? undefined
            : employee.managerEmployeeId,
    };
    const id = user?.id ?? randomUUID();
    const event = carriedSyncEvent(
      {
        direction: 'inbound',
        source: 'hr',
        event: payload.event,
        outcome: 'synced',
        delivery_id: deliveryId,
        detail: {
          employee_id: employee.employeeId,
          ...(found ? { matched_by: found.by } : {}),
          ...(next.manager_employee_id === undefined ? {} : { manager_awaited: next.manager_employee_id }),
        },
      },
      now,
    );
    await writeUser({
      id,
      resource,
      ...(user ? { previous: user } : {}),
      event,
      now,
      person: next,
      extraItems: [...personLookupChanges(id, previous, next), ...(pending ? [pendingDelete(pending)] : [])],
    });
    return { status: 'synced', user_id: id, created: !user, ignored: ownership.ignored };
  });
  if (applied.status === 'synced' && applied.user_id !== undefined) {
    await logIgnored(applied.user_id, payload.event, applied.ignored ?? [], owners, 'hr', deliveryId, now);
    await resolveWaitingReports(employee.employeeId, applied.user_id, now);
  }
  return applied;
};

export { applyHrEvent };
