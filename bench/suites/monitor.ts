import { dynamo } from '../../functions/kernel/aws/dynamo-client.js';
import type { CountableEvent } from '../../functions/kernel/sync-log/sync-counter-keys.js';
import { countSyncEvents } from '../../functions/kernel/sync-log/sync-counters.js';
import { runMonitor, watchedIntegrations } from '../../functions/monitor/job/run-monitor.js';
import { setEnvironment } from '../environment.js';
import { runBurst } from '../load.js';
import type { BenchRow, BenchSuite } from '../suite.js';

/**
 * The sync monitor's cost does not grow with traffic: one run's DynamoDB
 * reads (calls, items read, read capacity) with 1,000 sync events counted,
 * then with 100,000, must be the same. The events are spread over the last
 * 24 hours and the watched integrations, mixed outcomes, and counted
 * through `countSyncEvents` in batches of 25, as the sync-log writer does
 * for each stream batch (the log items themselves are not written: the
 * monitor never reads them). The job is called directly (not through the
 * schedule recorder), once untimed first so that both measured runs find
 * the monitor's state, as every run after the first does.
 */
const SMALL = 1_000;
const LARGE = 100_000;
const BATCH = 25;
const SEED_CONCURRENCY = 16;
const OUTCOMES = [
  ['inbound', 'synced'],
  ['inbound', 'synced'],
  ['outbound', 'delivered'],
  ['outbound', 'delivered'],
  ['outbound', 'retry'],
] as const;

interface ReadCost {
  calls: Record<string, number>;
  items: number;
  capacity: number;
}

/** Counts the calls, the items read and the read capacity of every DynamoDB call made through the shared client. */
const measured = () => {
  const cost: ReadCost = { calls: {}, items: 0, capacity: 0 };
  const client = dynamo();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? '').replace(/Command$/, '');
      cost.calls[name] = (cost.calls[name] ?? 0) + 1;
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const output = out.output as {
        Count?: number;
        Item?: unknown;
        ConsumedCapacity?: { CapacityUnits?: number; ReadCapacityUnits?: number };
      };
      if (name === 'Query') cost.items += output.Count ?? 0;
      if (name === 'GetItem') cost.items += output.Item ? 1 : 0;
      if (name === 'Query' || name === 'GetItem') cost.capacity += output.ConsumedCapacity?.CapacityUnits ?? 0;
      return out;
    },
    { step: 'initialize', name: 'benchReadCounter' },
  );
  return { cost, remove: () => client.middlewareStack.remove('benchReadCounter') };
};

const seed = async (from: number, to: number, now: number): Promise<void> => {
  const names = watchedIntegrations();
  const batches: (() => Promise<unknown>)[] = [];
  for (let start = from; start < to; start += BATCH) {
    const events: CountableEvent[] = [];
    for (let i = start; i < Math.min(to, start + BATCH); i++) {
      const [direction, outcome] = OUTCOMES[i % OUTCOMES.length] ?? OUTCOMES[0];
      events.push({
        direction,
        outcome,
        source: names[i % names.length] ?? 'crm',
        // Batch by batch over the 24 hours (so even 1,000 events fill every bucket a run reads), a batch
        // within a moment as a stream batch is.
        received_at: new Date(now - ((start / BATCH) % 24) * 3_600_000 - (i - start) * 10).toISOString(),
        detail: outcome === 'retry' ? { status: 503 } : {},
      });
    }
    batches.push(() => countSyncEvents(events));
  }
  await runBurst(batches, SEED_CONCURRENCY);
};

const oneRun = async (): Promise<ReadCost & { status: string }> => {
  const meter = measured();
  try {
    const run = await runMonitor();
    return { ...meter.cost, status: run.status };
  } finally {
    meter.remove();
  }
};

const describeCalls = (cost: ReadCost): string =>
  Object.entries(cost.calls)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');

const monitorSuite: BenchSuite = {
  name: 'monitor',
  description: `Sync monitor: one run's reads with ${SMALL} and with ${LARGE} sync events counted (DynamoDB Local)`,
  needs: ['dynamodb', 'sqs'],
  run: async (context) => {
    const restore = setEnvironment({ SETTINGS_CACHE_SECONDS: '0', LOG_LEVEL: 'WARN', POWERTOOLS_LOG_LEVEL: 'WARN' });
    try {
      const now = Date.now();
      context.log(`monitor: counting ${SMALL} events`);
      await seed(0, SMALL, now);
      // One run first, so both measured runs find the monitor's state item, as every run but the first does.
      await runMonitor();
      const small = await oneRun();
      context.log(`monitor: counting ${LARGE - SMALL} more events`);
      const seedStarted = performance.now();
      await seed(SMALL, LARGE, now);
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      const large = await oneRun();
      const row = (label: string, events: number, cost: ReadCost & { status: string }): BenchRow[] => [
        {
          name: `read calls, ${label}`,
          value: (cost.calls.Query ?? 0) + (cost.calls.GetItem ?? 0),
          unit: 'calls',
          note: `${events} events counted; calls in the run: ${describeCalls(cost)}; status ${cost.status}`,
        },
        { name: `items read, ${label}`, value: cost.items, unit: 'items' },
        {
          name: `read capacity, ${label}`,
          value: cost.capacity,
          unit: 'RCU',
          note: 'as DynamoDB Local reports it (ReturnConsumedCapacity TOTAL)',
        },
      ];
      return [
        ...row('1,000 events', SMALL, small),
        ...row('100,000 events', LARGE, large),
        {
          name: 'counting throughput (batches of 25, as the sync-log writer)',
          value: (LARGE - SMALL) / seedSeconds,
          unit: 'events/s',
          note: `${LARGE - SMALL} events in ${seedSeconds.toFixed(1)} s, ${SEED_CONCURRENCY} batches in flight`,
        },
      ] satisfies BenchRow[];
    } finally {
      restore();
    }
  },
};

export { monitorSuite };
