import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conflictIdFor } from '../../functions/kernel/conflicts/conflict-id.js';
import { TEST_ADMIN_TOKEN, TEST_CRM_SECRET, admin, eventually, postSignedWebhook } from '../helpers/http-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * CRM inbound, through the real HTTP route, handler and DynamoDB Local.
 * Every test uses its own CRM ids, so tests do not see each other's records.
 */
let stack: TestStack;
let webhookUrl: string;

const crmId = (): string => `003${randomUUID().slice(0, 8)}`;
const at = (iso: string): string => new Date(iso).toISOString();

const crmChange = (overrides: Record<string, unknown> = {}) => ({
  event: 'created',
  type: 'contact',
  id: crmId(),
  timestamp: at('2026-11-24T10:00:00Z'),
  data: {
    firstName: 'Ana',
    lastName: 'Lima',
    email: `ana-${randomUUID().slice(0, 6)}@example.com`,
    account: { name: 'Acme' },
  },
  ...overrides,
});

const send = (
  body: unknown,
  options: { id?: string; timestamp?: Date; raw?: string; tampered?: string; secret?: string } = {},
) => postSignedWebhook(webhookUrl, body, { secret: TEST_CRM_SECRET, ...options });

/**
 * A contact synced from the CRM (phone 111), then edited locally (phone
 * `localPhone`) and not yet acknowledged by the CRM: the state in which a
 * change from the CRM is a conflict. Answers the CRM's creation change and
 * the local record id.
 */
const aContactEditedLocally = async (localPhone: string, firstName = 'Ana') => {
  const created = crmChange({ data: { firstName, email: `c-${randomUUID()}@example.com`, phone: '111' } });
  await send(created);
  const recordId = `crm-${created.id}`;
  const local = await admin(stack.url, 'GET', `/admin/records/contact/${recordId}`);
  await admin(stack.url, 'PUT', `/admin/records/contact/${recordId}`, {
    ...(local.body.data as object),
    phone: localPhone,
  });
  return { created, recordId };
};

beforeAll(async () => {
  // Outbound is tested elsewhere: inbound writes never reach it (origin crm), and no CRM URL is set here.
  Object.assign(process.env, { CRM_WEBHOOK_SECRET: TEST_CRM_SECRET, ADMIN_TOKEN: TEST_ADMIN_TOKEN });
  stack = await startTestStack();
  webhookUrl = `${stack.url}/webhooks/crm`;
});

afterAll(async () => {
  await stack?.stop();
});

/**
 * A record's sync events once `count` are logged: those of record writes
 * reach the log through the records stream, a moment after the answer.
 */
const syncEvents = (recordId: string, count: number) =>
  eventually(async () => {
    const answer = await admin<{ items: Record<string, unknown>[] }>(
      stack.url,
      'GET',
      `/admin/events?record_id=${recordId}`,
    );
    return answer.body.items.length >= count ? answer.body.items : undefined;
  }, `${count} sync events of ${recordId}`);

/** The records item as stored, index keys and all (the admin API does not show them). */
const storedItem = async (pk: string) =>
  (
    await stack.dynamodb.send(
      new GetCommand({ TableName: stack.resources.tables.records?.physicalName, Key: { pk }, ConsistentRead: true }),
    )
  ).Item;

