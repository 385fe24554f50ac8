import * as z from '../../kernel/validation.js';
import { ScimError } from '../scim/scim-error.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../scim/schema.js';
import type { ScimDocument } from '../store/items.js';

/**
 * The bodies of POST and PUT on /Users and /Groups, checked before
 * anything is written: the attributes we index or decide on must have
 * their type, other attributes of the schemas are kept as sent.
 * Read-only attributes (`id`, `meta`, a user's `groups`) are ignored as
 * RFC 7644 §3.3 says; `password` is dropped: this directory authenticates
 * nobody and keeps no credentials.
 */

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
/** Booleans as Entra ID sends them by default: `"True"`, `"False"`, any case. */
const scimBoolean = z.lazy(() =>
  z.union([
    z.boolean(),
    z.pipe(
      z.string().check(z.regex(/^(true|false)$/i, 'must be true or false')),
      z.transform((value: string) => value.toLowerCase() === 'true'),
    ),
  ]),
);

const optionalText = z.lazy(() => z.optional(z.nullable(z.string())));

const multiValued = z.lazy(() =>
  z.optional(
    z.nullable(
      z.array(
        z.looseObject({
          value: optionalText,
          type: optionalText,
          display: optionalText,
          primary: z.optional(z.nullable(scimBoolean)),
        }),
      ),
    ),
  ),
);

const schemasNaming = (urn: string) =>
  z.array(z.string()).check(
    z.refine((schemas: string[]) => schemas.some((schema) => schema.toLowerCase() === urn.toLowerCase()), {
      message: `must include ${urn}`,
    }),
  );

const userBody = z.lazy(() =>
  z.looseObject({
    schemas: schemasNaming(USER_SCHEMA),
    userName: z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(256)),
    externalId: optionalText,
    active: z.optional(z.nullable(scimBoolean)),
    displayName: optionalText,
    title: optionalText,
    name: z.optional(
      z.nullable(z.looseObject({ givenName: optionalText, familyName: optionalText, formatted: optionalText })),
    ),
    emails: multiValued,
    phoneNumbers: multiValued,
    [ENTERPRISE_USER_SCHEMA]: z.optional(
      z.nullable(
        z.looseObject({
          employeeNumber: optionalText,
          department: optionalText,
          manager: z.optional(z.nullable(z.union([z.string(), z.looseObject({ value: optionalText })]))),
        }),
      ),
    ),
  }),
);

const groupBody = z.lazy(() =>
  z.looseObject({
    schemas: schemasNaming(GROUP_SCHEMA),
    displayName: z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(256)),
    externalId: optionalText,
    members: z.optional(
      z.nullable(
        z.array(z.looseObject({ value: z.string().check(z.minLength(1, 'is required')), display: optionalText })),
      ),
    ),
  }),
);

/** Attributes a client may not set; dropped from what it sends. */
const IGNORED = new Set(['id', 'meta', 'groups', 'password']);

const withoutNulls = (document: Record<string, unknown>): ScimDocument =>
  Object.fromEntries(
    Object.entries(document).filter(([key, value]) => value !== null && value !== undefined && !IGNORED.has(key)),
  );

const parseScim = <S extends z.Schema>(schema: S, body: unknown): z.output<S> => {
  const parsed = z.safeParse(schema, body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${path === '' ? '(body)' : path}: ${issue.message}`;
  });
  throw new ScimError(400, 'invalidValue', `Invalid attribute ${issues.join('; ')}`);
};

/**
 * A User as POST or PUT sends it, checked, ready to store.
 *
 * @throws ScimError 400 `invalidValue` naming the first failing attributes.
 *
 * @example
 * const resource = userDocument(readScimBody(event));
 */
const userDocument = (body: unknown): ScimDocument => withoutNulls(parseScim(userBody, body));

/**
 * A Group as POST or PUT sends it: its own document (without members) and
 * the member ids, in order, once each.
 *
 * @throws ScimError 400 `invalidValue` naming the first failing attributes.
 *
 * @example
 * const { resource, memberIds } = groupDocument(readScimBody(event));
 */
const groupDocument = (body: unknown): { resource: ScimDocument; memberIds: string[] } => {
  const { members, ...rest } = parseScim(groupBody, body);
  return { resource: withoutNulls(rest), memberIds: [...new Set((members ?? []).map((member) => member.value))] };
};

export { userDocument, groupDocument, scimBoolean, userBody, groupBody };
