import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../functions/users/scim/filter-eval.js';
import { type Filter, parseFilter, printFilter } from '../../functions/users/scim/filter-parse.js';
import { indexKey, planQuery, prepareFilter } from '../../functions/users/scim/filter-plan.js';
import { ENTERPRISE_USER_SCHEMA, type ResourceTypeName } from '../../functions/users/scim/schema.js';

const aUser = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_USER_SCHEMA],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'Ext-701984',
  userName: 'Bjensen@Example.com',
  name: { familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: '26118915' } },
  meta: {
    resourceType: 'User',
    created: '2011-08-01T18:29:49.793Z',
    lastModified: '2011-08-01T18:29:49.793Z',
    version: 'W/"3694e05e9dff591"',
  },
  ...overrides,
});

const matches = (text: string, resource: Record<string, unknown>, type: ResourceTypeName = 'User'): boolean => {
  const prepared = prepareFilter(text, type);
  if (!prepared.ok) throw new Error(prepared.error.message);
  return prepared.value.matches(resource);
};

const parsed = (text: string): Filter => {
  const result = parseFilter(text);
  if (!result.ok) throw new Error(result.error.detail);
  return result.value;
};

const canonical = (text: string, type: ResourceTypeName = 'User'): Filter => {
  const compiled = compileFilter(parsed(text), type);
  if (!compiled.ok) throw new Error(compiled.error.message);
  return compiled.value.filter;
};

describe('SCIM filter: parsing', () => {
  it.each([
    'userName Eq "john"',
    'name.familyName co "O\'Malley"',
    'userName sw "J"',
    'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
    'title pr',
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    'meta.lastModified ge "2011-05-13T04:42:34Z"',
    'meta.lastModified lt "2011-05-13T04:42:34Z"',
    'meta.lastModified le "2011-05-13T04:42:34Z"',
    'title pr and userType eq "Employee"',
    'title pr or userType eq "Intern"',
    'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    'userType eq "Employee" and (emails.type eq "work")',
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
  ])('parses the RFC 7644 example %s', (text) => {
    // Act
    const result = parseFilter(text);
    // Assess
    expect(result.ok).toBe(true);
  });

  it('reads operators and keywords in any case and gives not > and > or', () => {
    // Act
    const result = parsed('a EQ 1 OR b Pr AND NOT (c eq true)');
    // Assess
    expect(result).toEqual({
      kind: 'or',
      left: { kind: 'compare', path: { attribute: 'a' }, op: 'eq', value: 1 },
      right: {
        kind: 'and',
        left: { kind: 'present', path: { attribute: 'b' } },
        right: { kind: 'not', filter: { kind: 'compare', path: { attribute: 'c' }, op: 'eq', value: true } },
      },
    });
  });

  it('splits a URN-qualified path at its last colon and keeps the sub-attribute', () => {
    expect(parsed(`${ENTERPRISE_USER_SCHEMA}:manager.value eq "26118915"`)).toEqual({
      kind: 'compare',
      path: { urn: ENTERPRISE_USER_SCHEMA, attribute: 'manager', sub: 'value' },
      op: 'eq',
      value: '26118915',
    });
  });

  it('decodes JSON escapes in string literals', () => {
    expect(parsed('displayName eq "Ana \\"Lu\\" \\u00c1vila\\\\"')).toMatchObject({ value: 'Ana "Lu" Ávila\\' });
  });

  it('reads number, boolean and null literals', () => {
    expect(parsed('a eq -1.5e2')).toMatchObject({ value: -150 });
    expect(parsed('a eq False')).toMatchObject({ value: false });
    expect(parsed('a eq null')).toMatchObject({ value: null });
  });

  it('reads a value path followed by a sub-attribute comparison', () => {
    expect(parsed('emails[type eq "work" and primary eq true].value eq "x"')).toEqual({
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: {
        kind: 'and',
        left: { kind: 'compare', path: { attribute: 'type' }, op: 'eq', value: 'work' },
        right: { kind: 'compare', path: { attribute: 'primary' }, op: 'eq', value: true },
      },
      after: { kind: 'compare', path: { attribute: 'value' }, op: 'eq', value: 'x' },
    });
  });

  it.each([
    ['(userName eq "a"', 16, '")"'],
    ['userName eq "a")', 15, '"and", "or" or the end of the filter'],
    ['userName eqq "a"', 9, 'an operator (eq ne co sw ew gt ge lt le pr)'],
    ['userName eq', 11, 'a value (a string, number, true, false or null)'],
    ['userName eq "a" and', 19, 'an attribute path'],
    ['userName eq "abc', 12, 'a closing quote'],
    ['userName eq bob', 12, 'a value (a string, number, true, false or null)'],
    ['emails[type eq "work"', 21, '"]"'],
    ['emails[type[value eq "x"] eq "a"]', 11, 'an operator'],
    ['', 0, 'an attribute path'],
  ])('refuses %j at position %i, expecting %s', (text, position, expected) => {
    // Act
    const result = parseFilter(text);
    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.position).toBe(position);
    expect(result.error.expected).toBe(expected);
    expect(result.error.detail).toContain(`position ${position}`);
  });

  it('turns a syntax error into a 400 invalidFilter', () => {
    // Act
    const result = prepareFilter('userName eq', 'User');
    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.status).toBe(400);
    expect(result.error.scimType).toBe('invalidFilter');
    expect(result.error.body.detail).toMatch(/position 11/);
  });

  const name = fc.constantFrom('userName', 'title', 'emails', 'x-y_1', '$ref');
  const path = fc.record(
    { urn: fc.constant(ENTERPRISE_USER_SCHEMA), attribute: name, sub: fc.constantFrom('value', 'type') },
    { requiredKeys: ['attribute'] },
  );
  const literal = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
  const operation = fc.oneof(
    fc.record({
      kind: fc.constant('compare' as const),
      path,
      op: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'),
      value: literal,
    }),
    fc.record({ kind: fc.constant('present' as const), path }),
  );
  const { filter } = fc.letrec<{ filter: Filter; inner: Filter }>((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      operation,
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('filter'), right: tie('filter') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('filter') }),
      fc.record(
        {
          kind: fc.constant('valuePath' as const),
          path: fc.record({ attribute: name }),
          filter: tie('inner'),
          after: fc.oneof(
            fc.record({ kind: fc.constant('present' as const), path: fc.record({ attribute: name }) }),
            fc.record({
              kind: fc.constant('compare' as const),
              path: fc.record({ attribute: name }),
              op: fc.constant('eq' as const),
              value: literal,
            }),
          ),
        },
        { requiredKeys: ['kind', 'path', 'filter'] },
      ),
    ),
    inner: fc.oneof(
      { depthSize: 'small' },
      fc.record({ kind: fc.constant('present' as const), path: fc.record({ attribute: name }) }),
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('inner'), right: tie('inner') }),
    ),
  }));

  it('parses what it prints back to the same tree', () => {
    fc.assert(
      fc.property(filter, (ast) => {
        expect(parseFilter(printFilter(ast))).toEqual({ ok: true, value: ast });
      }),
    );
  });
});