describe('POST /webhooks/crm: applying changes', () => {
  it('stores a created contact under its local field names, linked to the CRM id', async () => {
    // Prepare
    const change = crmChange({
      data: {
        firstName: 'Ana',
        lastName: 'Lima',
        email: 'ana.lima@example.com',
        leadSource: 'web',
        account: { name: 'Acme' },
      },
    });
    // Act
    const answer = await send(change);
    // Assess
    expect(answer).toEqual({
      status: 200,
      body: { status: 'synced', record_id: `crm-${change.id}`, direction: 'inbound', changed: true },
    });
    const record = await admin(stack.url, 'GET', `/admin/records/contact/crm-${change.id}`);
    expect(record.body).toMatchObject({
      data: { first_name: 'Ana', last_name: 'Lima', email: 'ana.lima@example.com', source: 'web', company: 'Acme' },
      external_id: change.id,
      external_source: 'crm',
      origin: 'crm',
      sync_status: 'synced',
    });
    expect(record.body.updated_at).toEqual(expect.any(String));
    expect(record.body.synced_at).toEqual(expect.any(String));
    const byCrmId = await admin<{ items: { record_id: string }[] }>(
      stack.url,
      'GET',
      `/admin/records/contact?source=crm&external_id=${change.id}`,
    );
    expect(byCrmId.body.items.map((i) => i.record_id)).toEqual([`crm-${change.id}`]);
  });

  it.each([
    [
      'account',
      { name: 'Acme', industry: 'Retail', annualRevenue: 2500000, numberOfEmployees: 40 },
      { company_name: 'Acme', industry: 'Retail', annual_revenue: 2500000, employee_count: 40 },
    ],
    [
      'opportunity',
      {
        name: 'Renewal',
        accountId: 'acc-1',
        amount: 12000,
        stageName: 'Negotiation',
        probability: 60,
        closeDate: '2026-12-31',
      },
      {
        name: 'Renewal',
        account_id: 'acc-1',
        amount: 12000,
        stage: 'Negotiation',
        probability: 60,
        close_date: '2026-12-31',
      },
    ],
  ])('stores a created %s through its mapping', async (type, data, expected) => {
    // Prepare
    const change = crmChange({ type, data });
    // Act
    const answer = await send(change);
    // Assess
    expect(answer.status).toBe(200);
    const record = await admin(stack.url, 'GET', `/admin/records/${type}/crm-${change.id}`);
    expect(record.body.data).toEqual(expected);
  });

  it('applies an update over the fields it carries and keeps the others', async () => {
    // Prepare
    const created = crmChange();
    await send(created);
    // Act
    const answer = await send({
      ...created,
      event: 'updated',
      timestamp: at('2026-11-24T11:00:00Z'),
      data: { title: 'CTO' },
    });
    // Assess
    expect(answer.body).toMatchObject({ status: 'synced', changed: true });
    const record = await admin(stack.url, 'GET', `/admin/records/contact/crm-${created.id}`);
    expect(record.body.data).toMatchObject({ first_name: 'Ana', title: 'CTO' });
    expect(record.body.version).toBe(2);
  });

  it.each([
    ['the values we hold', { firstName: 'Ana', lastName: 'Lima' }, false, 1],
    ['a null for a field we lack', { title: null }, false, 1],
    ['a field we lack', { title: 'CFO' }, true, 2],
    ['a null over a value we hold', { lastName: null }, true, 2],
  ])(
    'answers an update carrying %s as the rules do, in one write or after it',
    async (_name, data, changed, version) => {
      // Prepare: a contact in sync, as the CRM created it.
      const created = crmChange();
      await send(created);
      // Act
      const answer = await send({ ...created, event: 'updated', timestamp: at('2026-11-24T11:00:00Z'), data });
      // Assess
      expect(answer.body).toMatchObject({ status: 'synced', changed });
      const record = await admin(stack.url, 'GET', `/admin/records/contact/crm-${created.id}`);
      expect(record.body.version).toBe(version);
      expect(record.body.remote_updated_at).toBe(at('2026-11-24T11:00:00Z'));
    },
  );

  it('creates the record when an update arrives for a contact we do not have', async () => {
    // Prepare
    const change = crmChange({ event: 'updated' });
    // Act
    const answer = await send(change);
    // Assess
    expect(answer.body).toMatchObject({ status: 'synced', record_id: `crm-${change.id}` });
  });

  it('soft-deletes a contact, keeping its data', async () => {
    // Prepare
    const created = crmChange();
    await send(created);
    // Act
    const answer = await send({ ...created, event: 'deleted', data: {}, timestamp: at('2026-11-24T12:00:00Z') });
    // Assess
    expect(answer.status).toBe(200);
    const record = await admin(stack.url, 'GET', `/admin/records/contact/crm-${created.id}`);
    expect(record.body).toMatchObject({ deleted_from: 'crm', data: { first_name: 'Ana' } });
    expect(record.body.deleted_at).toEqual(expect.any(String));
  });

  it('records a delete for a contact we never had and answers 2xx', async () => {
    // Prepare
    const change = crmChange({ event: 'deleted', data: {} });
    // Act
    const answer = await send(change);
    // Assess
    expect(answer.status).toBe(200);
    const events = await syncEvents(`crm-${change.id}`, 1);
    expect(events.map((e) => e.event)).toEqual(['deleted']);
  });

  it('links a CRM contact to a local one with the same email instead of duplicating it', async () => {
    // Prepare: a contact typed in locally, which the CRM does not know yet.
    const email = `link-${randomUUID().slice(0, 6)}@example.com`;
    const localId = `local-${randomUUID().slice(0, 8)}`;
    await admin(stack.url, 'PUT', `/admin/records/contact/${localId}`, { first_name: 'Bo', email });
    const change = crmChange({ data: { firstName: 'Bo', email } });
    // Act
    const answer = await send(change);
    // Assess
    expect(answer.body).toMatchObject({ status: 'synced', record_id: localId });
    const linked = await admin<{ items: { record_id: string }[] }>(
      stack.url,
      'GET',
      `/admin/records/contact?source=crm&external_id=${change.id}`,
    );
    expect(linked.body.items.map((i) => i.record_id)).toEqual([localId]);
    const derived = await admin(stack.url, 'GET', `/admin/records/contact/crm-${change.id}`);
    expect(derived.status).toBe(404);
    // The CRM id's derived key holds an alias to the local record; the record keeps its match entry.
    expect(await storedItem(`contact#crm-${change.id}`)).toMatchObject({ alias_of: localId, external_id: change.id });
    expect(await storedItem(`contact#${localId}`)).toMatchObject({
      external_id: change.id,
      match_key: `contact#email#${email}`,
    });
  });

  it('applies later changes of a linked contact to the local record, through its alias', async () => {
    // Prepare
    const email = `alias-${randomUUID().slice(0, 6)}@example.com`;
    const localId = `local-${randomUUID().slice(0, 8)}`;
    await admin(stack.url, 'PUT', `/admin/records/contact/${localId}`, { first_name: 'Di', email });
    const created = crmChange({ data: { firstName: 'Di', email } });
    await send(created);
    // Act
    const update = await send({
      ...created,
      event: 'updated',
      timestamp: at('2026-11-24T11:00:00Z'),
      data: { title: 'CFO' },
    });
    const createdAgain = await send({
      ...created,
      timestamp: at('2026-11-24T12:00:00Z'),
      data: { firstName: 'Di', email },
    });
    // Assess
    expect(update.body).toMatchObject({ status: 'synced', record_id: localId, changed: true });
    expect(createdAgain.body).toMatchObject({ status: 'synced', record_id: localId, changed: false });
    const record = await admin(stack.url, 'GET', `/admin/records/contact/${localId}`);
    expect(record.body.data).toMatchObject({ first_name: 'Di', email, title: 'CFO' });
    expect(await storedItem(`contact#crm-${created.id}`)).not.toHaveProperty('record_type');
  });

  it('refuses a local write to the key of an alias, naming the record it points to', async () => {
    // Prepare
    const email = `refuse-${randomUUID().slice(0, 6)}@example.com`;
    const localId = `local-${randomUUID().slice(0, 8)}`;
    await admin(stack.url, 'PUT', `/admin/records/contact/${localId}`, { first_name: 'Ed', email });
    const created = crmChange({ data: { firstName: 'Ed', email } });
    await send(created);
    // Act
    const answer = await admin(stack.url, 'PUT', `/admin/records/contact/crm-${created.id}`, { first_name: 'Oops' });
    // Assess
    expect(answer.status).toBe(409);
    expect(answer.body.error).toContain(localId);
    expect(await storedItem(`contact#crm-${created.id}`)).toEqual(expect.objectContaining({ alias_of: localId }));
    expect(await storedItem(`contact#crm-${created.id}`)).not.toHaveProperty('data');
  });

  it('keeps a contact the CRM created out of the index, and still finds it by its CRM id', async () => {
    // Prepare
    const change = crmChange({ data: { firstName: 'Cy', email: `cy-${randomUUID().slice(0, 6)}@example.com` } });
    // Act
    await send(change);
    // Assess: found by the id derived from the CRM's, so no index entry is paid for.
    const stored = await storedItem(`contact#crm-${change.id}`);
    expect(stored).toMatchObject({ external_id: change.id, external_source: 'crm' });
    expect(stored).not.toHaveProperty('match_key');
    const found = await admin<{ items: { record_id: string }[] }>(
      stack.url,
      'GET',
      `/admin/records/contact?source=crm&external_id=${change.id}`,
    );
    expect(found.body.items.map((i) => i.record_id)).toEqual([`crm-${change.id}`]);
  });
});

