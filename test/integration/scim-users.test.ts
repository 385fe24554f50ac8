import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, PATCH_OP, TEST_SCIM_TOKEN, scim, scimEnv, scimUser } from '../helpers/scim-client.js';
import { eventually } from '../helpers/http-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/** SCIM /Users through the real route, handler and DynamoDB Local, as Okta and Entra ID call it. */
let stack: TestStack;

const usersTable = (): string => stack.resources.tables.users?.physicalName ?? '';

/** Every item of the users table: to check that a refused request wrote nothing. */
const allItems = async (): Promise<Record<string, unknown>[]> => {
  const out = await stack.dynamodb.send(new ScanCommand({ TableName: usersTable(), ConsistentRead: true }));
  return out.Items ?? [];
};

const create = async (overrides: Record<string, unknown> = {}) => {
  const answer = await scim(stack, 'POST', '/Users', scimUser(overrides));
  expect(answer.status).toBe(201);
  return answer.body as { id: string; userName: string; externalId: string };
};

const filterUsers = (filter: string) => scim(stack, 'GET', `/Users?filter=${encodeURIComponent(filter)}`);

beforeAll(async () => {
  stack = await startTestStack({ env: scimEnv() });
});

afterAll(async () => {
  await stack?.stop();
});

describe('POST /scim/v2/Users', () => {
  it('creates a user with 201, Location, meta and the SCIM content type, and GET reads it back', async () => {
    // Prepare
    const body = scimUser();
    // Act
    const created = await scim(stack, 'POST', '/Users', body);
    const read = await scim(stack, 'GET', `/Users/${created.body.id}`);
    // Assess
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toBe('application/scim+json');
    expect(created.headers.get('location')).toBe(`${stack.url}/scim/v2/Users/${created.body.id}`);
    expect(created.body).toMatchObject({
      userName: body.userName,
      externalId: body.externalId,
      active: true,
      [ENTERPRISE]: { department: 'Sales' },
      meta: { resourceType: 'User', location: created.headers.get('location'), version: 'W/"1"' },
    });
    expect(Date.parse(created.body.meta.created)).not.toBeNaN();
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('carries an inbound sync event from the identity provider on the stored item', async () => {
    // Act
    const user = await create();
    // Assess
    const out = await stack.dynamodb.send(
      new GetCommand({ TableName: usersTable(), Key: { pk: `user#${user.id}`, sk: 'USER' }, ConsistentRead: true }),
    );
    expect(JSON.parse(String(out.Item?.sync_event))).toMatchObject({
      direction: 'inbound',
      source: 'idp',
      event: 'created',
      outcome: 'synced',
    });
  });

  it('answers 409 uniqueness to a second user whose userName differs only in case, writing nothing', async () => {
    // Prepare
    const first = await create();
    const before = await allItems();
    // Act
    const second = await scim(stack, 'POST', '/Users', scimUser({ userName: first.userName.toUpperCase() }));
    // Assess
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '409',
      scimType: 'uniqueness',
    });
    expect(await allItems()).toHaveLength(before.length);
  });

  it.each([
    ['no userName', { userName: undefined }, 'userName'],
    ['an empty userName', { userName: '  ' }, 'userName'],
    ['active that is no boolean', { active: 'maybe' }, 'active'],
    ['no User schema', { schemas: ['urn:example:other'] }, 'schemas'],
    ['emails that are no list', { emails: 'ana@example.com' }, 'emails'],
  ])('answers 400 invalidValue naming the attribute for %s, writing nothing', async (_label, overrides, attribute) => {
    // Prepare
    const before = await allItems();
    // Act
    const answer = await scim(stack, 'POST', '/Users', scimUser(overrides));
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(answer.body.detail).toContain(attribute);
    expect(await allItems()).toHaveLength(before.length);
  });

  it('answers 400 invalidSyntax to a body that is not JSON, and 415 to one sent as text/plain', async () => {
    // Act
    const broken = await scim(stack, 'POST', '/Users', '{"userName":', {});
    const plain = await scim(stack, 'POST', '/Users', scimUser(), { contentType: 'text/plain' });
    // Assess
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect(plain.status).toBe(415);
    expect(plain.body).toMatchObject({ status: '415' });
  });

  it('accepts a body sent as application/json, and Entra\'s "False" as a boolean', async () => {
    // Act
    const answer = await scim(stack, 'POST', '/Users', scimUser({ active: 'False' }), {
      contentType: 'application/json; charset=utf-8',
    });
    // Assess
    expect(answer.status).toBe(201);
    expect(answer.body.active).toBe(false);
  });
});

