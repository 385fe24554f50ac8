import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyResolution } from '../../functions/conflicts/store/apply-resolution.js';
import { resolveRecord } from '../../functions/conflicts/resolver/resolve-record.js';
import { decideConflict } from '../../functions/conflicts/domain/resolution-rules.js';
import { getConflict } from '../../functions/conflicts/store/conflict-reads.js';
import { acknowledgePush } from '../../functions/kernel/records/outbound-writes.js';
import { getRecord } from '../../functions/kernel/records/record-reads.js';
import { type FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { contactPath, crmConflicts, iso } from '../helpers/crm-conflicts.js';
import { admin, eventually } from '../helpers/http-client.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * The conflict resolver end to end: a conflict made as production makes one
 * (a CRM contact edited locally, its push held by a CRM that answers 503,
 * then a CRM change of the same contact), the scheduled job run through the
 * runtime, its write going through the records stream, crmOutbound, the
 * queue and the dispatcher to a fake CRM; escalations read back from SES
 * local and a fake Slack. The schedule's own clock is frozen, so only the
 * test runs the job.
 */
let stack: TestStack;
let crm: FakeHttpServer;
let slack: FakeHttpServer;
const conflicts = crmConflicts(
  () => stack,
  () => crm,
);
const conflictOn = conflicts.open;
const send = conflicts.send;
const pathOf = contactPath;

const ADMIN_MAIL = 'data-admin@example.com';
const getContact = (id: string) => admin(stack.url, 'GET', `/admin/records/contact/${id}`);
const setSettings = (settings: Record<string, unknown>) => admin(stack.url, 'PUT', '/admin/settings', settings);

const runResolver = async () => {
  const result = await stack.triggerSchedule('conflict-resolver');
  if (!result.ok) throw result.error;
  return result.value as { resolved: Record<string, number>; escalated: number; failed: number };
};

const conflictStatus = (id: string, status: string) =>
  eventually(async () => {
    const conflict = await getConflict(id);
    return conflict?.status === status ? conflict : undefined;
  }, `conflict ${id} ${status}`);

const sentMail = async (): Promise<{ subject: string; destination: { to: string[] }; body: { text?: string } }[]> =>
  ((await (await fetch(`${stack.endpoints.ses}/store`)).json()) as { emails: [] }).emails;

beforeAll(async () => {
  crm = await startFakeHttpServer();
  slack = await startFakeHttpServer();
  stack = await startTestStack({
    now: () => new Date('2026-01-01T00:00:01Z'),
    env: fakeCrmEnv(crm.url, {
      SETTINGS_CACHE_SECONDS: '0',
      SLACK_WEBHOOK_URL: slack.url,
      MAIL_FROM: 'sync@example.com',
    }),
  });
  await setSettings({
    recipients: { sales: [], purchasing: [], data_admin: [ADMIN_MAIL], ops: [] },
    console_url: 'https://console.example.com',
  });
});

afterAll(async () => {
  await stack?.stop();
  await crm?.close();
  await slack?.close();
});

beforeEach(() => conflicts.holdPushesWhileOpening());

describe('Conflict resolver: the rules', () => {
  it('lets a local change made well after the remote one win, and pushes it to the CRM', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { phone: '333' }, Date.now() - 10 * 60_000);
    // Act
    await runResolver();
    // Assess
    const conflict = await conflictStatus(c.conflictId, 'resolved');
    expect(conflict).toMatchObject({ resolution_type: 'automatic', winner: 'local' });
    expect(conflict.details).toMatchObject({ rule: 'newest-wins', pushed: true });
    const [push] = await crm.waitFor((r) => r.method === 'PUT' && r.path === pathOf(c.crmId) && r.at > c.openedAt);
    expect(push?.body).toMatchObject({ phone: '222', title: 'CTO' });
    const record = await eventually(async () => {
      const r = await getContact(c.recordId);
      return r.body.sync_status === 'synced' ? r.body : undefined;
    }, 'the resolution acknowledged by the CRM');
    expect(record).toMatchObject({ data: expect.objectContaining({ phone: '222' }) });
    expect(record.conflict_id).toBeUndefined();
  });

  it('lets a remote change made well after the local one win, and pushes nothing back', async () => {
    // Prepare
    // Past the 60 s conflict window, within the 5 minutes a change time may run ahead of our clock.
    const c = await conflictOn({ phone: '222' }, { phone: '333' }, Date.now() + 4 * 60_000);
    // Act
    await runResolver();
    // Assess
    const conflict = await conflictStatus(c.conflictId, 'resolved');
    expect(conflict).toMatchObject({
      winner: 'remote',
      details: expect.objectContaining({ rule: 'newest-wins', pushed: false }),
    });
    const record = await getContact(c.recordId);
    expect(record.body).toMatchObject({
      data: expect.objectContaining({ phone: '333' }),
      sync_status: 'synced',
      origin: 'crm',
    });
    // The agreed data is internal (no admin answer shows it): read from the table.
    expect((await getRecord('contact', c.recordId))?.base_data).toEqual(record.body.data);
    // A later local edit is pushed: had the resolution been pushed, its call would come first.
    await admin(stack.url, 'PUT', `/admin/records/contact/${c.recordId}`, {
      ...(record.body.data as object),
      title: 'after',
    });
    const [next] = await crm.waitFor((r) => r.method === 'PUT' && r.path === pathOf(c.crmId) && r.at > c.openedAt);
    expect(next?.body).toMatchObject({ title: 'after', phone: '333' });
  });

  it('merges changes to different fields within the window, and pushes what the CRM lacks', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { title: 'CEO' });
    // Act
    await runResolver();
    // Assess
    const conflict = await conflictStatus(c.conflictId, 'resolved');
    expect(conflict).toMatchObject({ winner: 'merge', details: expect.objectContaining({ rule: 'merge' }) });
    const [push] = await crm.waitFor((r) => r.method === 'PUT' && r.path === pathOf(c.crmId) && r.at > c.openedAt);
    expect(push?.body).toMatchObject({ phone: '222', title: 'CEO' });
  });

  it('takes a field both sides changed to the same value for no overlap', async () => {
    // Prepare
    const c = await conflictOn({ phone: '999', first_name: 'Anna' }, { phone: '999', title: 'CEO' });
    // Act
    await runResolver();
    // Assess
    const conflict = await conflictStatus(c.conflictId, 'resolved');
    expect(conflict.details).toMatchObject({ rule: 'merge' });
    const record = await getContact(c.recordId);
    expect(record.body.data).toMatchObject({ phone: '999', first_name: 'Anna', title: 'CEO' });
  });

  it('lets the priority source win the overlapping fields and still merges the other changes', async () => {
    // Prepare
    await setSettings({ sync_priority_source: 'crm' });
    try {
      const c = await conflictOn({ phone: '222', first_name: 'Anna' }, { phone: '333', title: 'CEO' });
      // Act
      await runResolver();
      // Assess
      const conflict = await conflictStatus(c.conflictId, 'resolved');
      expect(conflict.details).toMatchObject({ rule: 'source-priority', overlapping_fields: ['phone'] });
      const record = await getContact(c.recordId);
      expect(record.body.data).toMatchObject({ phone: '333', first_name: 'Anna', title: 'CEO' });
    } finally {
      await setSettings({ sync_priority_source: null });
    }
  });

  it('escalates an overlap no rule settles once, by one mail and one Slack message, across two runs', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { phone: '333' });
    // Act
    const first = await runResolver();
    await conflictStatus(c.conflictId, 'escalated');
    const second = await runResolver();
    // Assess
    const mails = await eventually(async () => {
      const found = (await sentMail()).filter((m) => m.body.text?.includes(c.conflictId));
      return found.length > 0 ? found : undefined;
    }, 'the escalation mail');
    const slackCalls = await slack.waitFor((r) => JSON.stringify(r.body).includes(c.conflictId));
    // SQS's dedupe would hide a second send within 5 minutes: the second run must not even queue one.
    expect([first.escalated, second.escalated]).toEqual([1, 0]);
    expect(await getConflict(c.conflictId)).toMatchObject({ status: 'escalated', escalation_sent: true });
    expect(mails).toHaveLength(1);
    expect(slackCalls).toHaveLength(1);
    expect(mails[0]?.destination.to).toEqual([ADMIN_MAIL]);
    expect(mails[0]?.subject).toContain(`contact ${c.recordId}`);
    expect(mails[0]?.body.text).toContain('phone: local "222" / crm "333"');
    expect(mails[0]?.body.text).toContain(`https://console.example.com/conflicts/${c.conflictId}`);
    const record = await getContact(c.recordId);
    expect(record.body).toMatchObject({ sync_status: 'conflict', data: expect.objectContaining({ phone: '222' }) });
  });
});

