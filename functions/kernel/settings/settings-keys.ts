/**
 * Where settings live in the `control` table: the current values in one
 * item (so a read is one GetItem and a change one conditional write on its
 * version), the audit in one partition sorted by time (so the history is one
 * Query, newest first). Schedules share the table under other keys.
 *
 * @example
 * await dynamo().send(new GetCommand({ TableName: tableName('control'), Key: CURRENT_SETTINGS_KEY }));
 */
const CURRENT_SETTINGS_KEY = { pk: 'SETTINGS', sk: 'CURRENT' } as const;

/**
 * The partition of the audit entries; their sort key is
 * `<ISO time>#<version, 10 digits>#<key>`.
 *
 * @example
 * new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SETTINGS_AUDIT_PK } });
 */
const SETTINGS_AUDIT_PK = 'SETTINGS#AUDIT';

export { CURRENT_SETTINGS_KEY, SETTINGS_AUDIT_PK };
