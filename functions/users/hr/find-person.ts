import type { HrEmployee, MatchStep } from '../domain/hr-event.js';
import { matchSteps } from '../domain/hr-event.js';
import type { UserItem } from '../store/items.js';
import { findUserByEmployeeId, findUserByWorkEmail } from '../store/person-lookups.js';
import { findUserByUserName } from '../store/user-reads.js';

/** One lookup per match step; each compares case-insensitively. */
export type PersonFinders = Readonly<Record<MatchStep['by'], (value: string) => Promise<UserItem | undefined>>>;

const storeFinders: PersonFinders = {
  employeeId: findUserByEmployeeId,
  workEmail: findUserByWorkEmail,
  userName: findUserByUserName,
};

/**
 * The person an HR event is about: by employee id, then work email, then
 * userName, the first that finds someone. Each step is one or two key
 * reads, never a scan.
 *
 * @example
 * const user = await findPerson(payload.employee);
 */
const findPerson = async (
  employee: HrEmployee,
  finders: PersonFinders = storeFinders,
): Promise<{ user: UserItem; by: MatchStep['by'] } | undefined> => {
  for (const step of matchSteps(employee)) {
    const user = await finders[step.by](step.value);
    if (user) return { user, by: step.by };
  }
  return undefined;
};

export { findPerson };
