import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, eventually } from '../helpers/http-client.js';
import { type PersonAnswer, adminPerson, hrEnv, sendHr } from '../helpers/hr-client.js';
import { anEmployee, anHrEvent } from '../helpers/hr-factories.js';
import { ENTERPRISE, PATCH_OP, scim, scimUser } from '../helpers/scim-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * Who owns which field, end to end: the identity provider over SCIM and
 * HR over its webhook writing the same person, each change of a field its
 * source does not own left as it was and logged as ignored; the admin
 * route that shows where each field came from.
 */
let stack: TestStack;

const hire = async () => {
  const employee = anEmployee();
  const answer = await sendHr(stack, anHrEvent('hire', employee));
  expect(answer.body).toMatchObject({ status: 'synced', created: true });
  return { id: answer.body.user_id as string, employee };
};

const person = async (id: string): Promise<PersonAnswer> => {
  const answer = await adminPerson(stack, id);
  expect(answer.status).toBe(200);
  return answer.body;
};

const ignoredEvents = (view: PersonAnswer) => view.events.filter((event) => event.outcome === 'ignored');

beforeAll(async () => {
  stack = await startTestStack({ env: hrEnv() });
});

afterAll(async () => {
  await stack?.stop();
});

describe('field ownership', () => {
  it('ignores an IdP PATCH of the HR-owned title with a sync event, and applies its active in the same request', async () => {
    // Prepare
    const { id } = await hire();
    // Act
    const patched = await scim(stack, 'PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'title', value: 'Chief Everything' },
        { op: 'replace', path: 'active', value: false },
      ],
    });
    // Assess
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Engineer', active: false });
    const view = await person(id);
    expect(ignoredEvents(view)).toEqual([
      expect.objectContaining({ source: 'idp', event: 'patched', detail: { field: 'title', owner: 'hr' } }),
    ]);
    expect(view.field_sources).toMatchObject({ title: { source: 'hr' }, active: { source: 'idp' } });
  });

  it('keeps HR fields an IdP PUT leaves out', async () => {
    // Prepare
    const { id, employee } = await hire();
    const body = scimUser({ userName: employee.workEmail, title: undefined, [ENTERPRISE]: undefined });
    // Act
    const replaced = await scim(stack, 'PUT', `/Users/${id}`, body);
    // Assess
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      title: 'Engineer',
      [ENTERPRISE]: { employeeNumber: employee.employeeId, department: 'R&D' },
    });
  });

  it('ignores an HR update of the work email the IdP set, and applies the rest', async () => {
    // Prepare
    const provisioned = scimUser();
    const created = await scim(stack, 'POST', '/Users', provisioned);
    const employee = anEmployee({ workEmail: provisioned.userName as string });
    const linked = await sendHr(stack, anHrEvent('hire', employee));
    expect(linked.body).toMatchObject({ status: 'synced', user_id: created.body.id, created: false });
    // Act
    const answer = await sendHr(
      stack,
      anHrEvent('update', { employeeId: employee.employeeId, workEmail: 'someone.else@example.com', title: 'Lead' }),
    );
    // Assess
    expect(answer.body).toMatchObject({ status: 'synced', ignored: ['emails'] });
    const view = await person(created.body.id);
    expect(view.user.emails).toEqual(provisioned.emails);
    expect(view.user.title).toBe('Lead');
    expect(view.field_sources).toMatchObject({ emails: { source: 'idp' }, title: { source: 'hr' } });
    expect(ignoredEvents(view)).toEqual([
      expect.objectContaining({ source: 'hr', event: 'update', detail: { field: 'emails', owner: 'idp' } }),
    ]);
  });

  it('lets the IdP keep an HR-owned field current while HR has never set it', async () => {
    // Prepare
    const created = await scim(stack, 'POST', '/Users', scimUser({ title: 'Analyst' }));
    // Act
    const patched = await scim(stack, 'PATCH', `/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'title', value: 'Senior Analyst' }],
    });
    // Assess
    expect(patched.body.title).toBe('Senior Analyst');
    expect(ignoredEvents(await person(created.body.id))).toEqual([]);
  });

  it('deactivates on an HR termination although the IdP owns active', async () => {
    // Prepare
    const { id, employee } = await hire();
    // Act
    await sendHr(stack, anHrEvent('terminate', { employeeId: employee.employeeId }));
    // Assess
    const read = await scim(stack, 'GET', `/Users/${id}`);
    expect(read.body.active).toBe(false);
    const view = await person(id);
    expect(ignoredEvents(view)).toEqual([]);
    expect(view.field_sources.active).toMatchObject({ source: 'hr' });
  });

  it('follows a settings change: with the title owned by the IdP, its PATCH lands', async () => {
    // Prepare
    const { id } = await hire();
    const current = await admin<{ settings: Record<string, unknown> }>(stack.url, 'GET', '/admin/settings');
    const owners = (current.body.settings?.user_field_owners ?? {}) as Record<string, string>;
    const changed = await admin(stack.url, 'PUT', '/admin/settings', {
      user_field_owners: { ...owners, title: 'idp' },
    });
    expect(changed.status).toBe(200);
    try {
      // Act
      const patched = await scim(stack, 'PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'title', value: 'Chief Everything' }],
      });
      // Assess
      expect(patched.body.title).toBe('Chief Everything');
    } finally {
      await admin(stack.url, 'PUT', '/admin/settings', { user_field_owners: null });
    }
  });
});

describe('GET /admin/users/{id}', () => {
  it('shows the person, the source of each field, and its sync events', async () => {
    // Prepare
    const { id, employee } = await hire();
    // Act
    const view = await eventually(async () => {
      const read = await person(id);
      return read.events.some((event) => event.event === 'hire') ? read : undefined;
    }, 'the hire in the sync log');
    // Assess
    expect(view).toMatchObject({
      user: { id, userName: employee.workEmail, meta: { resourceType: 'User' } },
      employee_id: employee.employeeId,
      field_sources: { name: { source: 'hr' }, department: { source: 'hr' }, user_name: { source: 'hr' } },
      pending: [],
    });
    expect(view.events).toEqual([
      expect.objectContaining({ direction: 'inbound', source: 'hr', event: 'hire', outcome: 'synced', record_id: id }),
    ]);
    expect(view.events[0]).not.toHaveProperty('pk');
  });

  it('answers 404 for an unknown user and 401 without the admin token', async () => {
    // Act
    const unknown = await adminPerson(stack, 'no-such-user');
    const anonymous = await fetch(`${stack.url}/admin/users/no-such-user`);
    // Assess
    expect(unknown.status).toBe(404);
    expect(anonymous.status).toBe(401);
  });
});
