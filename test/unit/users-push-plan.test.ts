import { describe, expect, it } from 'vitest';
import { PUSH_ACTION, planDirectoryMessages } from '../../functions/users/push/plan-messages.js';
import {
  type CurrentResource,
  type DirectoryLink,
  PATCH_OP_SCHEMA,
  USER_SCHEMA,
  desiredGroup,
  desiredUser,
  patchOperations,
  planPush,
} from '../../functions/users/push/plan-request.js';
import { aStreamRecord } from '../helpers/lambda-events.js';

/** The pure halves of the directory push: which changes queue a message, and what each message sends. */
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const aUser = (overrides: Record<string, unknown> = {}, deleted = false): CurrentResource => ({
  id: 'u-1',
  deleted,
  schemas: [USER_SCHEMA],
  desired: desiredUser('u-1', {
    schemas: [USER_SCHEMA],
    userName: 'ana@example.com',
    externalId: 'okta-1',
    active: true,
    name: { givenName: 'Ana', familyName: 'Lopez' },
    ...overrides,
  }),
});

const aLink = (pushed: Record<string, unknown>, overrides: Partial<DirectoryLink> = {}): DirectoryLink => ({
  directory_id: 'd-9',
  pushed,
  pushed_version: 1,
  ...overrides,
});

const userItemRecord = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', version: number, oldVersion?: number) =>
  aStreamRecord({
    eventName,
    table: 'users',
    keys: { pk: 'user#u-1', sk: 'USER' },
    newImage: { pk: 'user#u-1', sk: 'USER', id: 'u-1', version },
    ...(oldVersion === undefined ? {} : { oldImage: { pk: 'user#u-1', sk: 'USER', id: 'u-1', version: oldVersion } }),
  });

describe('planPush', () => {
  it('creates a user the directory does not hold yet with POST, our id as externalId', () => {
    // Act
    const plan = planPush('user', aUser(), undefined);
    // Assess
    expect(plan).toMatchObject({ kind: 'create', method: 'POST', path: '/Users' });
    expect('body' in plan && plan.body).toEqual({
      schemas: [USER_SCHEMA],
      userName: 'ana@example.com',
      externalId: 'u-1',
      active: true,
      name: { givenName: 'Ana', familyName: 'Lopez' },
    });
  });

  it('patches only the attributes that differ from what the directory was last sent', () => {
    // Prepare
    const link = aLink(aUser().desired);
    // Act
    const plan = planPush('user', aUser({ userName: 'ana.lopez@example.com' }), link);
    // Assess
    expect(plan).toEqual({
      kind: 'update',
      method: 'PATCH',
      path: '/Users/d-9',
      body: {
        schemas: [PATCH_OP_SCHEMA],
        Operations: [{ op: 'replace', path: 'userName', value: 'ana.lopez@example.com' }],
      },
      pushed: aUser({ userName: 'ana.lopez@example.com' }).desired,
    });
  });

  it('sends active false for a leaver', () => {
    // Act
    const plan = planPush('user', aUser({ active: false }), aLink(aUser().desired));
    // Assess
    expect('body' in plan && plan.body).toEqual({
      schemas: [PATCH_OP_SCHEMA],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
  });

  it('skips when the directory already holds the current state', () => {
    // Act
    const plan = planPush('user', aUser(), aLink(aUser().desired));
    // Assess
    expect(plan).toEqual({ skip: 'the directory already holds this state' });
  });

  it('deletes there only a user deleted here that the directory holds', () => {
    // Act
    const linked = planPush('user', aUser({}, true), aLink(aUser().desired));
    const unlinked = planPush('user', aUser({}, true), undefined);
    const gone = planPush('user', aUser({}, true), aLink({}, { deleted_at: '2026-12-01T00:00:00Z' }));
    // Assess
    expect(linked).toMatchObject({ kind: 'delete', method: 'DELETE', path: '/Users/d-9' });
    expect(unlinked).toHaveProperty('skip');
    expect(gone).toHaveProperty('skip');
  });

  it('patches an adopted user into shape instead of creating it again', () => {
    // Act
    const plan = planPush('user', aUser(), undefined, 'd-found');
    // Assess
    expect(plan).toMatchObject({ kind: 'update', method: 'PATCH', path: '/Users/d-found' });
    const ops = ('body' in plan ? (plan.body as { Operations: { path: string }[] }) : { Operations: [] }).Operations;
    expect(ops.map((op) => op.path)).toEqual(['active', 'externalId', 'name', 'userName']);
  });

  it('skips a resource that does not exist', () => {
    // Act & Assess
    expect(planPush('group', undefined, undefined)).toHaveProperty('skip');
  });

  it('creates a group with its members as directory ids', () => {
    // Prepare
    const group: CurrentResource = {
      id: 'g-1',
      deleted: false,
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      desired: desiredGroup('g-1', { displayName: 'Sales' }, ['d-2', 'd-1', 'd-2']),
    };
    // Act
    const plan = planPush('group', group, undefined);
    // Assess
    expect('body' in plan && plan.body).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Sales',
      externalId: 'g-1',
      members: [{ value: 'd-1' }, { value: 'd-2' }],
    });
  });
});

