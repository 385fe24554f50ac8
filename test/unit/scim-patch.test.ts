import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PATCH_OP_SCHEMA, type PatchOutcome, applyPatch } from '../../functions/users/scim/patch.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../functions/users/scim/schema.js';

const BABS = '2819c223-7f76-453a-919d-413861904646';
const MANDY = '902c246b-6245-4190-8e05-00816be7344a';

const aUser = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: BABS,
  userName: 'bjensen@example.com',
  name: { familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  active: true,
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
  addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', primary: true }],
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '701984', department: 'Tour Operations' },
  meta: { resourceType: 'User', created: '2011-08-01T18:29:49.793Z', lastModified: '2011-08-01T18:29:49.793Z' },
  ...overrides,
});

const aGroup = (members: readonly string[] = [BABS]): Record<string, unknown> => ({
  schemas: [GROUP_SCHEMA],
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  displayName: 'Tour Guides',
  members: members.map((value) => ({ value, display: value })),
  meta: { resourceType: 'Group' },
});

const patch = (...operations: readonly unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations: operations });

const applied = (resource: Record<string, unknown>, body: unknown, type: 'User' | 'Group' = 'User'): PatchOutcome => {
  const result = applyPatch(resource, body, type);
  if (!result.ok) throw new Error(`${result.error.scimType}: ${result.error.message}`);
  return result.value;
};

const refusal = (resource: Record<string, unknown>, body: unknown, type: 'User' | 'Group' = 'User') => {
  const result = applyPatch(resource, body, type);
  if (result.ok) throw new Error('the patch was accepted');
  return { scimType: result.error.scimType, status: result.error.status, detail: result.error.message };
};

describe('SCIM PATCH: RFC 7644 §3.5.2 examples', () => {
  it('adds a member to a group and reports the added id', () => {
    // Prepare
    const body = patch({
      op: 'add',
      path: 'members',
      value: [{ display: 'Mandy Pepperidge', $ref: `https://example.com/v2/Users/${MANDY}`, value: MANDY }],
    });
    // Act
    const outcome = applied(aGroup(), body, 'Group');
    // Assess
    expect(outcome.resource.members).toEqual([
      { value: BABS, display: BABS },
      { display: 'Mandy Pepperidge', $ref: `https://example.com/v2/Users/${MANDY}`, value: MANDY },
    ]);
    expect(outcome.members).toEqual({ added: [MANDY], removed: [] });
    expect(outcome.changed).toEqual(['members']);
  });

  it('adds path-less attributes, appending to a multi-valued one', () => {
    // Act
    const outcome = applied(
      aUser(),
      patch({ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickName: 'Babs' } }),
    );
    // Assess
    expect(outcome.resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
    expect(outcome.resource.nickName).toBe('Babs');
    expect([...outcome.changed].sort()).toEqual(['emails', 'nickName']);
  });

  it('removes all members, and reports each removed id', () => {
    // Act
    const outcome = applied(aGroup([BABS, MANDY]), patch({ op: 'remove', path: 'members' }), 'Group');
    // Assess
    expect(outcome.resource.members).toBeUndefined();
    expect(outcome.members).toEqual({ added: [], removed: [BABS, MANDY] });
  });

  it('removes one member by a value filter (Okta)', () => {
    // Act
    const outcome = applied(
      aGroup([BABS, MANDY]),
      patch({ op: 'remove', path: `members[value eq "${BABS}"]` }),
      'Group',
    );
    // Assess
    expect(outcome.resource.members).toEqual([{ value: MANDY, display: MANDY }]);
    expect(outcome.members).toEqual({ added: [], removed: [BABS] });
  });

  it('removes values matching a complex filter', () => {
    // Prepare
    const user = aUser({
      emails: [
        { value: 'bjensen@example.com', type: 'work' },
        { value: 'babs@jensen.org', type: 'home' },
      ],
    });
    // Act
    const outcome = applied(user, patch({ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }));
    // Assess
    expect(outcome.resource.emails).toEqual([{ value: 'babs@jensen.org', type: 'home' }]);
  });

  it('replaces all members with a remove and an add', () => {
    // Act
    const outcome = applied(
      aGroup([BABS]),
      patch({ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: MANDY }] }),
      'Group',
    );
    // Assess
    expect(outcome.resource.members).toEqual([{ value: MANDY }]);
    expect(outcome.members).toEqual({ added: [MANDY], removed: [BABS] });
  });

  it('replaces a filtered complex value by merging its sub-attributes', () => {
    // Act
    const outcome = applied(
      aUser(),
      patch({ op: 'replace', path: 'addresses[type eq "work"]', value: { streetAddress: '911 Universal City Plaza' } }),
    );
    // Assess
    expect(outcome.resource.addresses).toEqual([
      { type: 'work', streetAddress: '911 Universal City Plaza', locality: 'Hollywood', primary: true },
    ]);
  });

  it('replaces one sub-attribute of a filtered value', () => {
    // Act
    const outcome = applied(
      aUser(),
      patch({ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }),
    );
    // Assess
    expect(outcome.resource.addresses).toMatchObject([{ streetAddress: '1010 Broadway Ave', locality: 'Hollywood' }]);
  });

  it('replaces path-less attributes, a multi-valued one as a whole', () => {
    // Act
    const outcome = applied(
      aUser(),
      patch({ op: 'replace', value: { emails: [{ value: 'bjensen@example.com', type: 'home' }], nickName: 'Babs' } }),
    );
    // Assess
    expect(outcome.resource.emails).toEqual([{ value: 'bjensen@example.com', type: 'home' }]);
    expect(outcome.resource.nickName).toBe('Babs');
  });

  it('leaves the stored document as it was', () => {
    // Prepare
    const user = aUser();
    const before = structuredClone(user);
    // Act
    applied(user, patch({ op: 'replace', path: 'name.givenName', value: 'Babs' }, { op: 'remove', path: 'emails' }));
    // Assess
    expect(user).toEqual(before);
  });
});

