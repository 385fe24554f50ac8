import { describe, expect, it } from 'vitest';
import { effectiveAt, forcedActive, hrEventSchema, hrPerson, isDue } from '../../functions/users/domain/hr-event.js';
import * as z from '../../functions/kernel/validation.js';
import { type PersonFinders, findPerson } from '../../functions/users/hr/find-person.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../functions/users/scim/schema.js';
import type { UserItem } from '../../functions/users/store/items.js';
import { anEmployee, anHrEvent } from '../helpers/hr-factories.js';

const aUser = (id: string): UserItem =>
  ({
    pk: `user#${id}`,
    sk: 'USER',
    id,
    resource: { userName: `${id}@example.com` },
    version: 1,
  }) as unknown as UserItem;

/** Finders that answer from fixed maps and record the order they were asked in. */
const fakeFinders = (known: Partial<Record<keyof PersonFinders, Record<string, UserItem>>>) => {
  const asked: string[] = [];
  const finder = (by: keyof PersonFinders) => async (value: string) => {
    asked.push(`${by}:${value}`);
    return known[by]?.[value.toLowerCase()];
  };
  const finders: PersonFinders = {
    employeeId: finder('employeeId'),
    workEmail: finder('workEmail'),
    userName: finder('userName'),
  };
  return { finders, asked };
};

