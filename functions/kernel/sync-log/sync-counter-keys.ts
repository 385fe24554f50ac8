import type { SyncEvent } from './sync-events.js';

/**
 * Health counters: what the sync monitor reads instead of the sync log. One
 * item per integration and hour bucket in the `control` table
 * (`pk = SYNCSTATS#<integration>`, `sk = <hour, 2026-12-03T13>`), holding
 * counts per direction and outcome (`in_ok`, `in_error`, `in_4xx`,
 * `in_other`, `out_ok`, ...) and the time of the last success each way in
 * that hour (`last_in_at`, `last_out_at`). A monitor run reads 24 items per
 * integration at most, whatever the traffic.
 *
 * Plain functions here (keys, classification, aggregation); the write is
 * `sync-counters.ts`, so a reader bundles no writer.
 */
const SYNC_COUNTERS_PK_PREFIX = 'SYNCSTATS#';
/** Counters are kept as long as the sync log. */
const COUNTER_RETENTION_DAYS = 30;

/** What an event counts as: a success, a failure, a refusal by the other side (4xx), or neither (a wait, a skip). */
type CountedOutcome = 'ok' | 'error' | '4xx' | 'other';
/** `in` or `out`, as the counter attributes name them. */
type CountedDirection = 'in' | 'out';

/** The counter attributes, `in_ok` to `out_other`. */
const COUNTER_ATTRIBUTES = (['in', 'out'] as const).flatMap((direction) =>
  (['ok', 'error', '4xx', 'other'] as const).map((outcome) => `${direction}_${outcome}`),
);

/** The partition of one integration's counters. */
const counterPk = (integration: string): string => `${SYNC_COUNTERS_PK_PREFIX}${integration}`;

/**
 * The hour bucket of an ISO time: its first 13 characters (UTC), which sort
 * as time does.
 *
 * @example
 * hourBucket('2026-12-03T13:45:00.000Z'); // '2026-12-03T13'
 */
const hourBucket = (iso: string): string => iso.slice(0, 13);

const OK_OUTBOUND = new Set(['delivered']);
const NEUTRAL_OUTBOUND = new Set(['superseded', 'skipped']);
const FAILED = /fail|error|reject|dead/;

/**
 * How an attempt counts. Outbound: `delivered` is a success; a refusal
 * (`rejected`, or dead-lettered) with a 4xx status is `4xx` (a revoked key
 * shows as nothing but these); other failures and retries are `error`,
 * except a rate-limited retry (the vendor asked us to wait) and a
 * superseded or skipped message, which are `other`. Inbound: a change we
 * took (`synced`, `conflict`, `duplicate`, `stale`, ...) is a success; an
 * outcome naming a failure is an error.
 *
 * @example
 * countedOutcome({ direction: 'outbound', outcome: 'rejected', detail: { status: 401 } }); // '4xx'
 */
const countedOutcome = (event: Pick<SyncEvent, 'direction' | 'outcome' | 'detail'>): CountedOutcome => {
  const status = Number(event.detail?.status ?? 0);
  if (event.direction === 'outbound') {
    if (OK_OUTBOUND.has(event.outcome)) return 'ok';
    if (NEUTRAL_OUTBOUND.has(event.outcome)) return 'other';
    if (event.outcome === 'retry' && event.detail?.rate_limited === true) return 'other';
    if (event.outcome !== 'retry' && status >= 400 && status < 500 && status !== 429) return '4xx';
    return 'error';
  }
  if (FAILED.test(event.outcome)) return status >= 400 && status < 500 ? '4xx' : 'error';
  return 'ok';
};

/** One bucket's increments, ready for one UpdateItem. */
interface CounterDelta {
  readonly integration: string;
  readonly hour: string;
  readonly counts: Record<string, number>;
  lastInAt?: string;
  lastOutAt?: string;
}

/** An event as the counters need it: its integration, direction, outcome and time. */
type CountableEvent = Pick<SyncEvent, 'direction' | 'source' | 'outcome' | 'detail'> & { readonly received_at: string };

/**
 * Folds a batch of events into one delta per integration and hour, so a
 * batch costs one write per bucket it touches, not one per event.
 *
 * @example
 * counterDeltas(items); // [{ integration: 'crm', hour: '2026-12-03T13', counts: { in_ok: 24 }, lastInAt }]
 */
const counterDeltas = (events: readonly CountableEvent[]): CounterDelta[] => {
  const deltas = new Map<string, CounterDelta>();
  for (const event of events) {
    const hour = hourBucket(event.received_at);
    const key = `${event.source}\u0000${hour}`;
    let delta = deltas.get(key);
    if (!delta) {
      delta = { integration: event.source, hour, counts: {} };
      deltas.set(key, delta);
    }
    const direction: CountedDirection = event.direction === 'inbound' ? 'in' : 'out';
    const outcome = countedOutcome(event);
    const attribute = `${direction}_${outcome}`;
    delta.counts[attribute] = (delta.counts[attribute] ?? 0) + 1;
    if (outcome === 'ok') {
      if (direction === 'in' && (delta.lastInAt ?? '') < event.received_at) delta.lastInAt = event.received_at;
      if (direction === 'out' && (delta.lastOutAt ?? '') < event.received_at) delta.lastOutAt = event.received_at;
    }
  }
  return [...deltas.values()];
};

/** A counter item as stored and read back. */
interface CounterItem {
  readonly pk: string;
  readonly sk: string;
  readonly last_in_at?: string;
  readonly last_out_at?: string;
  readonly [attribute: string]: unknown;
}

export {
  COUNTER_ATTRIBUTES,
  COUNTER_RETENTION_DAYS,
  SYNC_COUNTERS_PK_PREFIX,
  counterDeltas,
  counterPk,
  countedOutcome,
  hourBucket,
};
export type { CountableEvent, CountedDirection, CountedOutcome, CounterDelta, CounterItem };
