import * as z from '../../kernel/validation.js';
import { ScimError } from '../scim/scim-error.js';
import { SCIM_MAX_RESULTS as MAX_RESULTS } from '../scim/discovery.js';

/**
 * The query of a SCIM list (RFC 7644 §3.4.2): `filter`, `startIndex`
 * (1-based; below 1 read as 1), `count` (negative read as 0, capped at
 * `maxResults` (ServiceProviderConfig)), `attributes`, `excludedAttributes`. `sortBy` is
 * not supported (ServiceProviderConfig says so) and is ignored.
 */
export interface ListQuery {
  readonly filter: string | undefined;
  readonly startIndex: number;
  readonly count: number;
  readonly attributes: string | undefined;
  readonly excludedAttributes: string | undefined;
}

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
const whole = z.lazy(() => z.string().check(z.regex(/^-?\d{1,9}$/, 'must be a whole number')));

const listQuery = z.lazy(() =>
  z.object({
    filter: z.optional(z.string()),
    startIndex: z.optional(whole),
    count: z.optional(whole),
    attributes: z.optional(z.string()),
    excludedAttributes: z.optional(z.string()),
  }),
);

/**
 * Reads the list query of a request.
 *
 * @throws ScimError 400 `invalidValue` for a startIndex or count that is no number.
 *
 * @example
 * const query = readListQuery(event.queryStringParameters); // { startIndex: 1, count: 2, ... }
 */
const readListQuery = (parameters: Readonly<Record<string, string | undefined>> | undefined): ListQuery => {
  const parsed = z.safeParse(listQuery, parameters ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScimError(400, 'invalidValue', `${issue?.path.join('.') ?? 'query'}: ${issue?.message ?? 'invalid'}`);
  }
  const { filter, startIndex, count, attributes, excludedAttributes } = parsed.data;
  return {
    filter: filter?.trim() === '' ? undefined : filter,
    startIndex: Math.max(1, startIndex === undefined ? 1 : Number(startIndex)),
    count: Math.min(MAX_RESULTS, Math.max(0, count === undefined ? MAX_RESULTS : Number(count))),
    attributes,
    excludedAttributes,
  };
};

/** The schema URN of a list answer. */
const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/**
 * A ListResponse: always one, even for a filter that matches nothing
 * (Entra ID and Okta both expect it, with `totalResults: 0`).
 *
 * @example
 * listResponse(pageOfResources, total, query.startIndex);
 */
const listResponse = (resources: readonly unknown[], totalResults: number, startIndex: number) => ({
  schemas: [LIST_RESPONSE_SCHEMA],
  totalResults,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});

/**
 * Whether `members` is to be left out of a group answer, decided before
 * reading them: `excludedAttributes=members`, or `attributes` not naming it.
 *
 * @example
 * const memberIds = membersWanted(query) ? await groupMemberIds(id) : undefined;
 */
const membersWanted = (query: {
  readonly attributes?: string | undefined;
  readonly excludedAttributes?: string | undefined;
}): boolean => {
  const names = (text: string | undefined) =>
    (text ?? '')
      .split(',')
      .map((name) =>
        name
          .trim()
          .toLowerCase()
          .replace(/^urn:ietf:params:scim:schemas:core:2\.0:group:/, ''),
      )
      .filter((name) => name !== '');
  if (names(query.excludedAttributes).some((name) => name === 'members' || name.startsWith('members.'))) return false;
  const asked = names(query.attributes);
  return asked.length === 0 || asked.some((name) => name === 'members' || name.startsWith('members.'));
};

export { readListQuery, listResponse, membersWanted, listQuery as scimListQuery };
