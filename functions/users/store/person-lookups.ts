import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import type { UserItem } from './items.js';
import { type PersonAttributes, personKeys } from './person-items.js';
import { getUsers } from './user-reads.js';
import type { TransactItem } from './user-writes.js';

/**
 * Finding a person by what HR knows (employee id, work email). The employee
 * id (and the manager awaited) are lookup items moved in the user's own
 * transaction, written only by HR; the work email, which every SCIM create
 * sets, is the user item's own `work_email_key` in the sparse `byWorkEmail`
 * index, so a create writes no lookup item for it.
 */

const idsIn = async (partition: string): Promise<string[]> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('users'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :user)',
      ExpressionAttributeValues: { ':pk': partition, ':user': 'user#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((item) => item.user_id as string);
};

/**
 * The user with this employee id, compared case-insensitively; a lookup
 * left behind by an older write (the user's id moved on) is passed over.
 *
 * @example
 * const user = await findUserByEmployeeId('E-1001');
 */
const findUserByEmployeeId = async (employeeId: string): Promise<UserItem | undefined> => {
  const users = await getUsers(await idsIn(personKeys.employeePartition(employeeId)));
  return users.find((user) => (user as PersonAttributes).employee_id?.toLowerCase() === employeeId.toLowerCase());
};

/**
 * The user whose work email this is, case-insensitively: one Query of the
 * sparse `byWorkEmail` index on the user item's own `work_email_key`, then
 * the user read consistently (a stale index entry is passed over). The
 * index is eventually consistent, so a work email set a moment ago may not
 * match yet: acceptable for HR matching, which is no uniqueness check and
 * tries the employee id first and the userName (read consistently) after.
 *
 * @example
 * const user = await findUserByWorkEmail('Ada@Example.com');
 */
const findUserByWorkEmail = async (email: string): Promise<UserItem | undefined> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('users'),
      IndexName: 'byWorkEmail',
      KeyConditionExpression: 'work_email_key = :email',
      ExpressionAttributeValues: { ':email': email.toLowerCase() },
    }),
  );
  const users = await getUsers((out.Items ?? []).map((item) => item.id as string));
  return users.find((user) => (user as PersonAttributes).work_email_key === email.toLowerCase());
};

/**
 * The ids of the people waiting for this manager's user.
 *
 * @example
 * const waiting = await usersAwaitingManager('E-1');
 */
const usersAwaitingManager = async (managerEmployeeId: string): Promise<string[]> =>
  idsIn(personKeys.awaitManagerPartition(managerEmployeeId));

/**
 * The work email of a SCIM document: the `work` one, else the primary, else the first.
 *
 * @example
 * workEmailOf({ emails: [{ value: 'a@x.com', type: 'work' }] }); // 'a@x.com'
 */
const workEmailOf = (resource: Readonly<Record<string, unknown>>): string | undefined => {
  const emails = Array.isArray(resource.emails) ? (resource.emails as Record<string, unknown>[]) : [];
  const chosen =
    emails.find((email) => email.type === 'work') ?? emails.find((email) => email.primary === true) ?? emails[0];
  return typeof chosen?.value === 'string' && chosen.value !== '' ? chosen.value : undefined;
};

/**
 * The lookup items to move when a write changes the employee id or the
 * manager awaited: deletes of the old, puts of the new, for the user's
 * transaction (the work email needs none: it is indexed on the user).
 *
 * @example
 * writeUser({ ..., person: next, extraItems: personLookupChanges(id, previousAttributes, next) });
 */
const personLookupChanges = (
  userId: string,
  previous: PersonAttributes | undefined,
  next: PersonAttributes,
): TransactItem[] => {
  const table = tableName('users');
  const changes: TransactItem[] = [];
  const move = (old: string | undefined, now: string | undefined, key: (value: string, id: string) => object) => {
    if (old?.toLowerCase() === now?.toLowerCase()) return;
    if (old !== undefined) changes.push({ Delete: { TableName: table, Key: key(old, userId) } });
    if (now !== undefined) changes.push({ Put: { TableName: table, Item: { ...key(now, userId), user_id: userId } } });
  };
  move(previous?.employee_id, next.employee_id, personKeys.employee);
  move(previous?.manager_employee_id, next.manager_employee_id, personKeys.awaitManager);
  return changes;
};

export { findUserByEmployeeId, findUserByWorkEmail, personLookupChanges, usersAwaitingManager, workEmailOf };