const refusal = (body: unknown) => {
  const parsed = z.safeParse(hrEventSchema, body);
  if (parsed.success) throw new Error('expected a refusal');
  return parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('hrEventSchema', () => {
  it('accepts an event with only the employee id besides event and date', () => {
    // Act
    const parsed = z.safeParse(hrEventSchema, {
      event: 'update',
      effectiveDate: '2026-12-01',
      employee: { employeeId: 'E-1' },
    });
    // Assess
    expect(parsed.success).toBe(true);
  });

  it('refuses a hire without a work email, naming employee.workEmail', () => {
    // Act
    const issues = refusal({ event: 'hire', effectiveDate: '2026-12-01', employee: { employeeId: 'E-1' } });
    // Assess
    expect(issues).toEqual(['employee.workEmail: is required for a hire or rehire']);
  });

  it.each([
    [{ event: 'fire', effectiveDate: '2026-12-01', employee: { employeeId: 'E-1' } }, 'event'],
    [{ event: 'update', effectiveDate: '1 Dec 2026', employee: { employeeId: 'E-1' } }, 'effectiveDate'],
    [{ event: 'update', effectiveDate: '2026-12-01', employee: {} }, 'employee.employeeId'],
    [
      { event: 'update', effectiveDate: '2026-12-01', employee: { employeeId: 'E-1', workEmail: 'nope' } },
      'employee.workEmail',
    ],
    [
      { event: 'update', effectiveDate: '2026-12-01', employee: { employeeId: 'E-1', startDate: '05/01/2026' } },
      'employee.startDate',
    ],
  ])('refuses %j naming %s', (body, field) => {
    // Act
    const issues = refusal(body);
    // Assess
    expect(issues[0]).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
  });
});

describe('effective dates', () => {
  it('reads a bare date as 00:00 UTC that day and keeps a date-time with offset', () => {
    // Assess
    expect(effectiveAt('2026-12-01')).toBe('2026-12-01T00:00:00.000Z');
    expect(effectiveAt('2026-12-01T09:30:00+02:00')).toBe('2026-12-01T07:30:00.000Z');
  });

  it('applies past and today now, and a later date or time waits', () => {
    // Prepare
    const now = new Date('2026-12-03T10:00:00.000Z');
    // Assess
    expect(isDue('2026-12-02', now)).toBe(true);
    expect(isDue('2026-12-03', now)).toBe(true);
    expect(isDue('2026-12-03T10:00:00Z', now)).toBe(true);
    expect(isDue('2026-12-03T10:00:01Z', now)).toBe(false);
    expect(isDue('2026-12-04', now)).toBe(false);
  });
});

describe('findPerson', () => {
  it('matches by employee id first, without asking anything else', async () => {
    // Prepare
    const employee = anEmployee({ employeeId: 'E-7', workEmail: 'ada@example.com' });
    const { finders, asked } = fakeFinders({
      employeeId: { 'e-7': aUser('by-id') },
      workEmail: { 'ada@example.com': aUser('by-mail') },
    });
    // Act
    const found = await findPerson(employee, finders);
    // Assess
    expect(found).toMatchObject({ by: 'employeeId', user: { id: 'by-id' } });
    expect(asked).toEqual(['employeeId:E-7']);
  });

  it('falls back to the work email, then to the userName, in that order', async () => {
    // Prepare
    const employee = anEmployee({ employeeId: 'E-8', workEmail: 'Ada@Example.com' });
    const { finders, asked } = fakeFinders({ userName: { 'ada@example.com': aUser('by-name') } });
    // Act
    const found = await findPerson(employee, finders);
    // Assess
    expect(found).toMatchObject({ by: 'userName', user: { id: 'by-name' } });
    expect(asked).toEqual(['employeeId:E-8', 'workEmail:Ada@Example.com', 'userName:Ada@Example.com']);
  });

  it('finds nobody for an event without a work email and an unknown employee id', async () => {
    // Prepare
    const { finders, asked } = fakeFinders({});
    // Act
    const found = await findPerson({ employeeId: 'E-9' }, finders);
    // Assess
    expect(found).toBeUndefined();
    expect(asked).toEqual(['employeeId:E-9']);
  });
});

describe('hrPerson', () => {
  it('builds a new person: userName and work email from workEmail, name, title, enterprise fields, active', () => {
    // Prepare
    const employee = anEmployee({
      employeeId: 'E-1',
      workEmail: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    // Act
    const person = hrPerson(undefined, employee, { value: 'manager-id' });
    // Assess
    expect(person.resource).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      userName: 'ada@example.com',
      emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
      active: true,
      name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
      displayName: 'Ada Lovelace',
      title: 'Engineer',
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'E-1', department: 'R&D', manager: { value: 'manager-id' } },
    });
    expect(person.profile).toEqual({ location: 'Berlin', startDate: '2026-01-05' });
  });

  it('leaves every field the event does not carry as it is, active included', () => {
    // Prepare
    const before = hrPerson(undefined, anEmployee({ employeeId: 'E-2' }), { value: 'm-1' });
    const inactive = { ...before, resource: { ...before.resource, active: false } };
    // Act
    const after = hrPerson(inactive, { employeeId: 'E-2', department: 'Sales' }, undefined);
    // Assess
    expect(after.resource).toEqual({
      ...inactive.resource,
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'E-2', department: 'Sales', manager: { value: 'm-1' } },
    });
    expect(after.profile).toEqual(before.profile);
  });

  it('keeps the given name when only the last name changes', () => {
    // Prepare
    const before = hrPerson(undefined, anEmployee({ firstName: 'Ada', lastName: 'Byron' }), undefined);
    // Act
    const after = hrPerson(before, { employeeId: 'E-3', lastName: 'King' }, undefined);
    // Assess
    expect(after.resource.name).toEqual({ givenName: 'Ada', familyName: 'King', formatted: 'Ada King' });
    expect(after.resource.displayName).toBe('Ada King');
  });
});

describe('forcedActive', () => {
  it('deactivates on terminate, reactivates on rehire, leaves active alone otherwise', () => {
    // Assess
    expect(forcedActive('terminate')).toBe(false);
    expect(forcedActive('rehire')).toBe(true);
    expect(forcedActive('update')).toBeUndefined();
    expect(forcedActive('hire')).toBeUndefined();
  });

  it('is what a termination event carries through the schema', () => {
    // Act
    const parsed = z.parse(hrEventSchema, anHrEvent('terminate'));
    // Assess
    expect(forcedActive(parsed.event)).toBe(false);
  });
});