describe('SCIM filter: evaluation', () => {
  it('matches userName case-insensitively, as RFC 7643 defines it', () => {
    expect(matches('userName eq "bjensen@example.com"', aUser())).toBe(true);
    expect(matches('USERNAME EQ "BJENSEN@EXAMPLE.COM"', aUser())).toBe(true);
  });

  it('matches externalId and id exactly (caseExact)', () => {
    expect(matches('externalId eq "Ext-701984"', aUser())).toBe(true);
    expect(matches('externalId eq "ext-701984"', aUser())).toBe(false);
    expect(matches('id eq "2819C223-7F76-453A-919D-413861904646"', aUser())).toBe(false);
  });

  it('matches a multi-valued attribute when any of its values matches', () => {
    expect(matches('emails.value eq "BABS@jensen.org"', aUser())).toBe(true);
    expect(matches('emails co "jensen.org"', aUser())).toBe(true);
    expect(matches('emails.value eq "nobody@example.com"', aUser())).toBe(false);
  });

  it('reads ne as "no value equals", so a missing attribute is not equal', () => {
    expect(matches('nickName ne "Babs"', aUser())).toBe(true);
    expect(matches('emails.value ne "babs@jensen.org"', aUser())).toBe(false);
  });

  it('compares co, sw and ew on strings', () => {
    expect(matches('name.familyName co "ens"', aUser())).toBe(true);
    expect(matches('userName sw "bjen"', aUser())).toBe(true);
    expect(matches('userName ew "EXAMPLE.COM"', aUser())).toBe(true);
    expect(matches('userName sw "jensen"', aUser())).toBe(false);
  });

  it('compares meta.lastModified as instants, not as text', () => {
    const user = aUser({ meta: { lastModified: '2011-08-01T20:29:49+02:00' } });
    expect(matches('meta.lastModified eq "2011-08-01T18:29:49Z"', user)).toBe(true);
    expect(matches('meta.lastModified gt "2011-08-01T18:00:00.000Z"', user)).toBe(true);
    expect(matches('meta.lastModified lt "2011-08-01T18:00:00Z"', user)).toBe(false);
    expect(
      matches('meta.lastModified ge "2011-08-01T18:29:49Z" and meta.lastModified le "2011-08-01T18:29:49Z"', user),
    ).toBe(true);
  });

  it('compares booleans, and finds inactive users', () => {
    expect(matches('active eq false', aUser({ active: false }))).toBe(true);
    expect(matches('active eq true', aUser({ active: false }))).toBe(false);
  });

  it('answers pr false for null, empty strings and empty arrays', () => {
    expect(matches('title pr', aUser())).toBe(true);
    expect(matches('title pr', aUser({ title: '' }))).toBe(false);
    expect(matches('title pr', aUser({ title: null }))).toBe(false);
    expect(matches('emails pr', aUser({ emails: [] }))).toBe(false);
    expect(matches('nickName pr', aUser())).toBe(false);
  });

  it('requires one element to satisfy the whole value path', () => {
    expect(matches('emails[type eq "work" and value co "@example.com"]', aUser())).toBe(true);
    expect(matches('emails[type eq "home" and value co "@example.com"]', aUser())).toBe(false);
    expect(matches('emails[type eq "work" and primary eq true].value eq "BJENSEN@example.com"', aUser())).toBe(true);
    expect(matches('emails[type eq "home"].value eq "bjensen@example.com"', aUser())).toBe(false);
  });

  it('reads enterprise extension attributes by their URN', () => {
    expect(matches(`${ENTERPRISE_USER_SCHEMA}:employeeNumber eq "701984"`, aUser())).toBe(true);
    expect(matches(`${ENTERPRISE_USER_SCHEMA}:manager.value eq "26118915"`, aUser())).toBe(true);
    expect(
      matches(`${ENTERPRISE_USER_SCHEMA}:department eq "tour operations"`, aUser({ [ENTERPRISE_USER_SCHEMA]: {} })),
    ).toBe(false);
  });

  it('combines and, or, not and parentheses', () => {
    expect(matches('userType eq "Employee" and not (emails co "example.org" or title pr)', aUser())).toBe(false);
    expect(matches('userType eq "Employee" and not (emails co "example.org")', aUser())).toBe(true);
    expect(matches('userType eq "Intern" or title sw "tour"', aUser())).toBe(true);
  });

  it('matches a group by displayName case-insensitively', () => {
    expect(matches('displayName eq "tour guides"', { displayName: 'Tour Guides' }, 'Group')).toBe(true);
  });

  it.each([
    ['nickname2 eq "x"', /Unknown attribute "nickname2"/],
    ['members.value eq "x"', /Unknown attribute/],
    ['active gt true', /boolean/],
    ['active eq "yes"', /boolean/],
    ['userName eq 5', /string/],
    ['meta.lastModified gt "yesterday"', /dateTime/],
    ['meta.lastModified co "2011"', /does not apply/],
    ['password eq "secret"', /cannot be filtered/],
    ['name eq "Barbara"', /complex/],
    ['emails[kind eq "work"]', /Unknown sub-attribute "kind"/],
    ['userName[type eq "work"]', /not a complex attribute/],
  ])('refuses %s with invalidFilter', (text, detail) => {
    // Act
    const result = prepareFilter(text, 'User');
    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.scimType).toBe('invalidFilter');
    expect(result.error.message).toMatch(detail);
  });

  it('gives paths their canonical names and drops the core URN', () => {
    expect(canonical('urn:ietf:params:scim:schemas:core:2.0:User:USERNAME eq "x"')).toEqual({
      kind: 'compare',
      path: { attribute: 'userName' },
      op: 'eq',
      value: 'x',
    });
    expect(canonical('EMAILS co "x"')).toMatchObject({ path: { attribute: 'emails', sub: 'value' } });
  });
});