describe('GET /scim/v2/Users', () => {
  it("answers Okta's probe startIndex=1&count=2 with two users and the total", async () => {
    // Prepare
    await create();
    await create();
    await create();
    // Act
    const answer = await scim(stack, 'GET', '/Users?startIndex=1&count=2');
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(answer.body.Resources).toHaveLength(2);
    expect(answer.body.itemsPerPage).toBe(2);
    expect(answer.body.startIndex).toBe(1);
    expect(answer.body.totalResults).toBeGreaterThanOrEqual(3);
  });

  it('answers 400 invalidValue to a startIndex that is no number, and only the total to count=0', async () => {
    // Act
    const bad = await scim(stack, 'GET', '/Users?startIndex=first');
    const none = await scim(stack, 'GET', '/Users?count=0');
    // Assess
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ scimType: 'invalidValue' });
    expect(bad.body.detail).toContain('startIndex');
    expect(none.body.Resources).toEqual([]);
    expect(none.body.totalResults).toBeGreaterThan(0);
  });

  it('pages through every user once, oldest first', async () => {
    // Prepare
    const all = await scim(stack, 'GET', '/Users?count=200');
    const total = all.body.totalResults as number;
    // Act
    const ids: string[] = [];
    for (let start = 1; start <= total; start += 2) {
      const page = await scim(stack, 'GET', `/Users?startIndex=${start}&count=2`);
      ids.push(...page.body.Resources.map((user: { id: string }) => user.id));
    }
    const past = await scim(stack, 'GET', `/Users?startIndex=${total + 1}&count=2`);
    // Assess
    expect(all.body.Resources).toHaveLength(total);
    expect(ids).toEqual(all.body.Resources.map((user: { id: string }) => user.id));
    expect(past.body).toMatchObject({ totalResults: total, itemsPerPage: 0, Resources: [] });
  });

  it('finds a user by userName in another case and by externalId', async () => {
    // Prepare
    const user = await create();
    // Act
    const byName = await filterUsers(`userName eq "${user.userName.toUpperCase()}"`);
    const byExternal = await filterUsers(`externalId eq "${user.externalId}"`);
    // Assess
    expect(byName.body).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
    expect(byExternal.body).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
  });

  it('answers a filter on a userName nobody has with an empty ListResponse', async () => {
    // Act
    const answer = await filterUsers('userName eq "nobody-here@example.com"');
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('evaluates a filter no index answers over the listed users', async () => {
    // Prepare
    const user = await create();
    const email = `ana.${user.externalId.slice(4)}@example.com`;
    // Act
    const answer = await filterUsers(`emails[type eq "work"].value eq "${email}" and active eq true`);
    // Assess
    expect(answer.body).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
  });

  it.each([
    ['a filter that does not parse', 'userName eq'],
    ['an unknown attribute', 'shoeSize eq "42"'],
  ])('answers 400 invalidFilter to %s', async (_label, filter) => {
    // Act
    const answer = await filterUsers(filter);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: '400', scimType: 'invalidFilter' });
  });

  it('answers only the attributes asked for, and leaves out the excluded ones', async () => {
    // Prepare
    const user = await create();
    // Act
    const picked = await scim(stack, 'GET', `/Users/${user.id}?attributes=userName`);
    const excluded = await scim(
      stack,
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${user.userName}"`)}&excludedAttributes=emails,name`,
    );
    // Assess
    expect(Object.keys(picked.body).sort()).toEqual(['id', 'meta', 'schemas', 'userName']);
    expect(excluded.body.Resources[0].emails).toBeUndefined();
    expect(excluded.body.Resources[0].name).toBeUndefined();
    expect(excluded.body.Resources[0].userName).toBe(user.userName);
  });

  it('keeps a deactivated user in lists and filters', async () => {
    // Prepare
    const user = await create({ active: false });
    // Act
    const byName = await filterUsers(`userName eq "${user.userName}"`);
    const inactive = await filterUsers('active eq false');
    const read = await scim(stack, 'GET', `/Users/${user.id}`);
    // Assess
    expect(byName.body.Resources).toMatchObject([{ id: user.id, active: false }]);
    expect(inactive.body.Resources.map((u: { id: string }) => u.id)).toContain(user.id);
    expect(read.status).toBe(200);
  });
});

