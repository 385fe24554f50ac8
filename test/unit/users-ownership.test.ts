import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../functions/kernel/settings/settings-schema.js';
import {
  type FieldSources,
  type PersonView,
  applyOwnership,
  fieldSourcesAfter,
} from '../../functions/users/domain/field-ownership.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../functions/users/scim/schema.js';

const owners = DEFAULT_SETTINGS.user_field_owners;

/** Every field group set last by its default owner: the owners' authority in force. */
const claimedByOwners: FieldSources = Object.fromEntries(
  Object.entries(owners).map(([group, source]) => [group, { source, at: '2026-01-01T00:00:00.000Z' }]),
);

const aPerson = (
  resource: Record<string, unknown> = {},
  profile: PersonView['profile'] = {},
  sources: FieldSources = claimedByOwners,
): PersonView => ({
  sources,
  resource: {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    userName: 'ada@example.com',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    displayName: 'Ada Lovelace',
    emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
    title: 'Engineer',
    active: true,
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'E-1', department: 'R&D', manager: { value: 'm-1' } },
    ...resource,
  },
  profile: { location: 'Berlin', ...profile },
});

describe('applyOwnership', () => {
  it('keeps an HR-owned title when the identity provider changes it, and names the field ignored', () => {
    // Prepare
    const before = aPerson();
    const after = aPerson({ title: 'CTO' });
    // Act
    const result = applyOwnership(before, after, 'idp', owners);
    // Assess
    expect(result.person.resource.title).toBe('Engineer');
    expect(result.ignored).toEqual(['title']);
    expect(result.changed).toEqual([]);
  });

  it('lets the identity provider change what it owns (active, emails) in the same write', () => {
    // Prepare
    const before = aPerson();
    const after = aPerson({
      active: false,
      emails: [{ value: 'ada@new.example.com', type: 'work' }],
      title: 'CTO',
    });
    // Act
    const result = applyOwnership(before, after, 'idp', owners);
    // Assess
    expect(result.person.resource.active).toBe(false);
    expect(result.person.resource.emails).toEqual([{ value: 'ada@new.example.com', type: 'work' }]);
    expect(result.changed).toEqual(['emails', 'active']);
    expect(result.ignored).toEqual(['title']);
  });

  it('keeps HR fields a SCIM PUT leaves out: an omission is a change the IdP does not own', () => {
    // Prepare
    const before = aPerson();
    const { title: _t, [ENTERPRISE_USER_SCHEMA]: _e, ...rest } = aPerson().resource;
    // Act
    const result = applyOwnership(before, { resource: rest, profile: before.profile }, 'idp', owners);
    // Assess
    expect(result.person.resource.title).toBe('Engineer');
    expect(result.person.resource[ENTERPRISE_USER_SCHEMA]).toEqual({
      employeeNumber: 'E-1',
      department: 'R&D',
      manager: { value: 'm-1' },
    });
    expect(result.ignored).toEqual(['title', 'department', 'manager', 'employee_number']);
  });

  it('ignores an HR change of the work email the identity provider owns, and applies its department', () => {
    // Prepare
    const before = aPerson();
    const after = aPerson({
      emails: [{ value: 'other@example.com', type: 'work' }],
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'E-1', department: 'Sales', manager: { value: 'm-1' } },
    });
    // Act
    const result = applyOwnership(before, after, 'hr', owners);
    // Assess
    expect(result.person.resource.emails).toEqual(before.resource.emails);
    expect(result.person.resource[ENTERPRISE_USER_SCHEMA]).toMatchObject({ department: 'Sales' });
    expect(result.ignored).toEqual(['emails']);
    expect(result.changed).toEqual(['department']);
  });

  it('follows the settings: with name owned by the IdP, an HR name change is ignored once the IdP has set it', () => {
    // Prepare
    const before = aPerson();
    const after = aPerson({ name: { givenName: 'Augusta', familyName: 'King' }, displayName: 'Augusta King' });
    // Act
    const result = applyOwnership(before, after, 'hr', { ...owners, name: 'idp' });
    // (aPerson's name came from HR; under the new owners it is the IdP's once the IdP sets it)
    const claimed = applyOwnership(
      { ...before, sources: { ...claimedByOwners, name: { source: 'idp', at: '2026-02-01T00:00:00.000Z' } } },
      after,
      'hr',
      { ...owners, name: 'idp' },
    );
    // Assess
    expect(result.ignored).toEqual([]);
    expect(claimed.person.resource.name).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
    expect(claimed.ignored).toEqual(['name']);
  });

  it('covers the HR profile: location and employment dates from the IdP side are kept', () => {
    // Prepare
    const before = aPerson({}, { location: 'Berlin', startDate: '2026-01-05' });
    const after = { resource: before.resource, profile: { location: 'Paris' } };
    // Act
    const result = applyOwnership(before, after, 'idp', owners);
    // Assess
    expect(result.person.profile).toEqual({ location: 'Berlin', startDate: '2026-01-05' });
    expect(result.ignored).toEqual(['location', 'employment_dates']);
  });

  it('lets the other source keep a field current while its owner has never set it (no HR record yet)', () => {
    // Prepare
    const idpOnly = aPerson(
      {},
      {},
      Object.fromEntries(Object.keys(owners).map((g) => [g, { source: 'idp', at: 'x' }])),
    );
    const after = aPerson({ title: 'CTO' });
    // Act
    const result = applyOwnership(idpOnly, after, 'idp', owners);
    // Assess
    expect(result.person.resource.title).toBe('CTO');
    expect(result.ignored).toEqual([]);
    expect(result.changed).toEqual(['title']);
  });

  it('takes a new person whole from whoever creates it, and lists what it set', () => {
    // Prepare
    const created = aPerson();
    // Act
    const result = applyOwnership(undefined, created, 'idp', owners);
    // Assess
    expect(result.person).toBe(created);
    expect(result.ignored).toEqual([]);
    expect(result.changed).toEqual(
      expect.arrayContaining(['name', 'title', 'department', 'manager', 'user_name', 'emails', 'active', 'location']),
    );
  });

  it('sees no change when only key order differs', () => {
    // Prepare
    const before = aPerson();
    const after = aPerson({ name: { familyName: 'Lovelace', givenName: 'Ada' } });
    // Act
    const result = applyOwnership(before, after, 'idp', owners);
    // Assess
    expect(result.ignored).toEqual([]);
    expect(result.changed).toEqual([]);
  });
});

describe('fieldSourcesAfter', () => {
  it('records the source and time of the groups a write changed and keeps the others', () => {
    // Prepare
    const previous = { title: { source: 'hr', at: '2026-01-01T00:00:00.000Z' } } as const;
    const now = new Date('2026-12-03T10:00:00.000Z');
    // Act
    const sources = fieldSourcesAfter(previous, ['active'], 'idp', now);
    // Assess
    expect(sources).toEqual({
      title: { source: 'hr', at: '2026-01-01T00:00:00.000Z' },
      active: { source: 'idp', at: '2026-12-03T10:00:00.000Z' },
    });
  });
});