describe('Conflict resolver: applying safely', () => {
  it('holds the local push while the conflict is open, and pushes the resolution once it is settled', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { phone: '333' }, Date.now() - 10 * 60_000);
    // Act: the refused push comes round again while the conflict is open.
    const held = await eventually(async () => {
      const events = await admin<{ items: { outcome?: string; detail?: { reason?: string } }[] }>(
        stack.url,
        'GET',
        `/admin/events?record_id=${c.recordId}`,
      );
      return events.body.items.find((e) => e.outcome === 'skipped');
    }, 'the held push');
    const whileOpen = crm.requests.filter((r) => r.path === pathOf(c.crmId) && r.at > c.openedAt);
    await runResolver();
    // Assess
    expect(held.detail?.reason).toContain('held until resolved');
    expect(whileOpen).toEqual([]);
    const [push] = await crm.waitFor((r) => r.method === 'PUT' && r.path === pathOf(c.crmId) && r.at > c.openedAt);
    expect(push?.body).toMatchObject({ phone: '222' });
  });

  it('refuses to write a resolution over a record that moved since it was read', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { title: 'CEO' });
    const read = await getRecord('contact', c.recordId);
    if (!read) throw new Error('no record');
    await admin(stack.url, 'PUT', `/admin/records/contact/${c.recordId}`, { ...read.data, phone: '444' });
    // Act
    const outcome = await applyResolution({
      record: read,
      values: { ...read.data, title: 'CEO' },
      push: true,
      source: 'crm',
      resolvedThrough: new Date().toISOString(),
      now: new Date().toISOString(),
    });
    // Assess
    expect(outcome).toMatchObject({ applied: false, current: { version: read.version + 1 } });
    const record = await getContact(c.recordId);
    expect(record.body.data).toMatchObject({ phone: '444' });
  });

  it('decides again on the newer local change when the record moves between its read and its write', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { title: 'CEO' });
    const conflict = await getConflict(c.conflictId);
    if (!conflict) throw new Error('no conflict');
    const seen: unknown[] = [];
    // Act
    const outcome = await resolveRecord(
      { recordType: 'contact', recordId: c.recordId, conflicts: [conflict] },
      async (sides, record) => {
        seen.push(record.data.phone);
        // The first time, a local edit lands after the read and before the write.
        if (seen.length === 1) {
          await admin(stack.url, 'PUT', `/admin/records/contact/${c.recordId}`, { ...record.data, phone: '555' });
        }
        return decideConflict(sides.case, { windowSeconds: 60, prioritySource: null });
      },
      { type: 'automatic', onMoved: 'recompute' },
    );
    // Assess
    expect(outcome.kind).toBe('resolved');
    expect(seen).toEqual(['222', '555']);
    const record = await getContact(c.recordId);
    expect(record.body.data).toMatchObject({ phone: '555', title: 'CEO' });
  });

  it('keeps an open conflict and its base when the push that was in flight is acknowledged', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { phone: '333' });
    const before = await getRecord('contact', c.recordId);
    if (!before) throw new Error('no record');
    // Act
    const acknowledged = await acknowledgePush({
      recordType: 'contact',
      recordId: c.recordId,
      system: 'crm',
      version: before.version,
      pushed: { phone: '222' },
    });
    // Assess
    expect(acknowledged).toBe(true);
    const after = await getRecord('contact', c.recordId);
    expect(after).toMatchObject({
      sync_status: 'conflict',
      conflict_id: c.conflictId,
      synced_version: before.version,
      base_data: before.base_data,
    });
  });

  it('never finds the same conflict again: the CRM echo of the resolution opens none', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { title: 'CEO' });
    await runResolver();
    await conflictStatus(c.conflictId, 'resolved');
    const [push] = await crm.waitFor((r) => r.method === 'PUT' && r.path === pathOf(c.crmId) && r.at > c.openedAt);
    await eventually(
      async () => ((await getContact(c.recordId)).body.sync_status === 'synced' ? true : undefined),
      'acknowledged',
    );
    // Act: the CRM echoes the pushed values, and sends its earlier change once more as a new delivery.
    const echo = await send({
      event: 'updated',
      type: 'contact',
      id: c.crmId,
      timestamp: iso(Date.now()),
      data: push?.body,
    });
    const again = await send({
      event: 'updated',
      type: 'contact',
      id: c.crmId,
      timestamp: iso(Date.now() + 1000),
      data: { title: 'CEO' },
    });
    // Assess
    expect(echo.body).toMatchObject({ status: 'synced', changed: false });
    expect(again.body).toMatchObject({ status: 'synced', changed: false });
  });
});

