import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, admin } from '../helpers/http-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/** The admin API and /health through the real routes, authorizer and DynamoDB Local. */
let stack: TestStack;

beforeAll(async () => {
  process.env.ADMIN_TOKEN = TEST_ADMIN_TOKEN;
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /health', () => {
  it('answers ok without a token and says nothing else', async () => {
    // Act
    const response = await stack.fetch('/health');
    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('Admin API: authorization', () => {
  it('answers 401 to a request without a token', async () => {
    // Act
    const response = await stack.fetch('/admin/records/contact/x');
    // Assess
    expect(response.status).toBe(401);
  });

  it.each([
    ['a wrong token', 'Bearer not-the-admin-token-at-all'],
    ['another scheme', `Basic ${TEST_ADMIN_TOKEN}`],
  ])('refuses %s with 403, as an HTTP API authorizer does', async (_label, authorization) => {
    // Act
    const response = await stack.fetch('/admin/records/contact/x', { headers: { authorization } });
    // Assess
    expect(response.status).toBe(403);
  });

  it('lets the old and the new token in while both are configured, and neither a wrong one', async () => {
    // Prepare: a rotation under way, the new token beside the old.
    const newToken = 'rotated-admin-token-9876543210';
    process.env.ADMIN_TOKEN = `${TEST_ADMIN_TOKEN} ${newToken}`;
    try {
      // Act
      const statuses = [];
      for (const token of [
        TEST_ADMIN_TOKEN,
        newToken,
        'not-the-admin-token-at-all',
        `${TEST_ADMIN_TOKEN},${newToken}`,
      ]) {
        const response = await stack.fetch('/admin/records/contact/x', {
          headers: { authorization: `Bearer ${token}` },
        });
        statuses.push(response.status);
      }
      // Assess: 404 is the route's own answer for a record that does not exist, past the authorizer.
      expect(statuses).toEqual([404, 404, 403, 403]);
    } finally {
      process.env.ADMIN_TOKEN = TEST_ADMIN_TOKEN;
    }
  });

  it('lets nobody in while no admin token is configured', async () => {
    // Prepare
    delete process.env.ADMIN_TOKEN;
    try {
      // Act
      const response = await stack.fetch('/admin/records/contact/x', {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      // Assess
      expect(response.status).toBe(403);
    } finally {
      process.env.ADMIN_TOKEN = TEST_ADMIN_TOKEN;
    }
  });
});

describe('Admin API: records', () => {
  it('writes a local record and reads it back with origin local and version 1', async () => {
    // Prepare
    const id = `a-${randomUUID().slice(0, 8)}`;
    // Act
    const written = await admin(stack.url, 'PUT', `/admin/records/account/${id}`, { company_name: 'Acme' });
    const read = await admin(stack.url, 'GET', `/admin/records/account/${id}`);
    // Assess
    expect(written.status).toBe(200);
    expect(read.body).toMatchObject({
      record_type: 'account',
      record_id: id,
      data: { company_name: 'Acme' },
      origin: 'local',
      version: 1,
    });
  });

  it('bumps the version on every write and keeps the last agreed data aside', async () => {
    // Prepare
    const id = `a-${randomUUID().slice(0, 8)}`;
    await admin(stack.url, 'PUT', `/admin/records/account/${id}`, { company_name: 'Acme' });
    // Act
    const second = await admin(stack.url, 'PUT', `/admin/records/account/${id}`, { company_name: 'Acme Ltd' });
    // Assess
    expect(second.body).toMatchObject({
      version: 2,
      data: { company_name: 'Acme Ltd' },
      base_data: { company_name: 'Acme' },
    });
  });

  it('answers 404 naming the record that does not exist', async () => {
    // Act
    const answer = await admin(stack.url, 'GET', '/admin/records/contact/nobody-here');
    // Assess
    expect(answer).toEqual({ status: 404, body: { error: 'No contact with id nobody-here' } });
  });

  it.each([
    ['a body that is not JSON', '{"a":', 'Body is not valid JSON'],
    ['a body that is not an object', '[1,2]', 'Invalid body'],
  ])('answers 400 to %s and writes nothing', async (_label, body, error) => {
    // Prepare
    const id = `bad-${randomUUID().slice(0, 8)}`;
    // Act
    const response = await stack.fetch(`/admin/records/contact/${id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body,
    });
    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain(error);
    expect((await admin(stack.url, 'GET', `/admin/records/contact/${id}`)).status).toBe(404);
  });

  it('answers 400 naming a record type that is not lower case', async () => {
    // Act
    const answer = await admin(stack.url, 'PUT', '/admin/records/Contact/x', { a: 1 });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('type');
  });

  it('answers 400 naming what a lookup by external id lacks', async () => {
    // Act
    const answer = await admin(stack.url, 'GET', '/admin/records/contact?source=crm');
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('external_id');
  });

  it('lists no items for an external id nobody has', async () => {
    // Act
    const answer = await admin(stack.url, 'GET', '/admin/records/contact?source=crm&external_id=none');
    // Assess
    expect(answer).toEqual({ status: 200, body: { items: [] } });
  });

  it('answers 400 to an events query without a record id', async () => {
    // Act
    const answer = await admin(stack.url, 'GET', '/admin/events');
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('record_id');
  });

  it('answers 400 to an unknown conflict status', async () => {
    // Act
    const answer = await admin(stack.url, 'GET', '/admin/conflicts?status=maybe');
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('status');
  });
});