describe('PUT and DELETE /scim/v2/Users/{id}', () => {
  it('replaces the user, moves its userName lock and bumps the version', async () => {
    // Prepare
    const user = await create();
    const renamed = `renamed.${user.userName}`;
    // Act
    const put = await scim(stack, 'PUT', `/Users/${user.id}`, scimUser({ userName: renamed, externalId: undefined }));
    const oldName = await filterUsers(`userName eq "${user.userName}"`);
    const reuse = await scim(stack, 'POST', '/Users', scimUser({ userName: user.userName }));
    const taken = await scim(stack, 'POST', '/Users', scimUser({ userName: renamed.toUpperCase() }));
    // Assess
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: user.id, userName: renamed, meta: { version: 'W/"2"' } });
    expect(put.body.externalId).toBeUndefined();
    expect(oldName.body.totalResults).toBe(0);
    expect(reuse.status).toBe(201);
    expect(taken.status).toBe(409);
  });

  it('answers 404 in the SCIM format to a PUT of an unknown id', async () => {
    // Act
    const answer = await scim(stack, 'PUT', '/Users/does-not-exist', scimUser());
    // Assess
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
  });

  it('deletes with 204: the user is 404 afterwards, gone from lists and filters, its userName free', async () => {
    // Prepare
    const user = await create();
    // Act
    const deleted = await scim(stack, 'DELETE', `/Users/${user.id}`);
    const read = await scim(stack, 'GET', `/Users/${user.id}`);
    const again = await scim(stack, 'DELETE', `/Users/${user.id}`);
    const filtered = await filterUsers(`userName eq "${user.userName}"`);
    const list = await scim(stack, 'GET', '/Users?count=200');
    const reuse = await scim(stack, 'POST', '/Users', scimUser({ userName: user.userName }));
    // Assess
    expect(deleted.status).toBe(204);
    expect(read.status).toBe(404);
    expect(again.status).toBe(404);
    expect(filtered.body.totalResults).toBe(0);
    expect(list.body.Resources.map((u: { id: string }) => u.id)).not.toContain(user.id);
    expect(reuse.status).toBe(201);
  });
});

