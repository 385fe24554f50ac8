import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { planUserLog } from '../../functions/users/followup/plan-user-log.js';
import { carriedSyncEvent, encodeSyncEvent } from '../../functions/kernel/sync-log/sync-events.js';

/** A stream record of the users table, images given as plain objects. */
const streamRecord = (
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  newImage?: Record<string, unknown>,
  oldImage?: Record<string, unknown>,
): DynamoDBRecord =>
  ({
    eventID: '1',
    eventName,
    dynamodb: {
      ...(newImage ? { NewImage: marshall(newImage) } : {}),
      ...(oldImage ? { OldImage: marshall(oldImage) } : {}),
    },
  }) as unknown as DynamoDBRecord;

const event = (name: string) =>
  encodeSyncEvent(
    carriedSyncEvent(
      { direction: 'inbound', source: 'idp', event: name, outcome: 'synced' },
      new Date('2026-12-01T10:00:00Z'),
    ),
  );

describe('planUserLog', () => {
  it('logs the event a user write carries under the user id, as record type user', () => {
    // Prepare
    const record = streamRecord('INSERT', { pk: 'user#u1', sk: 'USER', id: 'u1', sync_event: event('created') });
    // Act
    const plan = planUserLog(record);
    // Assess
    expect(plan).toMatchObject({
      item: { pk: 'EVENTS#u1', record_type: 'user', record_id: 'u1', source: 'idp', event: 'created' },
    });
  });

  it('logs a group write as record type group', () => {
    // Prepare
    const record = streamRecord('MODIFY', { pk: 'group#g1', sk: 'GROUP', id: 'g1', sync_event: event('patched') });
    // Act
    const plan = planUserLog(record);
    // Assess
    expect(plan).toMatchObject({ item: { record_type: 'group', record_id: 'g1' } });
  });

  it('skips an event the old image already carried', () => {
    // Prepare
    const carried = event('created');
    const image = { pk: 'user#u1', sk: 'USER', id: 'u1', sync_event: carried };
    // Act
    const plan = planUserLog(streamRecord('MODIFY', image, image));
    // Assess
    expect(plan).toEqual({ skip: 'event already logged' });
  });

  it.each([
    ['a lookup item', streamRecord('INSERT', { pk: 'username#ana', sk: 'LOCK', user_id: 'u1' })],
    ['a member item', streamRecord('INSERT', { pk: 'group#g1', sk: 'member#u1', member_user_id: 'u1' })],
    ['a removal', streamRecord('REMOVE', undefined, { pk: 'user#u1', sk: 'USER', id: 'u1', sync_event: 'x' })],
  ])('logs nothing for %s', (_label, record) => {
    // Act
    const plan = planUserLog(record);
    // Assess
    expect('skip' in plan).toBe(true);
  });
});
