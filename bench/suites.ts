import type { BenchSuite } from './suite.js';
import { bulkSuite } from './suites/bulk.js';
import { bundleSizeSuite } from './suites/bundle-size.js';
import { conflictsSuite } from './suites/conflicts.js';
import { crmInboundSuite } from './suites/crm-inbound.js';
import { erpOrdersSuite } from './suites/erp-orders.js';
import { inventoryHotSkuSuite, inventorySpreadSuite } from './suites/inventory.js';
import { memorySuite } from './suites/memory.js';
import { moduleInitSuite } from './suites/module-init.js';
import { monitorSuite } from './suites/monitor.js';
import { scimCreateSuite, scimFilterSuite } from './suites/scim.js';
import { webhookThroughputSuite } from './suites/webhook-throughput.js';

/**
 * Every bench suite, in the order they run and print. Adding one is a module
 * under bench/suites/ exporting a {@link BenchSuite}, plus a line here; a
 * suite that needs DynamoDB Local, fauxqs or SES local says so in `needs`.
 */
export const suites: readonly BenchSuite[] = [
  bundleSizeSuite,
  moduleInitSuite,
  webhookThroughputSuite,
  inventoryHotSkuSuite,
  inventorySpreadSuite,
  crmInboundSuite,
  erpOrdersSuite,
  scimCreateSuite,
  scimFilterSuite,
  conflictsSuite,
  monitorSuite,
  bulkSuite,
  memorySuite,
];