describe('POST /webhooks/crm: ids that used to collide', () => {
  /** Creates a contact for each CRM id, then reads each back by its CRM id and by its own id. */
  const createAndRead = async (ids: readonly string[]) => {
    const answers = [];
    for (const id of ids) {
      answers.push(
        await send(crmChange({ id, data: { firstName: id.slice(-6), email: `${randomUUID()}@example.com` } })),
      );
    }
    const byCrmId = await Promise.all(
      ids.map((id) =>
        admin<{ items: { record_id: string; external_id: string }[] }>(
          stack.url,
          'GET',
          `/admin/records/contact?source=crm&external_id=${encodeURIComponent(id)}`,
        ),
      ),
    );
    const byOwnId = await Promise.all(
      answers.map((answer) =>
        admin(stack.url, 'GET', `/admin/records/contact/${encodeURIComponent(String(answer.body.record_id))}`),
      ),
    );
    return { answers, byCrmId, byOwnId };
  };

  it.each([
    ['X/1 and X_1', (base: string) => [`${base}/1`, `${base}_1`]],
    ['X+2F1 and X/1 (an id that spells an escape)', (base: string) => [`${base}+2F1`, `${base}/1`]],
    [
      'two 200-character ids that share 199',
      (base: string) => [`${base.padEnd(199, 'z')}1`, `${base.padEnd(199, 'z')}2`],
    ],
  ])('gives %s two records, each found by its CRM id', async (_case, idsOf) => {
    // Prepare
    const ids = idsOf(crmId());
    // Act
    const { answers, byCrmId, byOwnId } = await createAndRead(ids);
    // Assess
    expect(answers.map((a) => [a.status, a.body.status])).toEqual([
      [200, 'synced'],
      [200, 'synced'],
    ]);
    expect(new Set(answers.map((a) => a.body.record_id)).size).toBe(2);
    expect(byCrmId.map((found) => found.body.items.map((item) => item.external_id))).toEqual(ids.map((id) => [id]));
    expect(byOwnId.map((found) => [found.status, found.body.external_id])).toEqual(ids.map((id) => [200, id]));
  });
});