describe('PATCH /scim/v2/Users/{id}', () => {
  const patch = (id: string, ...operations: Record<string, unknown>[]) =>
    scim(stack, 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: operations });

  it("deactivates with Okta's path-less replace and keeps the user findable", async () => {
    // Prepare
    const user = await create();
    // Act
    const answer = await patch(user.id, { op: 'replace', value: { active: false } });
    const found = await filterUsers(`userName eq "${user.userName}"`);
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: user.id, active: false, meta: { version: 'W/"2"' } });
    expect(found.body.Resources).toMatchObject([{ id: user.id, active: false }]);
  });

  it('applies what Entra ID sends: Replace in capitals, "False" as a string, dotted keys, enterprise paths', async () => {
    // Prepare
    const manager = await create();
    const user = await create();
    // Act
    const answer = await patch(
      user.id,
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Replace', value: { 'name.givenName': 'Anabel', title: 'Lead' } },
      { op: 'Add', path: `${ENTERPRISE}:manager`, value: manager.id },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'anabel@example.com' },
    );
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      active: false,
      title: 'Lead',
      name: { givenName: 'Anabel' },
      emails: [{ type: 'work', value: 'anabel@example.com' }],
      [ENTERPRISE]: { manager: { value: manager.id }, department: 'Sales' },
    });
    expect((await scim(stack, 'GET', `/Users/${user.id}`)).body).toEqual(answer.body);
  });

  it('moves the userName lock on a PATCH of userName, and refuses one another user holds with 409', async () => {
    // Prepare
    const user = await create();
    const other = await create();
    const renamed = `patched.${user.userName}`;
    // Act
    const moved = await patch(user.id, { op: 'replace', path: 'userName', value: renamed });
    const clash = await patch(other.id, { op: 'replace', path: 'userName', value: renamed.toUpperCase() });
    // Assess
    expect(moved.status).toBe(200);
    expect((await filterUsers(`userName eq "${renamed}"`)).body.Resources).toMatchObject([{ id: user.id }]);
    expect((await filterUsers(`userName eq "${user.userName}"`)).body.totalResults).toBe(0);
    expect(clash.status).toBe(409);
    expect(clash.body.scimType).toBe('uniqueness');
  });

  it.each([
    ['an unknown path', { op: 'replace', path: 'shoeSize', value: '42' }, 'invalidPath'],
    ['a read-only attribute', { op: 'replace', path: 'id', value: 'mine' }, 'mutability'],
    ['an unknown op', { op: 'merge', path: 'title', value: 'x' }, 'invalidSyntax'],
  ])('answers 400 to %s and leaves the user as it was', async (_label, operation, scimType) => {
    // Prepare
    const user = await create();
    // Act
    const answer = await patch(user.id, operation);
    const read = await scim(stack, 'GET', `/Users/${user.id}`);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: '400', scimType });
    expect(read.body.meta.version).toBe('W/"1"');
  });

  it('leaves the version as it is for a PATCH that changes nothing', async () => {
    // Prepare
    const user = await create();
    // Act
    const answer = await patch(user.id, { op: 'replace', path: 'active', value: true });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.meta.version).toBe('W/"1"');
  });

  it('lands three concurrent PATCHes of one user, each on its own attribute', async () => {
    // Prepare
    const user = await create();
    // Act
    const answers = await Promise.all(
      (['title', 'nickName', 'userType'] as const).map((path) => patch(user.id, { op: 'replace', path, value: path })),
    );
    const read = await scim(stack, 'GET', `/Users/${user.id}`);
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(read.body).toMatchObject({ title: 'title', nickName: 'nickName', userType: 'userType' });
    expect(read.body.meta.version).toBe('W/"4"');
  });

  it('answers 404 to a PATCH of an unknown user', async () => {
    // Act
    const answer = await patch('no-such-user', { op: 'replace', path: 'active', value: false });
    // Assess
    expect(answer.status).toBe(404);
  });
});

describe('sync log', () => {
  it("logs each SCIM write of a user, and keeps a deleted user's history", async () => {
    // Prepare
    const user = await create();
    await scim(stack, 'PATCH', `/Users/${user.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    await scim(stack, 'DELETE', `/Users/${user.id}`);
    // Act
    const events = await eventually(async () => {
      const out = await stack.dynamodb.send(
        new QueryCommand({
          TableName: stack.resources.tables.syncLog?.physicalName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `EVENTS#${user.id}` },
        }),
      );
      return (out.Items ?? []).length >= 3 ? out.Items : undefined;
    }, 'three sync log items');
    // Assess
    expect(events?.map((event) => event.event)).toEqual(['created', 'patched', 'deleted']);
    expect(events?.[0]).toMatchObject({ source: 'idp', direction: 'inbound', record_type: 'user', record_id: user.id });
  });
});