describe('SCIM PATCH: what Entra ID sends', () => {
  it('reads "False" as false for active, with the op in title case', () => {
    // Act
    const outcome = applied(aUser(), patch({ op: 'Replace', path: 'active', value: 'False' }));
    // Assess
    expect(outcome.resource.active).toBe(false);
    expect(outcome.changed).toEqual(['active']);
  });

  it('reads "True" as true for a primary flag', () => {
    // Act
    const outcome = applied(aUser(), patch({ op: 'Replace', path: 'emails[type eq "work"].primary', value: 'True' }));
    // Assess
    expect(outcome.resource.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  });

  it('applies a path-less replace with dotted and URN-qualified keys', () => {
    // Prepare
    const body = {
      schemas: [PATCH_OP_SCHEMA],
      Operations: [
        {
          op: 'Replace',
          value: {
            displayName: 'Barbara J.',
            'name.givenName': 'Barbara',
            'name.familyName': 'Jensen-Smith',
            [`${ENTERPRISE_USER_SCHEMA}:department`]: 'Sales',
            active: 'True',
          },
        },
      ],
    };
    // Act
    const outcome = applied(aUser({ active: false }), body);
    // Assess
    expect(outcome.resource.name).toEqual({ givenName: 'Barbara', familyName: 'Jensen-Smith' });
    expect(outcome.resource[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: '701984', department: 'Sales' });
    expect(outcome.resource.active).toBe(true);
    expect([...outcome.changed].sort()).toEqual([
      'active',
      'displayName',
      'name',
      `${ENTERPRISE_USER_SCHEMA}:department`,
    ]);
  });

  it('replaces the work email value by a value-filtered path', () => {
    // Act
    const outcome = applied(
      aUser(),
      patch({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'barbara@example.com' }),
    );
    // Assess
    expect(outcome.resource.emails).toEqual([{ value: 'barbara@example.com', type: 'work', primary: true }]);
  });

  it('adds the work email a value-filtered path names when the user has none', () => {
    // Act
    const outcome = applied(
      aUser({ emails: [{ value: 'babs@jensen.org', type: 'home' }] }),
      patch({ op: 'Add', path: 'emails[type eq "work"].value', value: 'bjensen@example.com' }),
    );
    // Assess
    expect(outcome.resource.emails).toEqual([
      { value: 'babs@jensen.org', type: 'home' },
      { type: 'work', value: 'bjensen@example.com' },
    ]);
  });

  it('sets the manager from an id string, and from {value}', () => {
    // Prepare
    const path = `${ENTERPRISE_USER_SCHEMA}:manager`;
    // Act
    const fromString = applied(aUser(), patch({ op: 'Add', path, value: MANDY }));
    const fromObject = applied(
      aUser(),
      patch({ op: 'replace', path, value: { value: MANDY, displayName: 'ignored' } }),
    );
    // Assess
    expect(fromString.resource[ENTERPRISE_USER_SCHEMA]).toMatchObject({ manager: { value: MANDY } });
    expect(fromObject.resource[ENTERPRISE_USER_SCHEMA]).toMatchObject({ manager: { value: MANDY } });
    expect(fromString.changed).toEqual([`${ENTERPRISE_USER_SCHEMA}:manager`]);
  });

  it('clears the manager with a remove or an empty value', () => {
    // Prepare
    const user = aUser({ [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', manager: { value: MANDY } } });
    const path = `${ENTERPRISE_USER_SCHEMA}:manager`;
    // Act
    const removed = applied(user, patch({ op: 'Remove', path }));
    const emptied = applied(user, patch({ op: 'Replace', path, value: '' }));
    // Assess
    expect(removed.resource[ENTERPRISE_USER_SCHEMA]).toEqual({ department: 'Sales' });
    expect(emptied.resource[ENTERPRISE_USER_SCHEMA]).toEqual({ department: 'Sales' });
  });

  it('adds the enterprise extension, and its schema, to a user without one', () => {
    // Prepare
    const user = aUser({ schemas: [USER_SCHEMA], [ENTERPRISE_USER_SCHEMA]: undefined });
    // Act
    const outcome = applied(user, patch({ op: 'Add', path: `${ENTERPRISE_USER_SCHEMA}:employeeNumber`, value: '42' }));
    // Assess
    expect(outcome.resource[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: '42' });
    expect(outcome.resource.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
  });

  it('removes members listed in a value array', () => {
    // Act
    const outcome = applied(
      aGroup([BABS, MANDY, 'c']),
      patch({ op: 'Remove', path: 'members', value: [{ value: BABS }, { value: 'c' }] }),
      'Group',
    );
    // Assess
    expect(outcome.resource.members).toEqual([{ value: MANDY, display: MANDY }]);
    expect(outcome.members).toEqual({ added: [], removed: [BABS, 'c'] });
  });

  it('removes nobody for an empty value array', () => {
    // Act
    const outcome = applied(aGroup([BABS]), patch({ op: 'Remove', path: 'members', value: [] }), 'Group');
    // Assess
    expect(outcome.resource.members).toEqual([{ value: BABS, display: BABS }]);
  });

  it('adds nobody for an empty value array', () => {
    expect(applied(aGroup([BABS]), patch({ op: 'Add', path: 'members', value: [] }), 'Group').changed).toEqual([]);
  });

  it('treats removing a member who is not there as done', () => {
    // Act
    const outcome = applied(aGroup([BABS]), patch({ op: 'Remove', path: 'members[value eq "nobody"]' }), 'Group');
    // Assess
    expect(outcome.resource.members).toEqual([{ value: BABS, display: BABS }]);
    expect(outcome.changed).toEqual([]);
  });
});

describe('SCIM PATCH: what Okta sends', () => {
  it('deactivates with a path-less replace', () => {
    // Act
    const outcome = applied(aUser(), patch({ op: 'replace', value: { active: false } }));
    // Assess
    expect(outcome.resource.active).toBe(false);
    expect(outcome.changed).toEqual(['active']);
  });

  it('renames a group with a path-less replace that echoes its id', () => {
    // Prepare
    const group = aGroup();
    // Act
    const outcome = applied(group, patch({ op: 'replace', value: { id: group.id, displayName: 'Guides' } }), 'Group');
    // Assess
    expect(outcome.resource.displayName).toBe('Guides');
    expect(outcome.changed).toEqual(['displayName']);
  });

  it('adds thousands of members at once, ignoring the ones already there and repeated ones', () => {
    // Prepare
    const ids = Array.from({ length: 5000 }, (_, at) => `user-${at}`);
    const value = [...ids, ...ids.slice(0, 100)].map((id) => ({ value: id, display: id }));
    // Act
    const outcome = applied(aGroup(['user-0', 'user-1']), patch({ op: 'add', path: 'members', value }), 'Group');
    // Assess
    expect(outcome.resource.members).toHaveLength(5000);
    expect(outcome.members.added).toHaveLength(4998);
    expect(outcome.members.added).not.toContain('user-0');
  });

  it('makes the email just marked primary the only primary one', () => {
    // Act
    const outcome = applied(
      aUser(),
      patch({ op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home', primary: true }] }),
    );
    // Assess
    expect(outcome.resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: false },
      { value: 'babs@jensen.org', type: 'home', primary: true },
    ]);
  });

  it('does not add an email that is already there', () => {
    // Act
    const outcome = applied(
      aUser(),
      patch({ op: 'add', path: 'emails', value: [{ value: 'bjensen@example.com', type: 'work', primary: true }] }),
    );
    // Assess
    expect(outcome.changed).toEqual([]);
  });
});

describe('SCIM PATCH: refusals', () => {
  it.each([
    ['id', { op: 'replace', path: 'id', value: 'other' }, 'mutability'],
    ['meta', { op: 'replace', path: 'meta.lastModified', value: '2020-01-01T00:00:00Z' }, 'mutability'],
    ['a path-less id change', { op: 'replace', value: { id: 'other' } }, 'mutability'],
    ['groups', { op: 'add', path: 'groups', value: [{ value: 'g' }] }, 'mutability'],
    ['an unknown attribute', { op: 'add', path: 'favouriteColour', value: 'red' }, 'invalidPath'],
    ['an unknown sub-attribute', { op: 'add', path: 'name.nickname', value: 'x' }, 'invalidPath'],
    ['an unknown path-less key', { op: 'replace', value: { favouriteColour: 'red' } }, 'invalidPath'],
    ['a broken path filter', { op: 'remove', path: 'emails[type eq]' }, 'invalidPath'],
    ['a filter on a single-valued attribute', { op: 'remove', path: 'name[givenName eq "x"]' }, 'invalidPath'],
    ['a non-boolean active', { op: 'replace', path: 'active', value: 'maybe' }, 'invalidValue'],
    ['a number for a string', { op: 'replace', path: 'title', value: 7 }, 'invalidValue'],
    ['a path-less non-object', { op: 'replace', value: 'x' }, 'invalidValue'],
    ['a missing value', { op: 'add', path: 'title' }, 'invalidValue'],
    ['removing userName', { op: 'remove', path: 'userName' }, 'invalidValue'],
    ['a remove without path', { op: 'remove', value: { title: 'x' } }, 'noTarget'],
    [
      'a filtered replace matching nothing that cannot be built',
      { op: 'replace', path: 'emails[type eq "work" or type eq "home"].value', value: 'x@example.com' },
      'noTarget',
    ],
    ['an unknown op', { op: 'merge', path: 'title', value: 'x' }, 'invalidSyntax'],
  ])('refuses %s', (_case, operation, scimType) => {
    // Act
    const error = refusal(aUser({ emails: [{ value: 'a@example.com', type: 'other' }] }), patch(operation));
    // Assess
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
  });

  it('names the attribute in its refusal', () => {
    expect(refusal(aUser(), patch({ op: 'replace', path: 'active', value: 'nope' })).detail).toContain('"active"');
  });

  it('refuses a member id change as immutable', () => {
    // Act
    const error = refusal(
      aGroup([BABS]),
      patch({ op: 'replace', path: `members[value eq "${BABS}"].value`, value: 'x' }),
      'Group',
    );
    // Assess
    expect(error.scimType).toBe('mutability');
  });

  it.each([
    ['no Operations', { schemas: [PATCH_OP_SCHEMA] }],
    ['empty Operations', { schemas: [PATCH_OP_SCHEMA], Operations: [] }],
    ['a wrong schema', { schemas: ['urn:x'], Operations: [{ op: 'add', path: 'title', value: 'x' }] }],
    ['a non-object body', 'add title'],
  ])('refuses a body with %s as invalidSyntax', (_case, body) => {
    expect(refusal(aUser(), body).scimType).toBe('invalidSyntax');
  });
});

describe('SCIM PATCH: member properties', () => {
  const ids = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 6 });

  it('adds the union of members and reports only the new ones', () => {
    fc.assert(
      fc.property(ids, fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f')), (existing, adding) => {
        // Act
        const outcome = applied(
          aGroup(existing),
          patch({ op: 'Add', path: 'members', value: adding.map((value) => ({ value })) }),
          'Group',
        );
        // Assess
        const after = ((outcome.resource.members as { value: string }[] | undefined) ?? []).map(
          (member) => member.value,
        );
        expect(new Set(after)).toEqual(new Set([...existing, ...adding]));
        expect(after).toHaveLength(new Set(after).size);
        expect(new Set(outcome.members.added)).toEqual(new Set(adding.filter((id) => !existing.includes(id))));
        expect(outcome.members.removed).toEqual([]);
      }),
    );
  });

  it('removes by a value array exactly what a filter per member removes', () => {
    fc.assert(
      fc.property(ids, fc.uniqueArray(fc.constantFrom('a', 'b', 'g'), { minLength: 1 }), (existing, removing) => {
        // Act
        const byArray = applied(
          aGroup(existing),
          patch({ op: 'Remove', path: 'members', value: removing.map((value) => ({ value })) }),
          'Group',
        );
        const byFilter = applied(
          aGroup(existing),
          patch(...removing.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` }))),
          'Group',
        );
        // Assess
        expect(byArray.resource).toEqual(byFilter.resource);
        expect(new Set(byArray.members.removed)).toEqual(
          new Set(existing.filter((id) => (removing as readonly string[]).includes(id))),
        );
      }),
    );
  });
});
