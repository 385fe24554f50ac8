import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HrEmployee } from '../../functions/users/domain/hr-event.js';
import { eventually } from '../helpers/http-client.js';
import { type PersonAnswer, adminPerson, hrEnv, sendHr } from '../helpers/hr-client.js';
import { anEmployee, anHrEvent } from '../helpers/hr-factories.js';
import { ENTERPRISE, scim, scimUser } from '../helpers/scim-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * The HR feed end to end on the offline engines: `POST /webhooks/hr`
 * through the real route and handler, the people read back over SCIM and
 * `GET /admin/users/{id}`, future-dated changes applied by the
 * `hr-effective-changes` schedule run through the runtime.
 */
let stack: TestStack;

const usersTable = (): string => stack.resources.tables.users?.physicalName ?? '';

const hire = async (employee: HrEmployee = anEmployee()) => {
  const answer = await sendHr(stack, anHrEvent('hire', employee));
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ status: 'synced', created: true, duplicate: false });
  return { id: answer.body.user_id as string, employee };
};

const person = async (id: string): Promise<PersonAnswer> => {
  const answer = await adminPerson(stack, id);
  expect(answer.status).toBe(200);
  return answer.body;
};

const byUserName = async (userName: string) => {
  const answer = await scim(stack, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
  expect(answer.status).toBe(200);
  return answer.body.Resources as Record<string, unknown>[];
};

const runSchedule = async () => {
  const result = await stack.triggerSchedule('hr-effective-changes');
  if (!result.ok) throw result.error;
  return result.value as { applied: number; unmatched: number };
};

/** Items under the employee id lookup: none means nothing was written for that employee. */
const employeeLookups = async (employeeId: string) =>
  (
    await stack.dynamodb.send(
      new QueryCommand({
        TableName: usersTable(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `employeeid#${employeeId.toLowerCase()}` },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

beforeAll(async () => {
  stack = await startTestStack({ env: hrEnv() });
});

afterAll(async () => {
  await stack?.stop();
});

describe('POST /webhooks/hr: hire, update, terminate, rehire', () => {
  it('creates the person on a hire, found over SCIM by userName with the HR fields', async () => {
    // Prepare
    const manager = await hire();
    const employee = anEmployee({ managerEmployeeId: manager.employee.employeeId });
    // Act
    const { id } = await hire(employee);
    // Assess
    const [found] = await byUserName(employee.workEmail as string);
    expect(found).toMatchObject({
      id,
      userName: employee.workEmail,
      active: true,
      name: { givenName: employee.firstName, familyName: employee.lastName },
      emails: [{ value: employee.workEmail, type: 'work', primary: true }],
      title: 'Engineer',
      [ENTERPRISE]: { employeeNumber: employee.employeeId, department: 'R&D', manager: { value: manager.id } },
    });
    const view = await person(id);
    expect(view.field_sources.title).toMatchObject({ source: 'hr' });
    expect(view.hr_profile).toEqual({ location: 'Berlin', startDate: '2026-01-05' });
  });

  it('moves department, title and manager on an update, and leaves the rest as it was', async () => {
    // Prepare
    const [oldManager, newManager] = [await hire(), await hire()];
    const { id, employee } = await hire(anEmployee({ managerEmployeeId: oldManager.employee.employeeId }));
    // Act
    const answer = await sendHr(
      stack,
      anHrEvent('update', {
        employeeId: employee.employeeId,
        title: 'Staff Engineer',
        department: 'Platform',
        managerEmployeeId: newManager.employee.employeeId,
      }),
    );
    // Assess
    expect(answer.body).toMatchObject({ status: 'synced', user_id: id, created: false });
    const read = await scim(stack, 'GET', `/Users/${id}`);
    expect(read.body).toMatchObject({
      title: 'Staff Engineer',
      active: true,
      name: { givenName: employee.firstName, familyName: employee.lastName },
      [ENTERPRISE]: { department: 'Platform', manager: { value: newManager.id } },
    });
  });

  it('never disables anyone on an update that carries no status or active', async () => {
    // Prepare
    const { id, employee } = await hire();
    // Act
    await sendHr(stack, anHrEvent('update', { employeeId: employee.employeeId, location: 'Lisbon' }));
    // Assess
    const view = await person(id);
    expect(view.user.active).toBe(true);
    expect(view.hr_profile.location).toBe('Lisbon');
  });

  it('deactivates now on a past-dated termination, and reactivates on a rehire', async () => {
    // Prepare
    const { id, employee } = await hire();
    // Act
    const terminated = await sendHr(
      stack,
      anHrEvent('terminate', { employeeId: employee.employeeId, terminationDate: '2026-11-30' }, '2026-11-30'),
    );
    const afterTermination = (await scim(stack, 'GET', `/Users/${id}`)).body;
    const rehired = await sendHr(stack, anHrEvent('rehire', employee));
    // Assess
    expect(terminated.body).toMatchObject({ status: 'synced', user_id: id });
    expect(afterTermination.active).toBe(false);
    expect(rehired.body).toMatchObject({ status: 'synced', user_id: id, created: false });
    expect((await scim(stack, 'GET', `/Users/${id}`)).body.active).toBe(true);
    const view = await person(id);
    expect(view.hr_profile.terminationDate).toBe('2026-11-30');
    expect(view.field_sources.active).toMatchObject({ source: 'hr' });
  });

  it('keeps a future-dated termination pending until the schedule runs at or after its time', async () => {
    // Prepare
    const { id, employee } = await hire();
    const effective = new Date(Date.now() + 3_000).toISOString();
    // Act
    const answer = await sendHr(stack, anHrEvent('terminate', { employeeId: employee.employeeId }, effective));
    await runSchedule();
    const before = await person(id);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(effective) - Date.now() + 100)));
    const run = await runSchedule();
    const again = await runSchedule();
    // Assess
    expect(answer.body).toMatchObject({ status: 'pending', user_id: id, effective_at: effective });
    expect(before.user.active).toBe(true);
    expect(before.pending).toEqual([
      expect.objectContaining({ effective_at: effective, change: expect.objectContaining({ event: 'terminate' }) }),
    ]);
    expect(run.applied).toBeGreaterThanOrEqual(1);
    expect(again.applied).toBe(0);
    const after = await person(id);
    expect(after.user.active).toBe(false);
    expect(after.pending).toEqual([]);
  });

  it('creates a future hire of someone unknown only when it comes due', async () => {
    // Prepare
    const employee = anEmployee();
    const effective = new Date(Date.now() + 2_000).toISOString();
    // Act
    const answer = await sendHr(stack, anHrEvent('hire', employee, effective));
    const early = await byUserName(employee.workEmail as string);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(effective) - Date.now() + 100)));
    await runSchedule();
    // Assess
    expect(answer.body).toMatchObject({ status: 'pending' });
    expect(early).toEqual([]);
    const [created] = await byUserName(employee.workEmail as string);
    expect(created).toMatchObject({ active: true, [ENTERPRISE]: { employeeNumber: employee.employeeId } });
  });

  it('matches a person the IdP created by work email, case-insensitively, instead of creating another', async () => {
    // Prepare
    const tag = randomUUID().slice(0, 8);
    const email = `Lin.${tag}@Example.com`;
    const created = await scim(
      stack,
      'POST',
      '/Users',
      scimUser({ userName: `lin-${tag}`, emails: [{ value: email, type: 'work', primary: true }] }),
    );
    expect(created.status).toBe(201);
    // Act
    const answer = await sendHr(
      stack,
      anHrEvent('hire', anEmployee({ workEmail: email.toLowerCase(), title: 'Analyst' })),
    );
    // Assess
    expect(answer.body).toMatchObject({ status: 'synced', user_id: created.body.id, created: false });
    const read = await scim(stack, 'GET', `/Users/${created.body.id}`);
    expect(read.body.title).toBe('Analyst');
    expect(read.body.userName).toBe(`lin-${tag}`);
    expect(await byUserName(email.toLowerCase())).toEqual([]);
  });

  it('resolves a manager hired after their report', async () => {
    // Prepare
    const managerEmployee = anEmployee();
    const { id } = await hire(anEmployee({ managerEmployeeId: managerEmployee.employeeId }));
    const waiting = await person(id);
    // Act
    const manager = await hire(managerEmployee);
    // Assess
    expect(waiting.manager_employee_id_awaited).toBe(managerEmployee.employeeId);
    const view = await person(id);
    expect(view.user[ENTERPRISE].manager).toEqual({ value: manager.id });
    expect(view.manager_employee_id_awaited).toBeNull();
  });

  it('answers an update of nobody known with 200 unmatched, writing no user', async () => {
    // Prepare
    const employee = anEmployee();
    // Act
    const answer = await sendHr(stack, anHrEvent('update', { employeeId: employee.employeeId, title: 'X' }));
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'unmatched' });
    expect(await employeeLookups(employee.employeeId)).toEqual([]);
  });
});