describe('POST /webhooks/crm: redelivery and ordering', () => {
  it('answers duplicate to the same webhook-id and applies it once', async () => {
    // Prepare
    const change = crmChange();
    const id = `msg_${randomUUID()}`;
    await send(change, { id });
    // Act
    const again = await send(change, { id });
    // Assess
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    const record = await admin(stack.url, 'GET', `/admin/records/contact/crm-${change.id}`);
    expect(record.body.version).toBe(1);
  });

  it('applies several copies arriving at the same moment exactly once', async () => {
    // Prepare
    const created = crmChange();
    await send(created);
    const update = { ...created, event: 'updated', timestamp: at('2026-11-24T11:00:00Z'), data: { title: 'VP' } };
    const id = `msg_${randomUUID()}`;
    // Act
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(update, { id })));
    // Assess
    const statuses = answers.map((a) => a.body.status).sort();
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(statuses).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'synced']);
    const record = await admin(stack.url, 'GET', `/admin/records/contact/crm-${created.id}`);
    expect(record.body.version).toBe(2);
  });

  it('recognises a redelivery of an earlier delivery after newer changes as a duplicate', async () => {
    // Prepare
    const created = crmChange();
    const firstId = `msg_${randomUUID()}`;
    await send(created, { id: firstId });
    await send({ ...created, event: 'updated', timestamp: at('2026-11-24T11:00:00Z'), data: { title: 'VP' } });
    // Senders retry after seconds to hours; by then the first delivery is in the log, which is what tells it apart.
    await syncEvents(`crm-${created.id}`, 2);
    // Act
    const again = await send(created, { id: firstId });
    // Assess
    expect(again.body.status).toBe('duplicate');
  });

  it('refuses a change older than the last one applied as stale and leaves the record alone', async () => {
    // Prepare
    const created = crmChange();
    await send(created);
    await send({ ...created, event: 'updated', timestamp: at('2026-11-24T12:00:00Z'), data: { title: 'Newest' } });
    // Act
    const late = await send({
      ...created,
      event: 'updated',
      timestamp: at('2026-11-24T11:00:00Z'),
      data: { title: 'Older' },
    });
    // Assess
    expect(late).toMatchObject({ status: 200, body: { status: 'stale' } });
    const record = await admin(stack.url, 'GET', `/admin/records/contact/crm-${created.id}`);
    expect(record.body.data).toMatchObject({ title: 'Newest' });
    const events = await syncEvents(`crm-${created.id}`, 3);
    expect(events.map((e) => e.outcome)).toEqual(['synced', 'synced', 'stale']);
  });

  it('writes a sync event for every attempt, with direction, source, event and outcome', async () => {
    // Prepare
    const change = crmChange();
    const id = `msg_${randomUUID()}`;
    // Act
    await send(change, { id });
    await send(change, { id });
    // Assess
    const events = await syncEvents(`crm-${change.id}`, 2);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      direction: 'inbound',
      source: 'crm',
      event: 'created',
      record_type: 'contact',
      record_id: `crm-${change.id}`,
      timestamp: change.timestamp,
      outcome: 'synced',
      delivery_id: id,
    });
    expect(events[0]?.received_at).toEqual(expect.any(String));
    expect(events[1]).toMatchObject({ outcome: 'duplicate' });
  });
});