describe('SCIM bearer token', () => {
  it.each([
    ['no token', undefined],
    ['a wrong token', 'not-the-scim-token-at-all'],
  ])('answers 401 in the SCIM format to %s', async (_label, token) => {
    // Act
    const response = await stack.fetch('/scim/v2/Users', {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    expect(await response.json()).toMatchObject({ status: '401' });
  });

  it('lets the old and the new token in during a rotation, and neither a wrong one nor both at once', async () => {
    // Prepare
    const rotated = 'rotated-scim-token-9876543210';
    process.env.SCIM_TOKEN = `${TEST_SCIM_TOKEN} ${rotated}`;
    try {
      // Act
      const statuses: number[] = [];
      for (const token of [TEST_SCIM_TOKEN, rotated, 'not-the-scim-token-at-all', `${TEST_SCIM_TOKEN},${rotated}`]) {
        statuses.push((await scim(stack, 'GET', '/Users?count=1', undefined, { token })).status);
      }
      // Assess
      expect(statuses).toEqual([200, 200, 401, 401]);
    } finally {
      process.env.SCIM_TOKEN = TEST_SCIM_TOKEN;
    }
  });

  it('answers 503 in the SCIM format, to everyone, while no token is configured', async () => {
    // Prepare
    delete process.env.SCIM_TOKEN;
    try {
      // Act
      const answer = await scim(stack, 'GET', '/Users');
      // Assess
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ status: '503' });
      expect(JSON.stringify(answer.body)).not.toContain('SCIM_TOKEN');
    } finally {
      process.env.SCIM_TOKEN = TEST_SCIM_TOKEN;
    }
  });
});

describe('the userName lock of a create', () => {
  /** A lock left by a create that crashed before writing its user, taken `ageMs` ago. */
  const putOrphanLock = async (userName: string, ageMs: number): Promise<void> => {
    await stack.dynamodb.send(
      new PutCommand({
        TableName: usersTable(),
        Item: {
          pk: `username#${userName.toLowerCase()}`,
          sk: 'LOCK',
          user_id: `crashed-${userName}`,
          user_name: userName,
          locked_at: new Date(Date.now() - ageMs).toISOString(),
        },
      }),
    );
  };

  it('lets exactly one of two concurrent creates of one userName in different case through, the other 409', async () => {
    // Prepare
    const userName = String(scimUser().userName);
    // Act
    const answers = await Promise.all([
      scim(stack, 'POST', '/Users', scimUser({ userName })),
      scim(stack, 'POST', '/Users', scimUser({ userName: userName.toUpperCase() })),
    ]);
    // Assess
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(answers.find((answer) => answer.status === 409)?.body).toMatchObject({ scimType: 'uniqueness' });
    const found = await filterUsers(`userName eq "${userName}"`);
    expect(found.body).toMatchObject({ totalResults: 1 });
  });

  it('answers a filter through an orphan lock with nothing, and lets a create take the lock over once it is old', async () => {
    // Prepare
    const userName = String(scimUser().userName);
    await putOrphanLock(userName, 10 * 60_000);
    // Act
    const before = await filterUsers(`userName eq "${userName}"`);
    const created = await scim(stack, 'POST', '/Users', scimUser({ userName: userName.toUpperCase() }));
    const after = await filterUsers(`userName eq "${userName}"`);
    // Assess
    expect(before.body).toMatchObject({ totalResults: 0 });
    expect(created.status).toBe(201);
    expect(after.body).toMatchObject({ totalResults: 1, Resources: [{ id: created.body.id }] });
  });

  it('refuses a create with 409 while an orphan lock is young enough to be a create in flight', async () => {
    // Prepare
    const userName = String(scimUser().userName);
    await putOrphanLock(userName, 1_000);
    // Act
    const answer = await scim(stack, 'POST', '/Users', scimUser({ userName }));
    // Assess
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ scimType: 'uniqueness' });
  });

  it('takes over an old orphan lock on a rename too', async () => {
    // Prepare
    const user = await create();
    const userName = String(scimUser().userName);
    await putOrphanLock(userName, 10 * 60_000);
    // Act
    const renamed = await scim(stack, 'PATCH', `/Users/${user.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'userName', value: userName }],
    });
    const found = await filterUsers(`userName eq "${userName}"`);
    // Assess
    expect(renamed.status).toBe(200);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
  });

  it('writes no lookup item for a create: externalId and work email are found through indexes on the user', async () => {
    // Prepare
    const before = await allItems();
    // Act
    const user = await create();
    // Assess
    const added = (await allItems()).filter((item) => !before.some((old) => old.pk === item.pk && old.sk === item.sk));
    expect(added.map((item) => `${item.sk}`).sort()).toEqual(['LOCK', 'USER']);
    const byExternal = await filterUsers(`externalId eq "${user.externalId}"`);
    expect(byExternal.body).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
  });
});
