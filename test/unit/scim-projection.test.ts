import { describe, expect, it } from 'vitest';
import { projectResource } from '../../functions/users/scim/projection.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../functions/users/scim/schema.js';

const meta = { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-02T00:00:00Z' };

const aUser = (): Record<string, unknown> => ({
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: 'u1',
  externalId: 'e1',
  userName: 'ana@example.com',
  name: { givenName: 'Ana', familyName: 'Lima' },
  active: true,
  password: 'hunter2',
  emails: [
    { value: 'ana@example.com', type: 'work', primary: true },
    { value: 'ana@home.example', type: 'home' },
  ],
  [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', manager: { value: 'u2' } },
  meta,
});

const aGroup = (): Record<string, unknown> => ({
  schemas: [GROUP_SCHEMA],
  id: 'g1',
  displayName: 'Sales',
  members: [{ value: 'u1' }],
  meta: { ...meta, resourceType: 'Group' },
});

describe('SCIM projection', () => {
  it('answers every attribute but the password when no list is given', () => {
    // Act
    const projected = projectResource(aUser(), 'User', undefined, undefined);
    // Assess
    const { password: _password, ...expected } = aUser();
    expect(projected).toEqual(expected);
  });

  it('answers only the listed attributes, plus id, schemas and meta', () => {
    expect(projectResource(aUser(), 'User', 'userName,ACTIVE', undefined)).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      id: 'u1',
      meta,
      userName: 'ana@example.com',
      active: true,
    });
  });

  it('picks sub-attributes of complex and multi-valued attributes', () => {
    // Act
    const projected = projectResource(aUser(), 'User', 'name.givenName, emails.value , emails.type', undefined);
    // Assess
    expect(projected.name).toEqual({ givenName: 'Ana' });
    expect(projected.emails).toEqual([
      { value: 'ana@example.com', type: 'work' },
      { value: 'ana@home.example', type: 'home' },
    ]);
  });

  it('picks URN-qualified attributes and whole extensions', () => {
    expect(projectResource(aUser(), 'User', `${ENTERPRISE_USER_SCHEMA}:department`, undefined)).toMatchObject({
      [ENTERPRISE_USER_SCHEMA]: { department: 'Sales' },
    });
    expect(projectResource(aUser(), 'User', ENTERPRISE_USER_SCHEMA.toLowerCase(), undefined)).toMatchObject({
      [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', manager: { value: 'u2' } },
    });
    expect(projectResource(aUser(), 'User', `${USER_SCHEMA}:userName`, undefined).userName).toBe('ana@example.com');
  });

  it('never answers the password, even when asked for', () => {
    expect(projectResource(aUser(), 'User', 'password,userName', undefined)).not.toHaveProperty('password');
  });

  it('leaves out excluded attributes, as Entra lists groups without members', () => {
    expect(projectResource(aGroup(), 'Group', undefined, 'members')).toEqual({
      schemas: [GROUP_SCHEMA],
      id: 'g1',
      displayName: 'Sales',
      meta: { ...meta, resourceType: 'Group' },
    });
  });

  it('keeps id, schemas and meta even when they are excluded', () => {
    // Act
    const projected = projectResource(aGroup(), 'Group', undefined, 'id,meta,schemas,displayName');
    // Assess
    expect(Object.keys(projected).sort()).toEqual(['id', 'members', 'meta', 'schemas']);
  });

  it('excludes sub-attributes and extension attributes, dropping an emptied extension', () => {
    // Act
    const projected = projectResource(
      aUser(),
      'User',
      undefined,
      `emails.primary,name.familyName,${ENTERPRISE_USER_SCHEMA}:department,${ENTERPRISE_USER_SCHEMA}:manager`,
    );
    // Assess
    expect(projected.emails).toEqual([
      { value: 'ana@example.com', type: 'work' },
      { value: 'ana@home.example', type: 'home' },
    ]);
    expect(projected.name).toEqual({ givenName: 'Ana' });
    expect(projected).not.toHaveProperty(ENTERPRISE_USER_SCHEMA);
  });

  it('ignores names the schema does not know', () => {
    expect(projectResource(aUser(), 'User', 'shoeSize', 'hatSize')).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      id: 'u1',
      meta,
    });
  });

  it('leaves the stored resource as it was', () => {
    // Prepare
    const user = aUser();
    // Act
    projectResource(user, 'User', undefined, `name.familyName,${ENTERPRISE_USER_SCHEMA}:department`);
    // Assess
    expect(user).toEqual(aUser());
  });
});