describe('patchOperations', () => {
  it('adds new members in one operation and removes each gone one by a value filter', () => {
    // Prepare
    const before = desiredGroup('g-1', { displayName: 'Sales' }, ['d-1', 'd-2']);
    const after = desiredGroup('g-1', { displayName: 'Sales EU' }, ['d-2', 'd-3', 'd-4']);
    // Act
    const ops = patchOperations(before, after, true);
    // Assess
    expect(ops).toEqual([
      { op: 'replace', path: 'displayName', value: 'Sales EU' },
      { op: 'add', path: 'members', value: [{ value: 'd-3' }, { value: 'd-4' }] },
      { op: 'remove', path: 'members[value eq "d-1"]' },
    ]);
  });

  it('patches enterprise extension attributes one by one and removes a dropped attribute', () => {
    // Prepare
    const before = { userName: 'a', title: 'Lead', [ENTERPRISE]: { department: 'Sales', employeeNumber: '7' } };
    const after = { userName: 'a', [ENTERPRISE]: { department: 'Ops', employeeNumber: '7' } };
    // Act
    const ops = patchOperations(before, after);
    // Assess
    expect(ops).toEqual([
      { op: 'remove', path: 'title' },
      { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Ops' },
    ]);
  });

  it('reads reordered keys as no change', () => {
    // Act & Assess
    expect(patchOperations({ name: { a: 1, b: 2 } }, { name: { b: 2, a: 1 } })).toEqual([]);
  });
});

describe('planDirectoryMessages', () => {
  it('queues a user change with its version, FIFO group and supersede key', () => {
    // Act
    const messages = planDirectoryMessages([userItemRecord('MODIFY', 3, 2)]);
    // Assess
    expect(messages).toEqual([
      {
        id: 'directory#user#u-1#v3',
        group: 'directory#user#u-1',
        request: { integration: 'directory', method: 'PATCH', path: '/Users' },
        action: { name: PUSH_ACTION, params: { resource: 'user', id: 'u-1' } },
        supersede: { key: 'directory#user#u-1', version: 3 },
        context: { record_type: 'user', record_id: 'u-1', version: 3 },
      },
    ]);
  });

  it('ignores a rewrite that did not move the version, and removed items', () => {
    // Act
    const messages = planDirectoryMessages([userItemRecord('MODIFY', 2, 2), userItemRecord('REMOVE', 2)]);
    // Assess
    expect(messages).toEqual([]);
  });

  it('ignores directory links, lookups and pending changes', () => {
    // Prepare
    const records = ['DIRECTORY', 'LOCK', 'pending#2026-12-01#x'].map((sk) =>
      aStreamRecord({
        table: 'users',
        keys: { pk: 'user#u-1', sk },
        newImage: { pk: 'user#u-1', sk, id: 'u-1', version: 1 },
      }),
    );
    // Act & Assess
    expect(planDirectoryMessages(records)).toEqual([]);
  });

  it('turns a batch of member changes into one message per group, without supersede', () => {
    // Prepare
    const members = ['u-1', 'u-2', 'u-3'].map((userId) =>
      aStreamRecord({ table: 'users', keys: { pk: 'group#g-1', sk: `member#${userId}` } }),
    );
    // Act
    const messages = planDirectoryMessages(members);
    // Assess
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      id: `directory#group#g-1#members#${members[2]?.eventID}`,
      group: 'directory#group#g-1',
      action: { name: PUSH_ACTION, params: { resource: 'group', id: 'g-1' } },
    });
    expect(messages[0]).not.toHaveProperty('supersede');
  });
});
