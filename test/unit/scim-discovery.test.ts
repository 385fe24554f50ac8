import { describe, expect, it } from 'vitest';
import { prepareFilter } from '../../functions/users/scim/filter-plan.js';
import {
  SCIM_MAX_RESULTS,
  listResponse,
  resourceTypeDocument,
  resourceTypeDocuments,
  schemaDocument,
  schemaDocuments,
  serviceProviderConfig,
} from '../../functions/users/scim/discovery.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../functions/users/scim/schema.js';
import { ScimError, scimErrorBody } from '../../functions/users/scim/scim-error.js';

const BASE = 'https://api.example.com/scim/v2';

type AttributeDoc = {
  name: string;
  type: string;
  caseExact?: boolean;
  mutability: string;
  returned: string;
  subAttributes?: AttributeDoc[];
};

const attributeOf = (schemaId: string, name: string): AttributeDoc | undefined =>
  ((schemaDocument(schemaId, BASE)?.attributes ?? []) as AttributeDoc[]).find((attribute) => attribute.name === name);

describe('SCIM discovery', () => {
  it('advertises PATCH and filters with maxResults, and no bulk, sort, password change or ETags', () => {
    // Act
    const config = serviceProviderConfig(BASE);
    // Assess
    expect(config).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
      bulk: { supported: false },
      sort: { supported: false },
      changePassword: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: `${BASE}/ServiceProviderConfig` },
    });
  });

  it('lists the User type with the enterprise extension and the Group type', () => {
    expect(resourceTypeDocuments(BASE)).toEqual([
      expect.objectContaining({
        id: 'User',
        endpoint: '/Users',
        schema: USER_SCHEMA,
        schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
        meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/User` },
      }),
      expect.objectContaining({ id: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA, schemaExtensions: [] }),
    ]);
  });

  it('finds one resource type case-insensitively, and nothing for an unknown one', () => {
    expect(resourceTypeDocument('group', BASE)?.id).toBe('Group');
    expect(resourceTypeDocument('Device', BASE)).toBeUndefined();
  });

  it('lists the three schemas it supports', () => {
    expect(schemaDocuments(BASE).map((schema) => schema.id)).toEqual([
      USER_SCHEMA,
      ENTERPRISE_USER_SCHEMA,
      GROUP_SCHEMA,
    ]);
    expect(schemaDocument('urn:x', BASE)).toBeUndefined();
  });

  it('describes userName as case-insensitive and unique, and password as never returned', () => {
    expect(attributeOf(USER_SCHEMA, 'userName')).toMatchObject({
      caseExact: false,
      uniqueness: 'server',
      required: true,
    });
    expect(attributeOf(USER_SCHEMA, 'password')).toMatchObject({ returned: 'never', mutability: 'writeOnly' });
    expect(attributeOf(USER_SCHEMA, 'active')).toMatchObject({ type: 'boolean' });
    expect(attributeOf(USER_SCHEMA, 'active')).not.toHaveProperty('caseExact');
    expect(attributeOf(USER_SCHEMA, 'groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
  });

  it("describes the manager and a group's members with their sub-attributes", () => {
    expect(attributeOf(ENTERPRISE_USER_SCHEMA, 'manager')?.subAttributes?.map((sub) => sub.name)).toEqual([
      'value',
      '$ref',
      'displayName',
    ]);
    expect(attributeOf(GROUP_SCHEMA, 'members')?.subAttributes?.find((sub) => sub.name === 'value')).toMatchObject({
      mutability: 'immutable',
    });
  });

  it('describes what the evaluator does: a caseExact attribute is compared exactly', () => {
    // Prepare
    const caseExact = attributeOf(USER_SCHEMA, 'userName')?.caseExact;
    // Act
    const prepared = prepareFilter('userName eq "ANA@EXAMPLE.COM"', 'User');
    // Assess
    expect(caseExact).toBe(false);
    expect(prepared.ok && prepared.value.matches({ userName: 'ana@example.com' })).toBe(true);
  });

  it('wraps discovery lists in a ListResponse', () => {
    expect(listResponse(resourceTypeDocuments(BASE))).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 2,
      itemsPerPage: 2,
      startIndex: 1,
    });
  });
});

describe('SCIM errors', () => {
  it('answers in the SCIM error schema with the status as a string', () => {
    // Act
    const error = new ScimError(409, 'uniqueness', 'userName "ana@example.com" is taken');
    // Assess
    expect(error.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '409',
      scimType: 'uniqueness',
      detail: 'userName "ana@example.com" is taken',
    });
    expect(error).toBeInstanceOf(Error);
  });

  it('leaves scimType out when there is none', () => {
    expect(scimErrorBody(404, undefined, 'User "u9" not found')).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'User "u9" not found',
    });
  });
});
