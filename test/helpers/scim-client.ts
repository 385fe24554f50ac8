import { randomUUID } from 'node:crypto';
import type { TestStack } from './test-stack.js';

/** The SCIM bearer token of the test stacks (two during a rotation test). */
export const TEST_SCIM_TOKEN = 'test-scim-token-0123456789';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A SCIM answer: status, headers, and the body parsed when there is one. */
export interface ScimAnswer {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: SCIM bodies are asserted on field by field.
  readonly body: any;
}

/**
 * Calls a /scim/v2 route of a test stack as an identity provider does:
 * bearer token, `application/scim+json`.
 *
 * @example
 * const created = await scim(stack, 'POST', '/Users', scimUser());
 */
const scim = async (
  stack: TestStack,
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string; contentType?: string } = {},
): Promise<ScimAnswer> => {
  const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? TEST_SCIM_TOKEN}` };
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/scim+json';
  const response = await stack.fetch(`/scim/v2${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
};

/** A User as Okta creates one; `overrides` replaces or adds attributes. */
const scimUser = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const tag = randomUUID().slice(0, 8);
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    userName: `ana.${tag}@example.com`,
    externalId: `ext-${tag}`,
    name: { givenName: 'Ana', familyName: `Lopez ${tag}` },
    emails: [{ value: `ana.${tag}@example.com`, type: 'work', primary: true }],
    active: true,
    [ENTERPRISE]: { employeeNumber: tag, department: 'Sales' },
    ...overrides,
  };
};

/** A Group as Entra ID creates one. */
const scimGroup = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  schemas: [GROUP_SCHEMA],
  displayName: `Team ${randomUUID().slice(0, 8)}`,
  ...overrides,
});

/** The environment of a SCIM test stack. */
const scimEnv = (): Record<string, string> => ({ SCIM_TOKEN: TEST_SCIM_TOKEN });

export { scim, scimUser, scimGroup, scimEnv };
