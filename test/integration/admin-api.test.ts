import { randomUUID } from 'node:crypto';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
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

/** The records table's item at `pk`, as stored. */
const storedItem = async (pk: string) =>
  (
    await stack.dynamodb.send(
      new GetCommand({ TableName: stack.resources.tables.records?.physicalName, Key: { pk }, ConsistentRead: true }),
    )
  ).Item;

/** Every item of the records table, by key: what a refused write must leave as it was. */
const recordsTable = async (): Promise<Record<string, unknown>> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await stack.dynamodb.send(
      new ScanCommand({ TableName: stack.resources.tables.records?.physicalName, ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return Object.fromEntries(items.map((item) => [String(item.pk), item]));
};

type Page = { items: { id: string; type: string }[]; next?: string };

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

  it('bumps the version on every write and keeps the last agreed data aside, in the table only', async () => {
    // Prepare
    const id = `a-${randomUUID().slice(0, 8)}`;
    await admin(stack.url, 'PUT', `/admin/records/account/${id}`, { company_name: 'Acme' });
    // Act
    const second = await admin(stack.url, 'PUT', `/admin/records/account/${id}`, { company_name: 'Acme Ltd' });
    // Assess
    expect(second.body).toMatchObject({ version: 2, data: { company_name: 'Acme Ltd' } });
    expect(second.body).not.toHaveProperty('base_data');
    expect(await storedItem(`account#${id}`)).toMatchObject({ base_data: { company_name: 'Acme' } });
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

describe('Admin API: record answers in their domain shape', () => {
  it('answers a record with id, type, external ids and sync status, and none of the storage internals', async () => {
    // Prepare
    const id = `c-${randomUUID().slice(0, 8)}`;
    // Act
    const written = await admin(stack.url, 'PUT', `/admin/records/contact/${id}`, {
      first_name: 'Ana',
      email: `${id}@example.com`,
    });
    const read = await admin(stack.url, 'GET', `/admin/records/contact/${id}`);
    // Assess
    expect(written.body).toEqual(read.body);
    expect(read.body).toMatchObject({
      id,
      type: 'contact',
      data: { first_name: 'Ana', email: `${id}@example.com` },
      external_ids: {},
      sync_status: 'pending',
      version: 1,
      origin: 'local',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      record_id: id,
      record_type: 'contact',
    });
    expect(await storedItem(`contact#${id}`)).toHaveProperty('match_key');
    for (const internal of ['pk', 'match_key', 'remote_ms', 'sync_event', 'last_delivery_id', 'base_data']) {
      expect(read.body).not.toHaveProperty(internal);
    }
  });
});

describe('GET /admin/records/{type}: listing', () => {
  it('lists 120 products in pages of 50, 50 and 20, in id order, each once', async () => {
    // Prepare
    const run = randomUUID().slice(0, 6);
    const ids = Array.from({ length: 120 }, (_, i) => `list-${run}-${String(i).padStart(3, '0')}`);
    for (let start = 0; start < ids.length; start += 10) {
      await Promise.all(
        ids.slice(start, start + 10).map(async (id) => {
          const answer = await admin(stack.url, 'PUT', `/admin/records/product/${id}`, { name: `Mug ${id}` });
          expect(answer.status).toBe(200);
        }),
      );
    }
    // Act
    const pages: Page[] = [];
    let next: string | undefined;
    do {
      const answer = await admin<Page>(
        stack.url,
        'GET',
        `/admin/records/product${next ? `?next=${encodeURIComponent(next)}` : ''}`,
      );
      expect(answer.status).toBe(200);
      pages.push(answer.body);
      next = answer.body.next;
    } while (next && pages.length < 10);
    // Assess
    expect(pages.map((page) => page.items.length)).toEqual([50, 50, 20]);
    expect(pages.at(-1)).not.toHaveProperty('next');
    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual(ids);
    expect(pages[0]?.items[0]).toMatchObject({
      type: 'product',
      sync_status: 'local',
      data: { name: `Mug ${ids[0]}` },
    });
    expect(pages[0]?.items[0]).not.toHaveProperty('pk');
  });

  it('takes a limit, and lists an empty page for a type nobody wrote', async () => {
    // Act
    const limited = await admin<Page>(stack.url, 'GET', '/admin/records/product?limit=7');
    const empty = await admin<Page>(stack.url, 'GET', '/admin/records/opportunity?limit=200');
    // Assess
    expect(limited.body.items).toHaveLength(7);
    expect(limited.body.next).toEqual(expect.any(String));
    expect(empty).toEqual({ status: 200, body: { items: [] } });
  });

  it.each([
    ['a limit of 0', '/admin/records/product?limit=0', 'limit'],
    ['a limit above 200', '/admin/records/product?limit=201', 'limit'],
    ['a limit that is no number', '/admin/records/product?limit=ten', 'limit'],
    ['a made-up next token', '/admin/records/product?next=bm9uc2Vuc2U', 'next'],
    ['an empty next token', '/admin/records/product?next=', 'next'],
    ['an unknown parameter', '/admin/records/product?page=2', 'page'],
    ['a lookup mixed with paging', '/admin/records/product?source=crm&external_id=1&limit=5', 'limit'],
    ['an unknown type', '/admin/records/note', 'type: unknown record type note (known: account, contact'],
  ])('answers 400 naming the parameter for %s', async (_what, path, named) => {
    // Act
    const answer = await admin(stack.url, 'GET', path);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain(named);
  });

  it("answers 400 to another type's next token", async () => {
    // Prepare
    const products = await admin<Page>(stack.url, 'GET', '/admin/records/product?limit=1');
    // Act
    const answer = await admin(stack.url, 'GET', `/admin/records/contact?next=${products.body.next}`);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('next');
  });
});

describe('PUT /admin/records/{type}/{id}: fields of the type', () => {
  it.each([
    [
      'an unknown type',
      'note',
      { title: 'x' },
      ['type: unknown record type note (known: account, contact, opportunity, product)'],
    ],
    ['a CRM field name instead of ours', 'contact', { firstName: 'Ana' }, ['firstName']],
    ['two unknown fields', 'contact', { first_name: 'Ana', nick: 'A', shoe_size: 42 }, ['nick', 'shoe_size']],
    ['a field of the wrong type', 'contact', { first_name: 42 }, ['first_name']],
    ['a malformed email', 'contact', { email: 'not-an-email' }, ['email']],
    ['an empty body', 'contact', {}, ['is empty; a contact needs at least one of']],
    ['an empty product', 'product', {}, ['is empty; a product needs at least one of name']],
  ])('answers 400 to %s naming it, and writes nothing', async (_what, type, body, named) => {
    // Prepare
    const id = `bad-${randomUUID().slice(0, 8)}`;
    const before = await recordsTable();
    // Act
    const answer = await admin(stack.url, 'PUT', `/admin/records/${type}/${id}`, body);
    // Assess
    expect(answer.status).toBe(400);
    for (const name of named) expect(answer.body.error).toContain(name);
    expect(await recordsTable()).toEqual(before);
  });

  it('refuses a bad write to an existing record and leaves it as it was', async () => {
    // Prepare
    const id = `keep-${randomUUID().slice(0, 8)}`;
    await admin(stack.url, 'PUT', `/admin/records/contact/${id}`, { first_name: 'Kept', email: `${id}@example.com` });
    const before = await storedItem(`contact#${id}`);
    // Act
    const answer = await admin(stack.url, 'PUT', `/admin/records/contact/${id}`, { first_name: 'Kept', email: 7 });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('email');
    expect(await storedItem(`contact#${id}`)).toEqual(before);
  });

  it('replaces the data: a field left out of the body is gone', async () => {
    // Prepare
    const id = `repl-${randomUUID().slice(0, 8)}`;
    await admin(stack.url, 'PUT', `/admin/records/product/${id}`, { name: 'Mug', reorder_point: 5 });
    // Act
    const answer = await admin(stack.url, 'PUT', `/admin/records/product/${id}`, { name: 'Big mug' });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ version: 2, data: { name: 'Big mug' } });
    expect((answer.body.data as Record<string, unknown>).reorder_point).toBeUndefined();
  });
});
