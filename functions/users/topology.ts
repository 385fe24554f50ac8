import {
  type FunctionSpec,
  type TableSpec,
  type TopologyFragment,
  streamConsumerDefaults,
} from '../../lib/topology-spec.js';

/**
 * User sync's part of the topology: the directory of people and groups
 * (`users`), the SCIM 2.0 service provider identity providers push to
 * (`/scim/v2`, its own bearer token, so the routes are `public` to API
 * Gateway), and the follow-up stream consumer that logs each change. Plain data,
 * read by `lib/topology.ts`; no Lambda code imports it.
 */
const tables = {
  users: {
    description:
      'People and groups: one item per user and group (SCIM document, version), userName locks, group externalId and name lookups, one item per group member.',
    partitionKey: 'pk',
    sortKey: 'sk',
    stream: 'NEW_AND_OLD_IMAGES',
    indexes: [
      // Sparse: only listed users and groups carry resource_type, so lists never see lookups, members or deleted ones.
      { name: 'byType', partitionKey: 'resource_type', sortKey: 'listed_at' },
      // Sparse: member items only; the groups of a user.
      { name: 'byMember', partitionKey: 'member_user_id', sortKey: 'pk', include: ['group_id'] },
      // Sparse: future-dated HR changes only; the schedule's "what is due" is one Query (read again by key).
      { name: 'pendingByDue', partitionKey: 'due', sortKey: 'due_at', include: ['delivery_id'] },
      // Sparse: users and groups carrying an externalId (sk tells them apart); `externalId eq` is one Query, no
      // lookup item to write on a create. Eventually consistent: no uniqueness rests on it.
      { name: 'byExternalId', partitionKey: 'external_id', sortKey: 'sk', include: ['id'] },
      // Sparse: users with a work email; HR's match by work email, no lookup item to write on a create.
      { name: 'byWorkEmail', partitionKey: 'work_email_key', include: ['id'] },
    ],
  },
} as const satisfies Record<string, TableSpec>;

const scimRoutes = [
  ['GET', '/scim/v2/ServiceProviderConfig'],
  ['GET', '/scim/v2/ResourceTypes'],
  ['GET', '/scim/v2/ResourceTypes/{id}'],
  ['GET', '/scim/v2/Schemas'],
  ['GET', '/scim/v2/Schemas/{id}'],
  ['GET', '/scim/v2/Users'],
  ['POST', '/scim/v2/Users'],
  ['GET', '/scim/v2/Users/{id}'],
  ['PUT', '/scim/v2/Users/{id}'],
  ['PATCH', '/scim/v2/Users/{id}'],
  ['DELETE', '/scim/v2/Users/{id}'],
  ['GET', '/scim/v2/Groups'],
  ['POST', '/scim/v2/Groups'],
  ['GET', '/scim/v2/Groups/{id}'],
  ['PUT', '/scim/v2/Groups/{id}'],
  ['PATCH', '/scim/v2/Groups/{id}'],
  ['DELETE', '/scim/v2/Groups/{id}'],
] as const;

const functions = {
  scimApi: {
    description:
      'SCIM 2.0 service provider at /scim/v2 for Okta and Entra ID: Users, Groups, discovery; its own bearer token (SCIM_TOKEN).',
    entry: 'functions/users/scim-api/handler.ts',
    // Measured peak 83 MB, I/O-bound (`npm run bench -- memory`): 256 MB is above the rule's 1.5x peak plus the runtime's 50 MB.
    memoryMb: 256,
    // Okta waits 60 s; a 1,000-member PATCH is some 40 batch writes.
    timeoutSeconds: 29,
    tables: {
      users: ['BatchGetItem', 'BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
      // The kernel's sync-events module (carriedSyncEvent) also holds the direct log append and its counters;
      // the handler carries its events on the user item and never calls them, but the bundle holds them.
      syncLog: ['PutItem'],
      // GetItem: the run-time settings (user_field_owners) every user write reads.
      control: ['GetItem', 'UpdateItem'],
    },
    integrations: ['idp'],
  },
  usersFollowup: {
    description:
      'Stream consumer on users: the sync event each SCIM write carries, into the sync log and its counters.',
    entry: 'functions/users/followup/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: { syncLog: ['PutItem'], control: ['UpdateItem'] },
  },
  hrWebhook: {
    description:
      'POST /webhooks/hr: Standard Webhooks HR events (hire, update, terminate, rehire), applied once per webhook-id; future-dated ones stored as pending.',
    entry: 'functions/users/hr/handler.ts',
    // Measured peak 90 MB, I/O-bound (`npm run bench -- memory`): 256 MB is above the rule's 1.5x peak plus the runtime's 50 MB.
    memoryMb: 256,
    timeoutSeconds: 10,
    reservedConcurrency: 10,
    tables: {
      // A hire takes the userName lock (PutItem), then writes the user and its lookups in one TransactWriteItems:
      // each of its items is authorised by its own action.
      users: ['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
      idempotency: ['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'],
      syncLog: ['PutItem'],
      control: ['GetItem', 'UpdateItem'],
    },
    integrations: ['hr'],
  },
  usersHrScheduler: {
    description: 'Every 5 minutes: future-dated HR changes whose effective time has come, applied in date order.',
    entry: 'functions/users/hr/scheduler-handler.ts',
    memoryMb: 256,
    timeoutSeconds: 60,
    tables: {
      users: ['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
      syncLog: ['PutItem'],
      control: ['GetItem', 'UpdateItem'],
    },
  },
  usersAdmin: {
    description:
      'Admin API for people: GET /admin/users/{id} with field sources, pending HR changes and recent sync events.',
    entry: 'functions/users/admin/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { users: ['BatchGetItem', 'GetItem', 'Query'], syncLog: ['Query'] },
  },
  usersPush: {
    description:
      'Stream consumer on users: each change to a person or group queued for the downstream SCIM directory, when one is configured.',
    entry: 'functions/users/push/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    queues: { outbound: 'send' },
    // Read once per batch: not configured means the push is off and nothing is queued.
    integrations: ['directory'],
  },
} as const satisfies Record<string, FunctionSpec>;

export const usersTopology = {
  name: 'users',
  tables,
  functions,
  routes: [
    ...scimRoutes.map(([method, path]) => ({ method, path, function: 'scimApi', auth: 'public' }) as const),
    { method: 'POST', path: '/webhooks/hr', function: 'hrWebhook', auth: 'public' },
    { method: 'GET', path: '/admin/users/{id}', function: 'usersAdmin', auth: 'admin' },
  ],
  streamConsumers: [
    {
      ...streamConsumerDefaults,
      table: 'users',
      function: 'usersFollowup',
      // Users and groups written by SCIM carry an event; lookups and members carry none.
      filters: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { sync_event: { S: [{ exists: true }] } } } }],
    },
    {
      ...streamConsumerDefaults,
      table: 'users',
      function: 'usersPush',
      // Users and groups (their version moves on every change) and member items (a group's membership);
      // never lookups, pending changes or the directory links the push writes back (sk DIRECTORY).
      filters: [
        { eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: ['USER', 'GROUP'] } } } },
        { eventName: ['INSERT', 'REMOVE'], dynamodb: { Keys: { sk: { S: [{ prefix: 'member#' }] } } } },
      ],
    },
  ],
  schedules: [{ name: 'hr-effective-changes', function: 'usersHrScheduler', expression: 'cron(0/5 * * * ? *)' }],
} as const satisfies TopologyFragment;
