import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATCH_OP, USER_SCHEMA, scim, scimEnv, scimGroup, scimUser } from '../helpers/scim-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/** SCIM /Groups through the real route, handler and DynamoDB Local, as Entra ID and Okta call it. */
let stack: TestStack;

const usersTable = (): string => stack.resources.tables.users?.physicalName ?? '';

const createUser = async (): Promise<string> => {
  const answer = await scim(stack, 'POST', '/Users', scimUser());
  expect(answer.status).toBe(201);
  return answer.body.id as string;
};

const createGroup = async (overrides: Record<string, unknown> = {}) => {
  const answer = await scim(stack, 'POST', '/Groups', scimGroup(overrides));
  expect(answer.status).toBe(201);
  return answer.body as { id: string; displayName: string };
};

const patch = (id: string, ...operations: Record<string, unknown>[]) =>
  scim(stack, 'PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: operations });

const memberIdsOf = async (groupId: string): Promise<string[]> => {
  const answer = await scim(stack, 'GET', `/Groups/${groupId}`);
  return ((answer.body.members ?? []) as { value: string }[]).map((member) => member.value).sort();
};

/** The member items of a group as stored, read from the table itself. */
const storedMembers = async (groupId: string): Promise<number> => {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await stack.dynamodb.send(
      new QueryCommand({
        TableName: usersTable(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
        ExpressionAttributeValues: { ':pk': `group#${groupId}`, ':m': 'member#' },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
};

/**
 * Users written straight into the table, as the store writes them (faster
 * than 1,000 POSTs): the large-group test needs many members, not many requests.
 */
const seedUsers = async (count: number): Promise<string[]> => {
  const now = new Date().toISOString();
  const ids = Array.from({ length: count }, () => randomUUID());
  for (let start = 0; start < ids.length; start += 25) {
    const batch = ids.slice(start, start + 25).map((id) => ({
      PutRequest: {
        Item: {
          pk: `user#${id}`,
          sk: 'USER',
          id,
          resource: { schemas: [USER_SCHEMA], userName: `seed.${id}@example.com` },
          version: 1,
          created_at: now,
          updated_at: now,
          resource_type: 'User',
          listed_at: `${now}#${id}`,
          user_name_key: `seed.${id}@example.com`,
          active: true,
        },
      },
    }));
    await stack.dynamodb.send(new BatchWriteCommand({ RequestItems: { [usersTable()]: batch } }));
  }
  return ids;
};

beforeAll(async () => {
  stack = await startTestStack({ env: scimEnv() });
});

afterAll(async () => {
  await stack?.stop();
});

describe('POST and GET /scim/v2/Groups', () => {
  it('creates a group with its members, 201 and Location, and reads it back with them', async () => {
    // Prepare
    const [a, b] = [await createUser(), await createUser()];
    // Act
    const created = await scim(stack, 'POST', '/Groups', scimGroup({ members: [{ value: a }, { value: b }] }));
    const read = await scim(stack, 'GET', `/Groups/${created.body.id}`);
    // Assess
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${stack.url}/scim/v2/Groups/${created.body.id}`);
    expect(created.body.meta).toMatchObject({ resourceType: 'Group', version: 'W/"1"' });
    expect(read.status).toBe(200);
    expect(read.body.members.map((m: { value: string }) => m.value).sort()).toEqual([a, b].sort());
  });

  it('leaves members out for excludedAttributes=members, on a read and on a filtered list', async () => {
    // Prepare
    const user = await createUser();
    const group = await createGroup({ members: [{ value: user }] });
    // Act
    const read = await scim(stack, 'GET', `/Groups/${group.id}?excludedAttributes=members`);
    const listed = await scim(
      stack,
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${group.displayName.toUpperCase()}"`)}`,
    );
    // Assess
    expect(read.body).toMatchObject({ id: group.id, displayName: group.displayName });
    expect(read.body.members).toBeUndefined();
    expect(listed.body.totalResults).toBe(1);
    expect(listed.body.Resources[0]).toMatchObject({ id: group.id });
    expect(listed.body.Resources[0].members).toBeUndefined();
  });

  it("answers the providers' probe startIndex=1&count=100 with a ListResponse", async () => {
    // Prepare
    await createGroup();
    // Act
    const answer = await scim(stack, 'GET', '/Groups?startIndex=1&count=100');
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(answer.body.totalResults).toBeGreaterThanOrEqual(1);
    expect(answer.body.Resources.length).toBe(Math.min(100, answer.body.totalResults));
  });

  it('finds the groups of a member with a filter on members.value', async () => {
    // Prepare
    const user = await createUser();
    const group = await createGroup({ members: [{ value: user }] });
    await createGroup();
    // Act
    const answer = await scim(stack, 'GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${user}"]`)}`);
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.Resources.map((g: { id: string }) => g.id)).toEqual([group.id]);
  });

  it('refuses a member that is no user with 400 invalidValue, writing no group', async () => {
    // Prepare
    const displayName = `Ghosts ${randomUUID().slice(0, 8)}`;
    // Act
    const answer = await scim(stack, 'POST', '/Groups', scimGroup({ displayName, members: [{ value: 'nobody' }] }));
    const found = await scim(stack, 'GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${displayName}"`)}`);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ scimType: 'invalidValue' });
    expect(answer.body.detail).toContain('members');
    expect(found.body.totalResults).toBe(0);
  });

  it('answers 400 invalidValue naming displayName for a group without one', async () => {
    // Act
    const answer = await scim(stack, 'POST', '/Groups', scimGroup({ displayName: undefined }));
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain('displayName');
  });
});

describe('PATCH /scim/v2/Groups/{id}', () => {
  it('adds 1,000 members in one PATCH, answering 204', async () => {
    // Prepare
    const ids = await seedUsers(1000);
    const group = await createGroup();
    // Act
    const started = performance.now();
    const answer = await patch(group.id, { op: 'Add', path: 'members', value: ids.map((value) => ({ value })) });
    const elapsed = performance.now() - started;
    // Assess
    expect(answer.status).toBe(204);
    expect(await storedMembers(group.id)).toBe(1000);
    expect(await memberIdsOf(group.id)).toEqual([...ids].sort());
    console.info(`PATCH adding 1,000 members: ${elapsed.toFixed(0)} ms`);
  }, 60_000);

  it('removes members both as members[value eq "id"] and as a value array', async () => {
    // Prepare
    const [a, b, c] = [await createUser(), await createUser(), await createUser()];
    const group = await createGroup({ members: [{ value: a }, { value: b }, { value: c }] });
    // Act
    const byFilter = await patch(group.id, { op: 'Remove', path: `members[value eq "${a}"]` });
    const byValue = await patch(group.id, { op: 'remove', path: 'members', value: [{ value: b }] });
    // Assess
    expect(byFilter.status).toBe(204);
    expect(byValue.status).toBe(204);
    expect(await memberIdsOf(group.id)).toEqual([c]);
    expect(await storedMembers(group.id)).toBe(1);
  });

  it('renames a group: the new displayName finds it, the old one no more', async () => {
    // Prepare
    const group = await createGroup();
    const renamed = `${group.displayName} renamed`;
    // Act
    const answer = await patch(group.id, { op: 'Replace', path: 'displayName', value: renamed });
    const byNew = await scim(stack, 'GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${renamed}"`)}`);
    const byOld = await scim(
      stack,
      'GET',
      `/Groups?filter=${encodeURIComponent(`displayName eq "${group.displayName}"`)}`,
    );
    // Assess
    expect(answer.status).toBe(204);
    expect(byNew.body.Resources).toMatchObject([{ id: group.id, displayName: renamed, meta: { version: 'W/"2"' } }]);
    expect(byOld.body.totalResults).toBe(0);
  });

  it('refuses to add a member that is no user with 400, adding nobody', async () => {
    // Prepare
    const user = await createUser();
    const group = await createGroup();
    // Act
    const answer = await patch(group.id, { op: 'add', path: 'members', value: [{ value: user }, { value: 'ghost' }] });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.scimType).toBe('invalidValue');
    expect(await storedMembers(group.id)).toBe(0);
  });
});

describe('PUT and DELETE /scim/v2/Groups/{id}', () => {
  it('replaces the member list with PUT', async () => {
    // Prepare
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup({ members: [{ value: a }] });
    // Act
    const answer = await scim(
      stack,
      'PUT',
      `/Groups/${group.id}`,
      scimGroup({ displayName: group.displayName, members: [{ value: b }] }),
    );
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.members.map((m: { value: string }) => m.value)).toEqual([b]);
    expect(await memberIdsOf(group.id)).toEqual([b]);
  });

  it('deletes a group with 204: 404 afterwards, no member items left', async () => {
    // Prepare
    const user = await createUser();
    const group = await createGroup({ members: [{ value: user }] });
    // Act
    const deleted = await scim(stack, 'DELETE', `/Groups/${group.id}`);
    const read = await scim(stack, 'GET', `/Groups/${group.id}`);
    // Assess
    expect(deleted.status).toBe(204);
    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ status: '404' });
    expect(await storedMembers(group.id)).toBe(0);
  });

  it('takes a deleted user out of its groups', async () => {
    // Prepare
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup({ members: [{ value: a }, { value: b }] });
    // Act
    const deleted = await scim(stack, 'DELETE', `/Users/${a}`);
    // Assess
    expect(deleted.status).toBe(204);
    expect(await memberIdsOf(group.id)).toEqual([b]);
  });
});