describe('Conflict resolver: the admin API', () => {
  type Answer = Record<string, unknown>;

  it('shows a conflict field by field: base, local, remote, who changed each, and which overlap', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222', first_name: 'Anna' }, { phone: '333', title: 'CEO' });
    // Act
    const answer = await admin<{ fields: Answer[]; record: Answer }>(
      stack.url,
      'GET',
      `/admin/conflicts/${c.conflictId}`,
    );
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.record).toMatchObject({ record_id: c.recordId });
    const byName = Object.fromEntries(answer.body.fields.map((f) => [f.field, f]));
    expect(byName.phone).toEqual({
      field: 'phone',
      base: '111',
      local: '222',
      remote: '333',
      changed_by_local: true,
      changed_by_remote: true,
      overlap: true,
    });
    expect(byName.first_name).toMatchObject({ changed_by_local: true, changed_by_remote: false, overlap: false });
    expect(byName.title).toMatchObject({ local: 'CTO', remote: 'CEO', changed_by_remote: true, overlap: false });
  });

  it('resolves a conflict by hand with one side whole, keeping "admin" as who resolved it', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { phone: '333' });
    // Act
    const answer = await admin(stack.url, 'POST', `/admin/conflicts/${c.conflictId}/resolve`, { winner: 'remote' });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'resolved', winner: 'remote', pushed: false });
    expect(await getConflict(c.conflictId)).toMatchObject({
      status: 'resolved',
      resolution_type: 'manual',
      resolved_by: 'admin',
      winner: 'remote',
    });
    expect((await getContact(c.recordId)).body).toMatchObject({
      data: expect.objectContaining({ phone: '333' }),
      sync_status: 'synced',
    });
  });

  it('resolves a conflict by hand field by field, with a value of its own, and pushes the result', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222', first_name: 'Anna' }, { phone: '333', title: 'CEO' });
    // Act
    const answer = await admin(stack.url, 'POST', `/admin/conflicts/${c.conflictId}/resolve`, {
      fields: { phone: { value: '444' } },
    });
    // Assess
    expect(answer.status).toBe(200);
    const [push] = await crm.waitFor((r) => r.method === 'PUT' && r.path === pathOf(c.crmId) && r.at > c.openedAt);
    expect(push?.body).toMatchObject({ phone: '444', firstName: 'Anna', title: 'CEO' });
  });

  it('answers 400 naming a field the record does not hold, and writes nothing', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { phone: '333' });
    // Act
    const answer = await admin(stack.url, 'POST', `/admin/conflicts/${c.conflictId}/resolve`, {
      fields: { phone: 'local', fax: 'remote' },
    });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('fax');
    expect(await getConflict(c.conflictId)).toMatchObject({ status: 'pending' });
  });

  it('answers 409 saying what moved when the record changed since the caller read it', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { phone: '333' });
    const read = await getContact(c.recordId);
    await admin(stack.url, 'PUT', `/admin/records/contact/${c.recordId}`, {
      ...(read.body.data as object),
      phone: '999',
    });
    // Act
    const answer = await admin(stack.url, 'POST', `/admin/conflicts/${c.conflictId}/resolve`, {
      winner: 'local',
      record_version: read.body.version,
    });
    // Assess
    expect(answer.status).toBe(409);
    expect(answer.body.error).toContain(`version ${read.body.version} -> ${Number(read.body.version) + 1}`);
    expect((await getContact(c.recordId)).body).toMatchObject({ sync_status: 'conflict' });
  });

  it('answers 409 to resolving a conflict that is resolved already', async () => {
    // Prepare
    const c = await conflictOn({ phone: '222' }, { phone: '333' });
    await admin(stack.url, 'POST', `/admin/conflicts/${c.conflictId}/resolve`, { winner: 'local' });
    // Act
    const answer = await admin(stack.url, 'POST', `/admin/conflicts/${c.conflictId}/resolve`, { winner: 'remote' });
    // Assess
    expect(answer.status).toBe(409);
    expect(answer.body.error).toContain('resolved already');
  });

  it('answers 404 for a conflict that does not exist', async () => {
    // Act
    const answer = await admin(stack.url, 'GET', '/admin/conflicts/crm-nope');
    // Assess
    expect(answer.status).toBe(404);
  });

  it('pages the list with limit and an opaque cursor', async () => {
    // Prepare: two resolved conflicts at least.
    for (let i = 0; i < 2; i++) {
      const c = await conflictOn({ phone: '222' }, { phone: '333' });
      await admin(stack.url, 'POST', `/admin/conflicts/${c.conflictId}/resolve`, { winner: 'local' });
    }
    // Act
    const first = await admin<{ items: Answer[]; cursor?: string }>(
      stack.url,
      'GET',
      '/admin/conflicts?status=resolved&limit=1',
    );
    const second = await admin<{ items: Answer[] }>(
      stack.url,
      'GET',
      `/admin/conflicts?status=resolved&limit=1&cursor=${first.body.cursor}`,
    );
    const forged = await admin(stack.url, 'GET', '/admin/conflicts?status=resolved&cursor=bm9wZQ');
    // Assess
    expect(first.body.items).toHaveLength(1);
    expect(first.body.cursor).toEqual(expect.any(String));
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0]?.conflict_id).not.toBe(first.body.items[0]?.conflict_id);
    expect(forged.status).toBe(400);
  });
});
