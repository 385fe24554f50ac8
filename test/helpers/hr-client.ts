import type { HrEvent } from '../../functions/users/domain/hr-event.js';
import { type JsonAnswer, TEST_ADMIN_TOKEN, admin, postSignedWebhook } from './http-client.js';
import { TEST_SCIM_TOKEN } from './scim-client.js';
import type { TestStack } from './test-stack.js';

/** The HR feed's Standard Webhooks secret in test stacks. */
export const TEST_HR_SECRET = 'whsec_aHJzZWNyZXQtZm9yLXRlc3RzLTAxMjM0NTY3';

/** The env of a stack serving SCIM, the HR feed and the admin API; settings read fresh on every request. */
export const hrEnv = (): Record<string, string> => ({
  SCIM_TOKEN: TEST_SCIM_TOKEN,
  HR_WEBHOOK_SECRET: TEST_HR_SECRET,
  ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  SETTINGS_CACHE_SECONDS: '0',
});

/** What `POST /webhooks/hr` answers. */
export interface HrAnswer {
  readonly status: string;
  readonly duplicate: boolean;
  readonly user_id?: string;
  readonly created?: boolean;
  readonly ignored?: string[];
  readonly effective_at?: string;
  readonly error?: string;
}

/** Posts an HR event, signed as the HR system signs it. */
export const sendHr = (
  stack: TestStack,
  body: HrEvent | Record<string, unknown>,
  options: { id?: string; secret?: string } = {},
): Promise<JsonAnswer<HrAnswer>> =>
  postSignedWebhook<HrAnswer>(`${stack.url}/webhooks/hr`, body, {
    secret: options.secret ?? TEST_HR_SECRET,
    ...(options.id === undefined ? {} : { id: options.id }),
  });

/** What `GET /admin/users/{id}` answers. */
export interface PersonAnswer {
  // biome-ignore lint/suspicious/noExplicitAny: SCIM documents are asserted on field by field.
  readonly user: any;
  readonly employee_id: string | null;
  readonly field_sources: Record<string, { source: string; at: string }>;
  readonly hr_profile: Record<string, string>;
  readonly manager_employee_id_awaited: string | null;
  readonly pending: { effective_at: string; delivery_id: string; change: HrEvent }[];
  readonly events: Record<string, unknown>[];
}

/** Reads a person through the admin route. */
export const adminPerson = (stack: TestStack, id: string): Promise<JsonAnswer<PersonAnswer>> =>
  admin<PersonAnswer>(stack.url, 'GET', `/admin/users/${id}`);
