import type { OfflinePlan, PlannedTable } from '../../local/plan.js';

/**
 * An offline plan holding one table and nothing else, for tests of how
 * `provisionResources` creates or keeps a table.
 *
 * @example
 * await provisionResources(planWithTable(records), options);
 */
const planWithTable = (table: PlannedTable): OfflinePlan =>
  ({
    tables: [table],
    queues: [],
    functions: [],
    routes: [],
    streamConsumers: [],
    queueConsumers: [],
    schedules: [],
  }) as unknown as OfflinePlan;

export { planWithTable };