describe('POST /webhooks/hr: refusals and redelivery', () => {
  it('refuses a bad signature with 401 and writes nothing', async () => {
    // Prepare
    const employee = anEmployee();
    // Act
    const answer = await sendHr(stack, anHrEvent('hire', employee), {
      secret: 'whsec_b3RoZXItc2VjcmV0LTAxMjM0NTY3ODkwMTI=',
    });
    // Assess
    expect(answer.status).toBe(401);
    expect(await byUserName(employee.workEmail as string)).toEqual([]);
  });

  it('refuses a hire without a work email with 400 naming the field, and writes nothing', async () => {
    // Prepare
    const employee = anEmployee();
    const { workEmail: _, ...withoutEmail } = employee;
    // Act
    const answer = await sendHr(stack, anHrEvent('hire', withoutEmail));
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('employee.workEmail');
    expect(await employeeLookups(employee.employeeId)).toEqual([]);
  });

  it('applies a redelivered event once and answers the copy as a duplicate', async () => {
    // Prepare
    const employee = anEmployee();
    const event = anHrEvent('hire', employee);
    const id = `msg_${randomUUID()}`;
    // Act
    const first = await sendHr(stack, event, { id });
    const second = await sendHr(stack, event, { id });
    // Assess
    expect(first.body).toMatchObject({ status: 'synced', duplicate: false });
    expect(second.body).toMatchObject({ status: 'synced', duplicate: true, user_id: first.body.user_id });
    expect(await byUserName(employee.workEmail as string)).toHaveLength(1);
    const hires = await eventually(async () => {
      const found = (await person(first.body.user_id as string)).events.filter((e) => e.delivery_id === id);
      return found.length > 0 ? found : undefined;
    }, 'the hire event in the sync log');
    expect(hires).toHaveLength(1);
  });
});
