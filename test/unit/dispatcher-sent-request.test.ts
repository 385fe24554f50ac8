import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredRecord } from '../../functions/kernel/records/record.js';

vi.mock('../../functions/kernel/records/record-reads.js', () => ({ getRecord: vi.fn() }));
vi.mock('../../functions/kernel/records/outbound-writes.js', () => ({ acknowledgePush: vi.fn(async () => true) }));

const { getRecord } = await import('../../functions/kernel/records/record-reads.js');
const { crmPushAction } = await import('../../functions/crm/outbound/push-action.js');
const { planCrmPush } = await import('../../functions/crm/outbound/plan-push.js');
const { dispatchRecord } = await import('../../functions/platform/dispatcher/dispatch-record.js');
const { anOutboundRecord, fakeDispatcherPorts } = await import('../helpers/outbound-factories.js');
const { marshall } = await import('@aws-sdk/util-dynamodb');

/** A local contact as stored, at version 1, linked to the CRM when `externalId` is given. */
const aStoredContact = (externalId?: string): StoredRecord =>
  ({
    record_type: 'contact',
    record_id: 'c-1',
    version: 1,
    origin: 'admin',
    data: { first_name: 'Ana', email: 'ana@example.com' },
    ...(externalId ? { external_source: 'crm', external_id: externalId } : {}),
  }) as unknown as StoredRecord;

/** The message the CRM stream consumer queues for the contact (a PUT placeholder, rewritten at send time). */
const queuedPushOf = (contact: StoredRecord) => {
  const plan = planCrmPush({
    eventName: 'INSERT',
    dynamodb: { NewImage: marshall(contact, { removeUndefinedValues: true }) as never },
  });
  if (!('message' in plan)) throw new Error(`not pushed: ${plan.skip}`);
  return plan.message;
};

/** A fetch that refuses the connection as Node's does. */
const refusedFetch = vi.fn(async () => {
  throw new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4010'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 4010,
    }),
  });
});

beforeEach(() => {
  vi.mocked(getRecord).mockReset();
});

describe('Function: dispatchRecord() describing the request it sent', () => {
  it.each([
    ['a create (no CRM id yet)', undefined, 'POST /api/contacts'],
    ['an update (linked to crm-9)', 'crm-9', 'PUT /api/contacts/crm-9'],
  ])('logs %s as %s, not as the queued placeholder', async (_case, externalId, expected) => {
    // Prepare
    const contact = aStoredContact(externalId);
    vi.mocked(getRecord).mockResolvedValue(contact);
    const ports = fakeDispatcherPorts({ actions: { 'crm.pushRecord': crmPushAction } });
    const record = anOutboundRecord(queuedPushOf(contact));
    // Act
    await dispatchRecord(record, ports);
    // Assess
    const [url, init] = vi.mocked(ports.fetch).mock.calls[0] as [string, RequestInit];
    expect(`${init.method} ${new URL(url).pathname}`).toBe(expected);
    expect(ports.appendSyncEvent).toHaveBeenCalledWith(
      expect.objectContaining({ direction: 'outbound', event: expected, outcome: 'delivered' }),
    );
  });

  it('puts the sent request and the refused connection in the retry, not "fetch failed"', async () => {
    // Prepare
    const contact = aStoredContact();
    vi.mocked(getRecord).mockResolvedValue(contact);
    const ports = fakeDispatcherPorts({ fetch: refusedFetch, actions: { 'crm.pushRecord': crmPushAction } });
    const record = anOutboundRecord(queuedPushOf(contact));
    // Act
    const attempt = dispatchRecord(record, ports);
    // Assess
    await expect(attempt).rejects.toThrow('POST /api/contacts: connection refused by 127.0.0.1:4010; retry in');
    expect(ports.appendSyncEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        event: 'POST /api/contacts',
        outcome: 'retry',
        detail: expect.objectContaining({ reason: 'connection refused by 127.0.0.1:4010' }),
      }),
    );
  });

  it('dead-letters a refused call at the end of its budget with the code as its status', async () => {
    // Prepare
    const contact = aStoredContact('crm-9');
    vi.mocked(getRecord).mockResolvedValue(contact);
    const ports = fakeDispatcherPorts({
      fetch: refusedFetch,
      failureBudget: 1,
      actions: { 'crm.pushRecord': crmPushAction },
    });
    // Act
    await dispatchRecord(anOutboundRecord(queuedPushOf(contact)), ports);
    // Assess
    expect(vi.mocked(ports.sendToDeadLetter).mock.calls[0]?.[1]).toMatchObject({
      kind: 'exhausted',
      status: 'ECONNREFUSED',
      reason: 'connection refused by 127.0.0.1:4010 (1 failed attempts)',
    });
    expect(ports.appendSyncEvent).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'PUT /api/contacts/crm-9', outcome: 'dead-lettered' }),
    );
  });

  it('names the action when it sent nothing, not the placeholder it was queued with', async () => {
    // Prepare
    vi.mocked(getRecord).mockResolvedValue(undefined);
    const ports = fakeDispatcherPorts({ actions: { 'crm.pushRecord': crmPushAction } });
    // Act
    await dispatchRecord(anOutboundRecord(queuedPushOf(aStoredContact())), ports);
    // Assess
    expect(ports.fetch).not.toHaveBeenCalled();
    expect(ports.appendSyncEvent).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'crm.pushRecord (nothing sent)', outcome: 'skipped' }),
    );
  });
});
