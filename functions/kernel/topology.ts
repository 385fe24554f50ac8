import type { QueueSpec, TableSpec, TopologyFragment } from '../../lib/topology-spec.js';
import { integrations } from './wiring/integrations.js';

/**
 * The kernel's part of the topology: the tables and queues that two or more
 * tools share (records, the sync log, idempotency claims, conflicts, the
 * outbound queue and the stream-failures queue) and every integration.
 * Plain data, read by `lib/topology.ts`; no Lambda code imports it.
 */
const tables = {
  records: {
    description: 'Local copies of business records (contacts, accounts, opportunities, products), one item per record.',
    partitionKey: 'pk',
    stream: 'NEW_AND_OLD_IMAGES',
    // A vendor id finds our record by one GetItem on its derived key (the record, or an alias
    // to a linked local record: see records/record.ts), so the first index is for linking by email
    // or name; sparse (local records only) and narrow, so a write to a record the vendor created
    // costs no index write, and readers take the id and re-read the record.
    indexes: [
      // `{type}#{match field}#{value}`, only on local records.
      { name: 'byMatchKey', partitionKey: 'match_key', include: ['record_id', 'external_id', 'deleted_at'] },
      // The admin API's listing of one type, in record id order (kernel/records/record-list.ts). Both keys
      // never change, so the index is written once per record, at its creation; an alias has no
      // `record_type` and stays out. `deleted_at` is the narrowest projection the spec allows (INCLUDE
      // needs an attribute; the listing reads each record by key) and changes only on a delete.
      { name: 'byType', partitionKey: 'record_type', sortKey: 'record_id', include: ['deleted_at'] },
    ],
  },
  syncLog: {
    description:
      'Sync events (every inbound and outbound attempt) and outbound delivery attempts, expiring after 30 days.',
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expires_at',
  },
  idempotency: {
    description: 'Delivery-id claims that make redelivered webhooks and messages take effect once.',
    partitionKey: 'pk',
    ttlAttribute: 'expires_at',
  },
  conflicts: {
    description: 'Conflicts between a local change and a remote one, with local, remote and base data.',
    partitionKey: 'pk',
    indexes: [{ name: 'byStatus', partitionKey: 'status', sortKey: 'created_at' }],
  },
  control: {
    description:
      'Run-time settings (editable without a redeploy) with the audit trail of every change, and the runs of each schedule.',
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expires_at',
  },
} as const satisfies Record<string, TableSpec>;

const queues = {
  outbound: {
    description:
      'Calls to other systems (CRM, ERP, shop, POS, WMS, Slack, PagerDuty, mail), one message group per target record.',
    fifo: true,
    // 6x the dispatcher's timeout, as AWS advises; retries set their own delay.
    visibilityTimeoutSeconds: 360,
    // A backstop for crash loops only (a dispatcher that dies or times out before it answers): the
    // dispatcher counts failures itself and dead-letters with the cause after 8, while rate-limit
    // waits spend receives but no failures. One message spends at most ~115 receives on its own
    // (8 failures, and 24 h of rate limits at >= 15 min a wait after the first 10: retry-plan.ts),
    // and one queued behind it in its group, handed back with it, at most as many; 500 leaves room
    // for four such in a row. A crash loop reaches it after 500 x 360 s, about 2 days, well within
    // the 14 days' retention.
    maxReceiveCount: 500,
    retentionDays: 14,
  },
  streamFailures: {
    description: 'On-failure destination of every stream consumer: batches whose retries are spent.',
    fifo: false,
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 5,
    retentionDays: 14,
  },
} as const satisfies Record<string, QueueSpec>;

export const kernelTopology = { name: 'kernel', tables, queues, integrations } as const satisfies TopologyFragment;
