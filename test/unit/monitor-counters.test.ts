import { describe, expect, it } from 'vitest';
import { counterDeltas, countedOutcome, hourBucket } from '../../functions/kernel/sync-log/sync-counter-keys.js';

/** How sync events become health counters: one delta per integration and hour, whatever the batch. */
describe('Monitor: sync event counters', () => {
  it.each([
    { event: { direction: 'outbound', outcome: 'delivered' }, counted: 'ok' },
    { event: { direction: 'outbound', outcome: 'rejected', detail: { status: 401 } }, counted: '4xx' },
    { event: { direction: 'outbound', outcome: 'dead-lettered', detail: { status: 403 } }, counted: '4xx' },
    { event: { direction: 'outbound', outcome: 'rejected', detail: { status: 500 } }, counted: 'error' },
    { event: { direction: 'outbound', outcome: 'retry', detail: { status: 503 } }, counted: 'error' },
    {
      event: { direction: 'outbound', outcome: 'retry', detail: { status: 429, rate_limited: true } },
      counted: 'other',
    },
    { event: { direction: 'outbound', outcome: 'superseded' }, counted: 'other' },
    { event: { direction: 'inbound', outcome: 'synced' }, counted: 'ok' },
    { event: { direction: 'inbound', outcome: 'duplicate' }, counted: 'ok' },
    { event: { direction: 'inbound', outcome: 'failed' }, counted: 'error' },
  ] as const)('counts $event.direction $event.outcome as $counted', ({ event, counted }) => {
    // Act
    const outcome = countedOutcome(event);

    // Assess
    expect(outcome).toBe(counted);
  });

  it('folds a batch into one delta per integration and hour, with the newest success each way', () => {
    // Prepare
    const at = (time: string) => `2026-12-03T${time}Z`;
    const events = [
      { direction: 'inbound', source: 'crm', outcome: 'synced', received_at: at('13:01:00.000') },
      { direction: 'inbound', source: 'crm', outcome: 'synced', received_at: at('13:05:00.000') },
      {
        direction: 'outbound',
        source: 'crm',
        outcome: 'rejected',
        detail: { status: 401 },
        received_at: at('13:06:00.000'),
      },
      { direction: 'outbound', source: 'crm', outcome: 'delivered', received_at: at('12:59:59.000') },
      { direction: 'outbound', source: 'erp', outcome: 'delivered', received_at: at('13:02:00.000') },
    ] as const;

    // Act
    const deltas = counterDeltas(events);

    // Assess
    expect(deltas).toEqual([
      {
        integration: 'crm',
        hour: '2026-12-03T13',
        counts: { in_ok: 2, out_4xx: 1 },
        lastInAt: at('13:05:00.000'),
      },
      { integration: 'crm', hour: '2026-12-03T12', counts: { out_ok: 1 }, lastOutAt: at('12:59:59.000') },
      { integration: 'erp', hour: '2026-12-03T13', counts: { out_ok: 1 }, lastOutAt: at('13:02:00.000') },
    ]);
  });

  it('buckets by the UTC hour', () => {
    // Act
    const hour = hourBucket('2026-12-03T23:59:59.999Z');

    // Assess
    expect(hour).toBe('2026-12-03T23');
  });
});