describe('POST /webhooks/crm: conflicts', () => {
  it('stores a conflict when a local change is pending and leaves the record as it is', async () => {
    // Prepare: synced from the CRM, then edited locally (not yet acknowledged by the CRM).
    const { created, recordId } = await aContactEditedLocally('222');
    // Act
    const answer = await send({
      ...created,
      event: 'updated',
      timestamp: at('2026-11-24T11:00:00Z'),
      data: { phone: '333' },
    });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'conflict', conflict_id: expect.any(String) });
    const record = await admin(stack.url, 'GET', `/admin/records/contact/${recordId}`);
    expect(record.body.data).toMatchObject({ phone: '222' });
    const conflicts = await admin<{ items: Record<string, unknown>[] }>(
      stack.url,
      'GET',
      '/admin/conflicts?status=pending',
    );
    const conflict = conflicts.body.items.find((c) => c.conflict_id === answer.body.conflict_id);
    expect(conflict).toMatchObject({
      record_id: recordId,
      record_type: 'contact',
      status: 'pending',
      local_data: expect.objectContaining({ phone: '222' }),
      remote_data: { phone: '333' },
      base_data: expect.objectContaining({ phone: '111' }),
      remote_timestamp: at('2026-11-24T11:00:00Z'),
    });
    expect(conflict?.local_timestamp).toEqual(expect.any(String));
    expect(conflict?.created_at).toEqual(expect.any(String));
  });
});

