import { randomUUID } from 'node:crypto';
import type { HrEmployee, HrEvent } from '../../functions/users/domain/hr-event.js';

/** An employee as an HR system sends one; a fresh employee id and work email each call. */
export const anEmployee = (overrides: Partial<HrEmployee> = {}): HrEmployee => {
  const tag = randomUUID().slice(0, 8);
  return {
    employeeId: `E-${tag}`,
    firstName: 'Grace',
    lastName: `Hopper ${tag}`,
    workEmail: `grace.${tag}@example.com`,
    title: 'Engineer',
    department: 'R&D',
    location: 'Berlin',
    startDate: '2026-01-05',
    ...overrides,
  };
};

/** An HR event effective today for `employee` (a fresh one by default). */
export const anHrEvent = (
  event: HrEvent['event'] = 'hire',
  employee: HrEmployee = anEmployee(),
  effectiveDate: string = new Date().toISOString().slice(0, 10),
): HrEvent => ({ event, effectiveDate, employee });