describe('SCIM filter: query plan', () => {
  it('reads the userName index with a lower-cased key', () => {
    expect(planQuery(canonical('userName eq "BJensen@Example.com"'), 'User')).toEqual({
      kind: 'lookup',
      lookups: [{ index: 'userName', key: 'bjensen@example.com' }],
      residual: undefined,
    });
  });

  it('reads the externalId index with the key as sent', () => {
    expect(planQuery(canonical('externalId eq "Ext-1"'), 'User')).toMatchObject({
      lookups: [{ index: 'externalId', key: 'Ext-1' }],
    });
  });

  it("reads a group's displayName index, as Entra asks", () => {
    expect(planQuery(canonical('displayName eq "Tour Guides"', 'Group'), 'Group')).toMatchObject({
      kind: 'lookup',
      lookups: [{ index: 'displayName', key: 'tour guides' }],
    });
  });

  it('scans for a user displayName, which has no index', () => {
    expect(planQuery(canonical('displayName eq "Babs"'), 'User').kind).toBe('scan');
  });

  it('uses the index of one AND-ed term and keeps the rest as the residual', () => {
    // Act
    const plan = planQuery(canonical('active eq true and externalId eq "E1" and userName eq "A"'), 'User');
    // Assess
    expect(plan).toEqual({
      kind: 'lookup',
      lookups: [{ index: 'userName', key: 'a' }],
      residual: {
        kind: 'and',
        left: { kind: 'compare', path: { attribute: 'active' }, op: 'eq', value: true },
        right: { kind: 'compare', path: { attribute: 'externalId' }, op: 'eq', value: 'E1' },
      },
    });
  });

  it('unites the lookups of an OR of equalities', () => {
    expect(planQuery(canonical('userName eq "A" or userName eq "b" or externalId eq "X"'), 'User')).toEqual({
      kind: 'lookup',
      lookups: [
        { index: 'userName', key: 'a' },
        { index: 'userName', key: 'b' },
        { index: 'externalId', key: 'X' },
      ],
      residual: undefined,
    });
  });

  it('keeps the whole filter as residual when an OR branch has one', () => {
    const filter = canonical('(userName eq "a" and active eq true) or userName eq "b"');
    expect(planQuery(filter, 'User')).toMatchObject({ kind: 'lookup', residual: filter });
  });

  it('bounds an AND by an OR of lookups inside it', () => {
    expect(planQuery(canonical('active eq true and (userName eq "a" or userName eq "b")'), 'User')).toMatchObject({
      kind: 'lookup',
      lookups: [
        { index: 'userName', key: 'a' },
        { index: 'userName', key: 'b' },
      ],
      residual: { kind: 'compare', path: { attribute: 'active' } },
    });
  });

  it.each([
    'userName ne "a"',
    'not (userName eq "a")',
    'userName sw "a"',
    'userName eq "a" or title pr',
    'emails.value eq "a@example.com"',
  ])('scans for %s', (text) => {
    expect(planQuery(canonical(text), 'User').kind).toBe('scan');
  });

  it('keys userName the way the store writes it', () => {
    expect(indexKey('userName', 'ÁNA@Example.COM')).toBe('ána@example.com');
    expect(indexKey('externalId', 'AbC')).toBe('AbC');
  });
});