describe('POST /webhooks/crm: a conflict whose write fails', () => {
  const conflictsTable = () => stack.resources.tables.conflicts?.physicalName;
  const conflictItem = async (conflictId: string) =>
    (
      await stack.dynamodb.send(
        new GetCommand({ TableName: conflictsTable(), Key: { pk: `CONFLICT#${conflictId}` }, ConsistentRead: true }),
      )
    ).Item;

  it('answers 500 with the record unclaimed, and stores the conflict exactly once when the sender retries', async () => {
    // Prepare: a CRM contact edited locally, and the conflict write made to fail: an item already
    // stands at the id the delivery's conflict will take (a fault in the real transaction, not a mock).
    const { created, recordId } = await aContactEditedLocally('222');
    const deliveryId = `msg_${randomUUID()}`;
    const conflictId = conflictIdFor('contact', recordId, 'crm', deliveryId);
    await stack.dynamodb.send(
      new PutCommand({ TableName: conflictsTable(), Item: { pk: `CONFLICT#${conflictId}`, planted: true } }),
    );
    const remote = { ...created, event: 'updated', timestamp: at('2026-11-24T11:00:00Z'), data: { phone: '333' } };
    // Act
    const failed = await send(remote, { id: deliveryId });
    const unclaimed = await storedItem(`contact#${recordId}`);
    await stack.dynamodb.send(
      new DeleteCommand({ TableName: conflictsTable(), Key: { pk: `CONFLICT#${conflictId}` } }),
    );
    const retried = await send(remote, { id: deliveryId });
    const again = await send(remote, { id: deliveryId });
    // Assess
    expect(failed.status).toBe(500);
    expect(JSON.stringify(failed.body)).not.toMatch(/ConflictExistsError|at .*\.ts/);
    expect(unclaimed).toMatchObject({ sync_status: 'synced', data: expect.objectContaining({ phone: '222' }) });
    expect(unclaimed?.last_delivery_id).not.toBe(deliveryId);
    expect(unclaimed).not.toHaveProperty('conflict_id');
    expect(retried).toEqual({
      status: 200,
      body: { status: 'conflict', record_id: recordId, conflict_id: conflictId },
    });
    expect(again.body).toMatchObject({ status: 'duplicate' });
    expect(await conflictItem(conflictId)).toMatchObject({
      status: 'pending',
      record_id: recordId,
      remote_data: { phone: '333' },
      local_data: expect.objectContaining({ phone: '222' }),
      delivery_id: deliveryId,
    });
    const pending = await admin<{ items: { conflict_id: string }[] }>(
      stack.url,
      'GET',
      '/admin/conflicts?status=pending',
    );
    expect(pending.body.items.filter((c) => c.conflict_id === conflictId)).toHaveLength(1);
    expect(await storedItem(`contact#${recordId}`)).toMatchObject({
      sync_status: 'conflict',
      conflict_id: conflictId,
      last_delivery_id: deliveryId,
    });
  });
  it('stores a conflict on each of two records a sender reaches with one delivery id', async () => {
    // Prepare: two CRM contacts, each edited locally.
    const recordIds: string[] = [];
    const changes = [];
    for (const name of ['One', 'Two']) {
      const { created, recordId } = await aContactEditedLocally('2', name);
      recordIds.push(recordId);
      changes.push({ ...created, event: 'updated', timestamp: at('2026-11-24T11:00:00Z'), data: { phone: '3' } });
    }
    const deliveryId = `msg_${randomUUID()}`;
    // Act
    const answers = [];
    for (const change of changes) answers.push(await send(change, { id: deliveryId }));
    // Assess
    expect(answers.map((a) => [a.status, a.body.status])).toEqual([
      [200, 'conflict'],
      [200, 'conflict'],
    ]);
    const ids = answers.map((a) => String(a.body.conflict_id));
    expect(new Set(ids).size).toBe(2);
    const stored = await Promise.all(ids.map((id) => conflictItem(id)));
    expect(stored.map((c) => c?.record_id)).toEqual(recordIds);
  });
});

