import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA, scim, scimEnv } from '../helpers/scim-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/** The SCIM discovery endpoints through the real routes: what Okta and Entra ID read before provisioning. */
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ env: scimEnv() });
});

afterAll(async () => {
  await stack?.stop();
});

describe('SCIM discovery', () => {
  it('describes exactly what is supported in /ServiceProviderConfig', async () => {
    // Act
    const answer = await scim(stack, 'GET', '/ServiceProviderConfig');
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/scim+json');
    expect(answer.body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true, maxResults: 200 },
      bulk: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      meta: { location: `${stack.url}/scim/v2/ServiceProviderConfig` },
    });
  });

  it('caps a list at the maxResults it advertises', async () => {
    // Act
    const answer = await scim(stack, 'GET', '/Users?count=5000');
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.Resources.length).toBeLessThanOrEqual(200);
  });

  it('lists User (with the enterprise extension) and Group in /ResourceTypes, and reads one by id', async () => {
    // Act
    const list = await scim(stack, 'GET', '/ResourceTypes');
    const user = await scim(stack, 'GET', '/ResourceTypes/User');
    const unknown = await scim(stack, 'GET', '/ResourceTypes/Printer');
    // Assess
    expect(list.body.totalResults).toBe(2);
    expect(list.body.Resources.map((type: { id: string }) => type.id).sort()).toEqual(['Group', 'User']);
    expect(user.body).toMatchObject({ endpoint: '/Users', schema: USER_SCHEMA });
    expect(user.body.schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: '404' });
  });

  it('lists the three schemas in /Schemas, and reads one by its URN', async () => {
    // Act
    const list = await scim(stack, 'GET', '/Schemas');
    const group = await scim(stack, 'GET', `/Schemas/${encodeURIComponent(GROUP_SCHEMA)}`);
    const unknown = await scim(stack, 'GET', '/Schemas/urn:example:nothing');
    // Assess
    expect(list.body.Resources.map((schema: { id: string }) => schema.id).sort()).toEqual(
      [ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA].sort(),
    );
    expect(group.status).toBe(200);
    expect(group.body.attributes.map((attribute: { name: string }) => attribute.name)).toContain('members');
    expect(unknown.status).toBe(404);
  });

  it('keeps discovery behind the SCIM token', async () => {
    // Act
    const answer = await scim(stack, 'GET', '/ServiceProviderConfig', undefined, { token: 'wrong-token-0123456789' });
    // Assess
    expect(answer.status).toBe(401);
  });
});