describe('SCIM filter: plan soundness', () => {
  const names = ['ana', 'ANA', 'bo', 'Cy'];
  const user = fc.record({
    id: fc.uuid(),
    userName: fc.constantFrom(...names),
    externalId: fc.constantFrom('E1', 'e1', 'E2'),
    active: fc.boolean(),
    title: fc.constantFrom('', 'Guide'),
  });
  const term = fc.oneof(
    fc.constantFrom(...names).map((name) => `userName eq ${JSON.stringify(name)}`),
    fc.constantFrom('E1', 'e1', 'E2').map((id) => `externalId eq "${id}"`),
    fc.boolean().map((active) => `active eq ${active}`),
    fc.constant('title pr'),
  );
  const { text } = fc.letrec<{ text: string }>((tie) => ({
    text: fc.oneof(
      { depthSize: 'small' },
      term,
      fc
        .tuple(tie('text'), fc.constantFrom('and', 'or'), tie('text'))
        .map(([left, op, right]) => `(${left}) ${op} (${right})`),
      tie('text').map((inner) => `not (${inner})`),
    ),
  }));

  it('finds through the index exactly what a scan finds, and needs no residual only when the lookup is exact', () => {
    fc.assert(
      fc.property(fc.array(user, { maxLength: 12 }), text, (users, filterText) => {
        // Prepare
        const prepared = prepareFilter(filterText, 'User');
        if (!prepared.ok) throw new Error(prepared.error.message);
        const { plan, matches } = prepared.value;
        // Act
        const scanned = users.filter(matches);
        const candidates =
          plan.kind === 'scan'
            ? users
            : users.filter((candidate) =>
                plan.lookups.some(
                  (lookup) =>
                    indexKey(lookup.index, String(candidate[lookup.index as 'userName' | 'externalId'])) === lookup.key,
                ),
              );
        // Assess
        expect(candidates.filter(matches)).toEqual(scanned);
        if (plan.kind === 'lookup' && plan.residual === undefined) expect(candidates).toEqual(scanned);
      }),
    );
  });
});