describe('POST /webhooks/crm: secret rotation', () => {
  it('accepts webhooks signed with the old or the new secret while both are configured', async () => {
    // Prepare
    const newSecret = 'whsec_bmV3LXNlY3JldC1mb3Itcm90YXRpb24tdGVzdA==';
    const previous = process.env.CRM_WEBHOOK_SECRET;
    process.env.CRM_WEBHOOK_SECRET = `${TEST_CRM_SECRET} ${newSecret}`;
    try {
      // Act
      const withOld = await send(crmChange(), { secret: TEST_CRM_SECRET });
      const withNew = await send(crmChange(), { secret: newSecret });
      // Assess
      expect([withOld.status, withNew.status]).toEqual([200, 200]);
    } finally {
      process.env.CRM_WEBHOOK_SECRET = previous;
    }
  });
});

describe('POST /webhooks/crm: refusals write nothing', () => {
  const refusedWith = async (
    status: number,
    send: () => Promise<{ status: number; body: Record<string, unknown> }>,
    id: string,
  ) => {
    const answer = await send();
    expect(answer.status).toBe(status);
    expect(String(answer.body.error)).not.toMatch(/\bat\s.+:\d+/); // never a stack trace
    const record = await admin(stack.url, 'GET', `/admin/records/contact/crm-${id}`);
    expect(record.status).toBe(404);
    return answer;
  };

  it.each([
    ['signed with another secret', { secret: 'whsec_QWxsIHlvdXIgYmFzZSBhcmUgYmVsb25nIHRvIHVz' }, 'signature mismatch'],
    ['signed over 5 minutes ago', { timestamp: new Date(Date.now() - 6 * 60_000) }, 'timestamp too old'],
    [
      'signed over 5 minutes in the future',
      { timestamp: new Date(Date.now() + 6 * 60_000) },
      'timestamp in the future',
    ],
  ])('answers 401 to a webhook %s', async (_label, options, reason) => {
    const change = crmChange();
    const answer = await refusedWith(401, () => send(change, options), change.id);
    expect(answer.body.error).toContain(reason);
  });

  it('answers 401 to a body changed after signing', async () => {
    const change = crmChange();
    await refusedWith(
      401,
      () => send(change, { tampered: JSON.stringify({ ...change, data: { email: 'evil@example.com' } }) }),
      change.id,
    );
  });

  it('answers 401 to a webhook without signature headers', async () => {
    const change = crmChange();
    await refusedWith(
      401,
      async () => {
        const response = await fetch(webhookUrl, {
          method: 'POST',
          body: JSON.stringify(change),
          headers: { 'content-type': 'application/json' },
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      },
      change.id,
    );
  });

  it('answers 400 naming the field of the wrong shape', async () => {
    const change = crmChange({ data: { email: 42 } });
    const answer = await refusedWith(400, () => send(change), change.id);
    expect(answer.body.error).toContain('data.email');
  });

  it('answers 400 Unknown record type for a type without a mapping', async () => {
    const change = crmChange({ type: 'lead' });
    const answer = await refusedWith(400, () => send(change), change.id);
    expect(answer.body.error).toBe('Unknown record type: lead');
  });

  it('answers 400 to a body that is not JSON', async () => {
    const change = crmChange();
    const answer = await refusedWith(
      400,
      () => send(undefined, { raw: `{"event":"created","id":"${change.id}"` }),
      change.id,
    );
    expect(answer.body.error).toBe('Body is not valid JSON');
  });

  it('answers 400 naming a missing event field', async () => {
    const { event: _omitted, ...change } = crmChange();
    const answer = await refusedWith(400, () => send(change), change.id as string);
    expect(answer.body.error).toContain('event');
  });
});
