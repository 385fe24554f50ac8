import type { UserFieldGroup, UserFieldOwners } from '../../kernel/settings/settings-schema.js';
import { appendSyncEvent } from '../../kernel/sync-log/sync-events.js';

/**
 * Logs each field group a write left as it was because its source does not
 * own it: one sync event per group on the user (`outcome: ignored`,
 * `detail: {field, owner}`), so `GET /admin/users/{id}` and
 * `/admin/events` say why a change did not land. Not an error to the sender.
 *
 * @example
 * await logIgnored(userId, 'patched', ['title'], owners, 'idp', undefined, now);
 */
const logIgnored = async (
  userId: string,
  event: string,
  ignored: readonly UserFieldGroup[],
  owners: UserFieldOwners,
  source: 'hr' | 'idp',
  deliveryId: string | undefined,
  now: Date,
): Promise<void> => {
  await Promise.all(
    ignored.map((field) =>
      appendSyncEvent(
        {
          direction: 'inbound',
          source,
          event,
          record_type: 'user',
          record_id: userId,
          outcome: 'ignored',
          ...(deliveryId === undefined ? {} : { delivery_id: deliveryId }),
          detail: { field, owner: owners[field] },
        },
        now,
      ),
    ),
  );
};

export { logIgnored };
