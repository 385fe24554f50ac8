import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHttpServer, type RecordedRequest, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { eventually } from '../helpers/http-client.js';
import { PATCH_OP, scim, scimEnv, scimGroup, scimUser } from '../helpers/scim-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * The push to a downstream SCIM directory, through the real stream, outbound
 * queue and dispatcher, against a local server playing the directory: it
 * keeps what it is sent, answers 409 to a second user of one userName and
 * answers `userName eq` filters, and can be told to fail.
 */
let stack: TestStack;
let directory: FakeHttpServer;
const savedEnv = { ...process.env };
const DIRECTORY_TOKEN = 'directory-test-token';

/** The fake directory's users by its id, and how many POSTs to /Users still answer 503. */
const held = new Map<string, Record<string, unknown>>();
let failingCreates = 0;
let nextId = 1;

const userNameOfFilter = (path: string): string | undefined => {
  const filter = new URL(path, 'http://x').searchParams.get('filter') ?? '';
  return /^userName eq "(.*)"$/.exec(filter)?.[1];
};

const directoryResponder = (request: RecordedRequest) => {
  if (request.headers.authorization !== `Bearer ${DIRECTORY_TOKEN}`)
    return { status: 401, body: { detail: 'bad token' } };
  const body = request.body as Record<string, unknown> | undefined;
  if (request.method === 'GET' && request.path.startsWith('/scim/v2/Users?')) {
    const userName = userNameOfFilter(request.path)?.toLowerCase();
    const found = [...held.entries()].filter(([, u]) => String(u.userName).toLowerCase() === userName);
    return {
      status: 200,
      body: { totalResults: found.length, Resources: found.map(([id, u]) => ({ ...u, id })) },
    };
  }
  if (request.method === 'POST' && request.path === '/scim/v2/Users') {
    if (failingCreates > 0) {
      failingCreates--;
      return { status: 503, body: { detail: 'down for a moment' } };
    }
    const taken = [...held.values()].some(
      (u) => String(u.userName).toLowerCase() === String(body?.userName).toLowerCase(),
    );
    if (taken) return { status: 409, body: { status: '409', scimType: 'uniqueness' } };
    const id = `d-${nextId++}`;
    held.set(id, body ?? {});
    return { status: 201, body: { ...body, id } };
  }
  if (request.method === 'POST' && request.path === '/scim/v2/Groups') {
    return { status: 201, body: { ...body, id: `dg-${nextId++}` } };
  }
  if (request.method === 'PATCH') return { status: 200, body: { id: request.path.split('/').pop() } };
  if (request.method === 'DELETE') return { status: 204 };
  return { status: 404, body: { detail: 'unknown path' } };
};

const usersTable = (): string => stack.resources.tables.users?.physicalName ?? '';

const linkOf = async (resource: 'user' | 'group', id: string) => {
  const out = await stack.dynamodb.send(
    new GetCommand({
      TableName: usersTable(),
      Key: { pk: `${resource}#${id}`, sk: 'DIRECTORY' },
      ConsistentRead: true,
    }),
  );
  return out.Item as { directory_id: string; pushed_version: number; deleted_at?: string } | undefined;
};

const linkAtVersion = (resource: 'user' | 'group', id: string, version: number) =>
  eventually(async () => {
    const link = await linkOf(resource, id);
    return link && link.pushed_version >= version ? link : undefined;
  }, `${resource} ${id} pushed at version ${version}`);

const callsTo = (directoryId: string) => directory.requests.filter((r) => r.path.includes(`/${directoryId}`));
const createsOf = (userName: string) =>
  directory.requests.filter((r) => r.method === 'POST' && (r.body as { userName?: string })?.userName === userName);

const createUser = async (overrides: Record<string, unknown> = {}) => {
  const answer = await scim(stack, 'POST', '/Users', scimUser(overrides));
  expect(answer.status).toBe(201);
  return answer.body as { id: string; userName: string };
};

const patchUser = (id: string, operations: unknown[]) =>
  scim(stack, 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: operations });

