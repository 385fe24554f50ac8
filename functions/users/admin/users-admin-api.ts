import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError, json } from '../../kernel/http/responses.js';
import { listSyncEvents } from '../../kernel/sync-log/list-sync-events.js';
import { userResource } from '../scim-api/resource-views.js';
import { scimBaseUrl } from '../scim-api/scim-answers.js';
import { type PersonAttributes, personKeys } from '../store/person-items.js';
import { type PendingChange, listPendingChanges } from '../store/pending-reads.js';
import { getUser } from '../store/user-reads.js';

/** Sync events shown: the most recent ones. */
const RECENT_EVENTS = 50;

const pendingView = (change: PendingChange) => ({
  effective_at: change.effective_at,
  delivery_id: change.delivery_id,
  received_at: change.received_at,
  change: JSON.parse(change.change) as unknown,
});

/**
 * `GET /admin/users/{id}`, behind the admin authorizer: the person as SCIM
 * shows it, where each field group came from (`field_sources`), what HR
 * told us beyond SCIM (`hr_profile`), the HR changes waiting for their
 * date (under the user, and under its employee id from before it
 * existed), and its most recent sync events (newest last). 404 for an
 * unknown or deleted user.
 *
 * @example
 * await handleUsersAdmin(event); // { statusCode: 200, body: '{"user":{...},"field_sources":{...},"pending":[],"events":[...]}' }
 */
const handleUsersAdmin = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const id = event.pathParameters?.id ?? '';
  if (id === '' || id.length > 128) throw new HttpError(400, 'Invalid path: id: must be a user id');
  const user = await getUser(id);
  if (!user) throw new HttpError(404, `No user ${id} is known`);
  const person = user as PersonAttributes;
  const [own, early, events] = await Promise.all([
    listPendingChanges(personKeys.pendingPartition({ userId: id })),
    person.employee_id === undefined
      ? Promise.resolve([])
      : listPendingChanges(personKeys.pendingPartition({ employeeId: person.employee_id })),
    listSyncEvents(id),
  ]);
  const pending = [...own, ...early].sort((a, b) => a.effective_at.localeCompare(b.effective_at)).map(pendingView);
  return json(200, {
    user: userResource(user, scimBaseUrl(event)),
    employee_id: person.employee_id ?? null,
    field_sources: person.field_sources ?? {},
    hr_profile: person.hr_profile ?? {},
    manager_employee_id_awaited: person.manager_employee_id ?? null,
    pending,
    events: events.slice(-RECENT_EVENTS).map(({ pk: _pk, sk: _sk, expires_at: _e, ...rest }) => rest),
  });
};

export { handleUsersAdmin };
