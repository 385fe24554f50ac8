import * as z from '../../kernel/validation.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../scim/schema.js';
import type { HrProfile, PersonView } from './field-ownership.js';

/**
 * An HR event (`POST /webhooks/hr`) and what it does to a person, pure.
 *
 * Body: `{event, effectiveDate, employee}`; `event` one of `hire`,
 * `update`, `terminate`, `rehire`; `effectiveDate` a date (`2026-12-01`,
 * effective from 00:00 UTC that day) or an ISO date-time with offset;
 * `employee.employeeId` required, every other field optional (strings;
 * `startDate`/`terminationDate` dates; `workEmail` an email, required
 * for `hire` and `rehire`, which create the person when nobody matches).
 * A field left out is left as it is; none is ever cleared by omission.
 */
const HR_EVENTS = ['hire', 'update', 'terminate', 'rehire'] as const;

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
const text = z.lazy(() => z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(256)));
const isoDate = z.lazy(() => z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)')));

const isEffectiveDate = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) &&
  !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value));

const hrEmployee = z.lazy(() =>
  z.object({
    employeeId: z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(128)),
    firstName: z.optional(text),
    lastName: z.optional(text),
    workEmail: z.optional(z.email('must be an email address')),
    title: z.optional(text),
    department: z.optional(text),
    managerEmployeeId: z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(128))),
    location: z.optional(text),
    startDate: z.optional(isoDate),
    terminationDate: z.optional(isoDate),
    status: z.optional(text),
  }),
);

/**
 * The webhook body. A `hire` or `rehire` must carry `workEmail` (the new
 * user's userName): refused with 400 naming `employee.workEmail`.
 *
 * @example
 * const payload = parseOr400(hrEventSchema, body, 'payload');
 */
const hrEventSchema = z.lazy(() =>
  z
    .object({
      event: z.enum(HR_EVENTS),
      effectiveDate: z.string().check(z.refine(isEffectiveDate, 'must be a date or an ISO date-time with offset')),
      employee: hrEmployee,
    })
    .check(
      z.refine((body) => !(body.event === 'hire' || body.event === 'rehire') || body.employee.workEmail !== undefined, {
        message: 'is required for a hire or rehire',
        path: ['employee', 'workEmail'],
      }),
    ),
);

export type HrEvent = z.output<typeof hrEventSchema>;
export type HrEmployee = HrEvent['employee'];

/**
 * When an event takes effect, as an ISO instant: a bare date at 00:00 UTC.
 *
 * @example
 * effectiveAt('2026-12-01'); // '2026-12-01T00:00:00.000Z'
 */
const effectiveAt = (effectiveDate: string): string =>
  new Date(effectiveDate.length === 10 ? `${effectiveDate}T00:00:00Z` : effectiveDate).toISOString();

/**
 * Whether an event applies now (past or today) or waits for its date.
 *
 * @example
 * isDue('2026-12-01', new Date('2026-12-01T09:00:00Z')); // true
 */
const isDue = (effectiveDate: string, now: Date): boolean => Date.parse(effectiveAt(effectiveDate)) <= now.getTime();

/** How a person is looked for, in order: employee id, work email, userName (the work email again). */
export type MatchStep = { readonly by: 'employeeId' | 'workEmail' | 'userName'; readonly value: string };

/**
 * The lookups that find an employee's person, in the order they are tried.
 *
 * @example
 * matchSteps({ employeeId: 'E-1', workEmail: 'a@x.com' });
 * // [{ by: 'employeeId', value: 'E-1' }, { by: 'workEmail', value: 'a@x.com' }, { by: 'userName', value: 'a@x.com' }]
 */
const matchSteps = (employee: HrEmployee): MatchStep[] => [
  { by: 'employeeId', value: employee.employeeId },
  ...(employee.workEmail === undefined
    ? []
    : [
        { by: 'workEmail', value: employee.workEmail } as const,
        { by: 'userName', value: employee.workEmail } as const,
      ]),
];

/** The manager as the enterprise extension holds it: the user id, or nothing while unknown. */
export type ManagerRef = { readonly value: string } | undefined;

const enterpriseOf = (resource: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const value = resource[ENTERPRISE_USER_SCHEMA];
  return value !== null && typeof value === 'object' ? { ...(value as Record<string, unknown>) } : {};
};

/**
 * The person as the event would have it: each field it carries set, every
 * other field as it was. `active` is not touched here (the caller decides
 * for terminate and rehire); a new person starts active.
 *
 * @param before the stored person, undefined to create one.
 * @param manager the manager's user, when the event names a manager who is known.
 *
 * @example
 * const after = hrPerson(stored, payload.employee, { value: managerId });
 */
const hrPerson = (before: PersonView | undefined, employee: HrEmployee, manager: ManagerRef): PersonView => {
  const resource: Record<string, unknown> = before
    ? { ...before.resource }
    : {
        schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        userName: employee.workEmail,
        emails: [{ value: employee.workEmail, type: 'work', primary: true }],
        active: true,
      };
  if (employee.firstName !== undefined || employee.lastName !== undefined) {
    const name = { ...((resource.name as Record<string, unknown> | undefined) ?? {}) };
    if (employee.firstName !== undefined) name.givenName = employee.firstName;
    if (employee.lastName !== undefined) name.familyName = employee.lastName;
    name.formatted = [name.givenName, name.familyName].filter((part) => typeof part === 'string').join(' ');
    resource.name = name;
    resource.displayName = name.formatted;
  }
  if (employee.title !== undefined) resource.title = employee.title;
  if (employee.workEmail !== undefined && before) {
    // A new work email replaces the work entry; other addresses stay (ownership decides whether it is kept).
    const others = (Array.isArray(resource.emails) ? (resource.emails as Record<string, unknown>[]) : []).filter(
      (email) => email.type !== 'work',
    );
    const wasWork = (resource.emails as Record<string, unknown>[] | undefined)?.find((e) => e.type === 'work');
    if (wasWork?.value !== employee.workEmail) {
      resource.emails = [{ ...wasWork, value: employee.workEmail, type: 'work' }, ...others];
    }
  }
  const ext = enterpriseOf(resource);
  ext.employeeNumber = employee.employeeId;
  if (employee.department !== undefined) ext.department = employee.department;
  if (manager !== undefined) ext.manager = { value: manager.value };
  resource[ENTERPRISE_USER_SCHEMA] = ext;
  const schemas = Array.isArray(resource.schemas) ? (resource.schemas as string[]) : [USER_SCHEMA];
  if (!schemas.includes(ENTERPRISE_USER_SCHEMA)) resource.schemas = [...schemas, ENTERPRISE_USER_SCHEMA];
  const profile: Record<string, string> = { ...before?.profile } as Record<string, string>;
  for (const field of ['location', 'startDate', 'terminationDate', 'status'] as const) {
    const value = employee[field];
    if (value !== undefined) profile[field] = value;
  }
  return { resource, profile: profile as HrProfile };
};

/**
 * What an event does to `active`, whoever owns it: a termination always
 * deactivates, a rehire reactivates; a hire or update never touches it
 * (an omitted status or `active` never disables anyone).
 *
 * @example
 * forcedActive('terminate'); // false
 * forcedActive('update'); // undefined
 */
const forcedActive = (event: HrEvent['event']): boolean | undefined =>
  event === 'terminate' ? false : event === 'rehire' ? true : undefined;

export { HR_EVENTS, effectiveAt, forcedActive, hrEventSchema, hrPerson, isDue, matchSteps };
