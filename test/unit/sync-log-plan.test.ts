import { describe, expect, it } from 'vitest';
import { planSyncLog } from '../../functions/platform/sync-log-writer/plan-log.js';
import { aStreamRecord } from '../helpers/lambda-events.js';

/** A records item carrying the sync event of an inbound write. */
const aRecordImage = (eventId: string | undefined, overrides: Record<string, unknown> = {}) => ({
  pk: 'contact#crm-003A',
  record_type: 'contact',
  record_id: 'crm-003A',
  origin: 'crm',
  version: 2,
  ...(eventId
    ? {
        sync_event: JSON.stringify({
          id: eventId,
          direction: 'inbound',
          source: 'crm',
          event: 'updated',
          outcome: 'synced',
          timestamp: '2026-11-24T10:00:00.000Z',
          delivery_id: 'msg_1',
          received_at: '2026-11-24T10:00:01.000Z',
          detail: { external_id: '003A', decision: 'apply' },
        }),
      }
    : {}),
  ...overrides,
});

const keys = { pk: 'contact#crm-003A' };

describe('Function: planSyncLog()', () => {
  it('logs the event a new inbound write carries, under the record it describes', () => {
    // Prepare
    const record = aStreamRecord({
      eventName: 'MODIFY',
      keys,
      oldImage: aRecordImage('e-1'),
      newImage: aRecordImage('e-2'),
    });

    // Act
    const plan = planSyncLog(record);

    // Assess
    expect(plan).toEqual({
      item: {
        pk: 'EVENTS#crm-003A',
        sk: '2026-11-24T10:00:01.000Z#e-2',
        record_type: 'contact',
        record_id: 'crm-003A',
        direction: 'inbound',
        source: 'crm',
        event: 'updated',
        outcome: 'synced',
        timestamp: '2026-11-24T10:00:00.000Z',
        delivery_id: 'msg_1',
        received_at: '2026-11-24T10:00:01.000Z',
        detail: { external_id: '003A', decision: 'apply' },
        expires_at: Date.parse('2026-11-24T10:00:01.000Z') / 1000 + 30 * 86_400,
      },
    });
  });

  it('logs the event of a record the write created', () => {
    // Prepare
    const record = aStreamRecord({ eventName: 'INSERT', keys, newImage: aRecordImage('e-1') });

    // Act
    const plan = planSyncLog(record);

    // Assess
    expect(plan).toMatchObject({ item: { sk: '2026-11-24T10:00:01.000Z#e-1' } });
  });

  it('gives the same item for the same stream record twice, so a redelivered batch logs it once', () => {
    // Prepare
    const record = aStreamRecord({ eventName: 'INSERT', keys, newImage: aRecordImage('e-1') });

    // Act
    const first = planSyncLog(record);
    const again = planSyncLog(record);

    // Assess
    expect(again).toEqual(first);
  });

  it.each([
    [
      'a later write that kept the event (a local edit, a write-back)',
      aRecordImage('e-1'),
      aRecordImage('e-1', { origin: 'local', version: 3 }),
      'event already logged',
    ],
    [
      'a write of a record that never carried one',
      aRecordImage(undefined),
      aRecordImage(undefined, { version: 3 }),
      'no sync event',
    ],
  ])('skips %s', (_name, oldImage, newImage, reason) => {
    // Prepare
    const record = aStreamRecord({ eventName: 'MODIFY', keys, oldImage, newImage });

    // Act
    const plan = planSyncLog(record);

    // Assess
    expect(plan).toEqual({ skip: reason });
  });

  it('skips a removed record', () => {
    // Prepare
    const record = aStreamRecord({ eventName: 'REMOVE', keys, oldImage: aRecordImage('e-1') });

    // Act & Assess
    expect(planSyncLog(record)).toEqual({ skip: 'removed items carry no new event' });
  });
});