/** Waits long enough for an echo to have happened if there were one. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 2500));

beforeAll(async () => {
  directory = await startFakeHttpServer(directoryResponder);
  const env = {
    ...scimEnv(),
    DIRECTORY_SCIM_URL: `${directory.url}/scim/v2`,
    DIRECTORY_SCIM_TOKEN: DIRECTORY_TOKEN,
    OUTBOUND_BACKOFF_BASE_SECONDS: '1',
    OUTBOUND_TIMEOUT_MS: '2000',
  };
  Object.assign(process.env, env);
  stack = await startTestStack({ env });
});

afterAll(async () => {
  await stack?.stop();
  await directory?.close();
  process.env = savedEnv;
});

describe('users push to a downstream SCIM directory', () => {
  it('creates a user there with POST, writes its id back and pushes nothing more', async () => {
    // Act
    const user = await createUser();
    // Assess
    const link = await linkAtVersion('user', user.id, 1);
    const creates = createsOf(user.userName);
    expect(creates).toHaveLength(1);
    expect(creates[0]?.headers.authorization).toBe(`Bearer ${DIRECTORY_TOKEN}`);
    expect(creates[0]?.headers['idempotency-key']).toBe(`directory#user#${user.id}#v1`);
    expect(creates[0]?.body).toMatchObject({ userName: user.userName, externalId: user.id, active: true });
    expect(link.directory_id).toMatch(/^d-/);
    await settle();
    expect(createsOf(user.userName)).toHaveLength(1);
    expect(callsTo(link.directory_id)).toHaveLength(0);
  });

  it('sends a PATCH of only what changed', async () => {
    // Prepare
    const user = await createUser();
    const { directory_id: directoryId } = await linkAtVersion('user', user.id, 1);
    // Act
    const renamed = `renamed.${user.userName}`;
    const answer = await patchUser(user.id, [{ op: 'replace', path: 'userName', value: renamed }]);
    // Assess
    expect(answer.status).toBe(200);
    await linkAtVersion('user', user.id, 2);
    const patches = callsTo(directoryId).filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]?.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'userName', value: renamed }],
    });
  });

  it('sends active false for a leaver', async () => {
    // Prepare
    const user = await createUser();
    const { directory_id: directoryId } = await linkAtVersion('user', user.id, 1);
    // Act
    await patchUser(user.id, [{ op: 'Replace', value: { active: 'False' } }]);
    // Assess
    await linkAtVersion('user', user.id, 2);
    const patches = callsTo(directoryId).filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.body)).toEqual([
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] },
    ]);
  });

  it('deletes the user there only after a DELETE here', async () => {
    // Prepare
    const user = await createUser();
    const { directory_id: directoryId } = await linkAtVersion('user', user.id, 1);
    // Act
    const answer = await scim(stack, 'DELETE', `/Users/${user.id}`);
    // Assess
    expect(answer.status).toBe(204);
    const link = await linkAtVersion('user', user.id, 2);
    expect(link.deleted_at).toBeDefined();
    expect(callsTo(directoryId).map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /scim/v2/Users/${directoryId}`]);
  });

  it('creates a group with its members as the directory ids of its users', async () => {
    // Prepare
    const [ana, ben] = [await createUser(), await createUser()];
    const [anaLink, benLink] = [await linkAtVersion('user', ana.id, 1), await linkAtVersion('user', ben.id, 1)];
    // Act
    const group = await scim(stack, 'POST', '/Groups', scimGroup({ members: [{ value: ana.id }, { value: ben.id }] }));
    // Assess
    expect(group.status).toBe(201);
    await linkAtVersion('group', group.body.id, 1);
    const creates = directory.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === '/scim/v2/Groups' &&
        (r.body as { externalId?: string }).externalId === group.body.id,
    );
    expect(creates).toHaveLength(1);
    expect(creates[0]?.body).toMatchObject({
      displayName: group.body.displayName,
      members: [{ value: anaLink.directory_id }, { value: benLink.directory_id }].sort((a, b) =>
        a.value < b.value ? -1 : 1,
      ),
    });
  });

  it('patches a member added here as an add of its directory id', async () => {
    // Prepare
    const [ana, ben] = [await createUser(), await createUser()];
    const benLink = await linkAtVersion('user', ben.id, 1);
    await linkAtVersion('user', ana.id, 1);
    const group = await scim(stack, 'POST', '/Groups', scimGroup({ members: [{ value: ana.id }] }));
    const groupLink = await linkAtVersion('group', group.body.id, 1);
    // Act
    const answer = await scim(stack, 'PATCH', `/Groups/${group.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: ben.id }] }],
    });
    // Assess
    expect(answer.status).toBeLessThan(300);
    const patches = await directory.waitFor(
      (r) => r.method === 'PATCH' && r.path === `/scim/v2/Groups/${groupLink.directory_id}`,
    );
    await settle();
    expect(callsTo(groupLink.directory_id).map((r) => r.body)).toEqual([
      { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: benLink.directory_id }] }] },
    ]);
    expect(patches).toHaveLength(1);
  });

  it('retries a create the directory answered 503 and records it once delivered', async () => {
    // Prepare
    failingCreates = 1;
    // Act
    const user = await createUser();
    // Assess
    const link = await eventually(() => linkOf('user', user.id), `user ${user.id} linked`, 20_000);
    expect(link.directory_id).toMatch(/^d-/);
    expect(createsOf(user.userName)).toHaveLength(2);
    expect(failingCreates).toBe(0);
  });

  it('adopts the id of a user the directory already holds instead of creating it twice', async () => {
    // Prepare: the directory has the userName already (a 409 to a POST).
    const body = scimUser();
    held.set('d-existing', { userName: String(body.userName).toUpperCase() });
    // Act
    const created = await scim(stack, 'POST', '/Users', body);
    // Assess
    const link = await linkAtVersion('user', created.body.id, 1);
    expect(link.directory_id).toBe('d-existing');
    expect(createsOf(String(body.userName))).toHaveLength(0);
    const patches = callsTo('d-existing').filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    const operations = (patches[0]?.body as { Operations?: { path: string }[] } | undefined)?.Operations ?? [];
    expect(operations.map((o) => o.path)).toContain('userName');
  });

  it('never echoes: a create and two changes are three calls in all', async () => {
    // Prepare
    const user = await createUser();
    const { directory_id: directoryId } = await linkAtVersion('user', user.id, 1);
    // Act
    await patchUser(user.id, [{ op: 'replace', path: 'userName', value: `one.${user.userName}` }]);
    await linkAtVersion('user', user.id, 2);
    await patchUser(user.id, [{ op: 'replace', path: 'userName', value: `two.${user.userName}` }]);
    await linkAtVersion('user', user.id, 3);
    await settle();
    // Assess
    expect(createsOf(user.userName)).toHaveLength(1);
    expect(callsTo(directoryId).filter((r) => r.method === 'PATCH')).toHaveLength(2);
  });
});
