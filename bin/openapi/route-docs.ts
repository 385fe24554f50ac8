import { bulkListQuery, errorsQuery } from '../../functions/bulk/admin/bulk-admin-api.js';
import { startBody } from '../../functions/bulk/admin/start-job.js';
import {
  conflictIdPath,
  conflictsListQuery,
  resolveBody,
} from '../../functions/conflicts/admin/conflicts-admin-api.js';
import { crmChangeEvent } from '../../functions/crm/inbound/receive-change.js';
import { entityPath, orderPath } from '../../functions/erp/admin/erp-admin-api.js';
import { stockPath, transactionsQuery } from '../../functions/inventory/admin/inventory-admin-api.js';
import { erpEnvelope } from '../../functions/kernel/erp/erp-events.js';
import { settingsUpdateSchema } from '../../functions/kernel/settings/settings-schema.js';
import { inventoryAdjustment } from '../../functions/kernel/stock/adjustment.js';
import type { Schema } from '../../functions/kernel/validation.js';
import { healthHistoryQuery } from '../../functions/monitor/admin/health-admin-api.js';
import { dlqListQuery, redriveBody } from '../../functions/platform/admin/dlq-routes.js';
import {
  eventsQuery,
  lookupQuery,
  recordBody,
  recordListQuery,
  recordPath,
  typePath,
} from '../../functions/platform/admin/record-routes.js';
import { runPath } from '../../functions/platform/admin/schedule-routes.js';
import { settingsHistoryQuery } from '../../functions/platform/admin/settings-routes.js';
import { hrEventSchema } from '../../functions/users/domain/hr-event.js';
import { scimListQuery } from '../../functions/users/scim-api/list-query.js';
import { groupBody, userBody } from '../../functions/users/scim-api/resource-bodies.js';

/** Who may call a route, as the OpenAPI security scheme that says so (`none`: anyone). */
export type RouteSecurity = 'adminBearer' | 'standardWebhooks' | 'erpApiKey' | 'scimBearer' | 'none';

/** A request body: the very zod schema the handler parses with, under a component name; or free-form, said why. */
export type BodyDoc =
  | { readonly name: string; readonly schema: Schema; readonly contentType?: string }
  | { readonly freeForm: string; readonly contentType?: string };

/** What the OpenAPI description says of one route beyond its method, path and tag. */
export interface RouteDoc {
  readonly summary: string;
  /** Behaviour worth knowing; where an input has no schema, said here. */
  readonly description?: string;
  readonly security: RouteSecurity;
  /** The handler's path-parameter schema; without it every `{name}` is a plain string. */
  readonly path?: Schema;
  /** The handler's query schema; several when it parses one of several shapes (a name is required if all require it). */
  readonly query?: Schema | readonly Schema[];
  readonly body?: BodyDoc;
  /** The success answer: status, what it holds, its media type when not JSON, and its JSON Schema where cheap to state. */
  readonly ok: {
    readonly status: number;
    readonly description: string;
    readonly contentType?: string;
    readonly schema?: Readonly<Record<string, unknown>>;
  };
  /** The refusals worth naming (401/403 of the security scheme are added for it). */
  readonly errors: readonly number[];
}

const webhook = (summary: string, name: string, schema: Schema, security: RouteSecurity): RouteDoc => ({
  summary,
  description:
    'Raw body -> signature -> JSON -> schema -> delivery id -> domain, each refusal before anything is written. ' +
    'A redelivery of the same delivery id is answered from the first run; a copy arriving while the first still runs ' +
    'gets 409 with `Retry-After`. An integration with no secret configured answers 503.',
  security,
  body: { name, schema },
  ok: { status: 200, description: 'Accepted (or already accepted: the first answer, replayed).' },
  errors: [400, 409, 413, 503],
});

const scim = (summary: string, extra: Partial<RouteDoc> = {}): RouteDoc => ({
  summary,
  security: 'scimBearer',
  ok: { status: 200, description: 'A SCIM document.', contentType: 'application/scim+json' },
  errors: [400, 404],
  ...extra,
});

/** `{items, next?}`: the page every admin list answers with; items described by the route. */
const page = (next?: 'next' | 'cursor') => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: { type: 'object' } },
    ...(next === undefined ? {} : { [next]: { type: 'string', description: 'Pass back to read the next page.' } }),
  },
  required: ['items'],
});

const SCIM_PATCH: BodyDoc = {
  freeForm:
    'A SCIM PatchOp (RFC 7644 3.5.2): `{schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [...]}`; ' +
    'checked operation by operation in code, not by a schema.',
  contentType: 'application/scim+json',
};

/**
 * The OpenAPI side of every HTTP route, keyed `METHOD path` exactly as the
 * topology declares it. It lives outside `lib/` because it imports the
 * handlers' own zod schemas (so the description cannot drift from what is
 * parsed), and outside `functions/` so no Lambda bundle holds it. The
 * generator refuses a topology route missing here and an entry here that no
 * route has.
 *
 * @example
 * const doc = routeDocs['POST /admin/dlq/redrive']; // { summary: 'Redrive dead letters', ... }
 */
const routeDocs: Readonly<Record<string, RouteDoc>> = {
  'GET /health': {
    summary: 'Liveness',
    description: 'No input. Answers while the API and its Lambda run; says nothing of the integrations.',
    security: 'none',
    ok: {
      status: 200,
      description: 'Up.',
      schema: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] },
    },
    errors: [],
  },
  'GET /admin/records/{type}/{id}': {
    summary: 'Read a record',
    security: 'adminBearer',
    path: recordPath,
    ok: { status: 200, description: 'The record with its version.' },
    errors: [400, 404],
  },
  'PUT /admin/records/{type}/{id}': {
    summary: 'Write a record',
    description:
      'The body replaces the record data: the fields of its type, each of its type (checked per type in code). A record that is an alias answers 409.',
    security: 'adminBearer',
    path: recordPath,
    body: { name: 'RecordData', schema: recordBody },
    ok: { status: 200, description: 'The record as stored.' },
    errors: [400, 409, 413],
  },
  'GET /admin/records/{type}': {
    summary: 'List records of a type, or find one by its id in a source system',
    description:
      'With `source` or `external_id`, a lookup (both required): `items` holds the record they map to, or nothing. ' +
      'Without, a page of records: `limit`, and `next` from the previous page.',
    security: 'adminBearer',
    path: typePath,
    query: [lookupQuery, recordListQuery],
    ok: { status: 200, description: 'Records of the type, or the one looked up.', schema: page('next') },
    errors: [400],
  },
  'GET /admin/events': {
    summary: 'Sync log of a record',
    security: 'adminBearer',
    query: eventsQuery,
    ok: { status: 200, description: 'The sync events of the record, newest first.', schema: page() },
    errors: [400],
  },
  'GET /admin/settings': {
    summary: 'Read the run-time settings',
    security: 'adminBearer',
    ok: { status: 200, description: 'Every setting with its value and version.' },
    errors: [],
  },
  'PUT /admin/settings': {
    summary: 'Change run-time settings',
    description:
      'Only the keys sent change; each write is conditional on the version read, so a concurrent edit answers 409.',
    security: 'adminBearer',
    body: { name: 'SettingsUpdate', schema: settingsUpdateSchema },
    ok: { status: 200, description: 'The settings after the change.' },
    errors: [400, 409],
  },
  'GET /admin/settings/history': {
    summary: 'Audit trail of settings changes',
    security: 'adminBearer',
    query: settingsHistoryQuery,
    ok: { status: 200, description: 'Changes, newest first, with a `cursor` for the next page.' },
    errors: [400],
  },
  'GET /admin/schedules': {
    summary: 'List the schedules',
    security: 'adminBearer',
    ok: { status: 200, description: 'Each schedule with its expression, function and last run.', schema: page() },
    errors: [],
  },
  'POST /admin/schedules/{name}/run': {
    summary: 'Run a schedule now',
    security: 'adminBearer',
    path: runPath,
    ok: {
      status: 202,
      description: 'The run was started.',
      schema: {
        type: 'object',
        properties: { run_id: { type: 'string' }, schedule: { type: 'string' } },
        required: ['run_id', 'schedule'],
      },
    },
    errors: [400, 404],
  },
  'GET /admin/dlq': {
    summary: 'Peek into the dead-letter queues',
    security: 'adminBearer',
    query: dlqListQuery,
    ok: { status: 200, description: 'Messages waiting, without taking them off the queue.' },
    errors: [400],
  },
  'POST /admin/dlq/redrive': {
    summary: 'Redrive dead letters',
    description: 'The body may be empty (every message of the outbound DLQ).',
    security: 'adminBearer',
    body: { name: 'RedriveRequest', schema: redriveBody },
    ok: { status: 200, description: 'How many were sent back, and a `before` to pass on the next call.' },
    errors: [400],
  },
  'POST /webhooks/crm': webhook('Receive a CRM change', 'CrmChangeEvent', crmChangeEvent, 'standardWebhooks'),
  'POST /webhooks/inventory': webhook(
    'Receive a stock adjustment',
    'InventoryAdjustment',
    inventoryAdjustment,
    'standardWebhooks',
  ),
  'GET /admin/inventory/{sku}/{warehouse}': {
    summary: 'Stock level of a SKU in a warehouse',
    security: 'adminBearer',
    path: stockPath,
    ok: { status: 200, description: 'The stock item.' },
    errors: [400, 404],
  },
  'GET /admin/inventory/{sku}/{warehouse}/transactions': {
    summary: 'Stock movements of a SKU in a warehouse',
    security: 'adminBearer',
    path: stockPath,
    query: transactionsQuery,
    ok: {
      status: 200,
      description:
        'Movements, oldest first (in the order applied), with a `cursor` for the next page; `catching_up` names the first version the ledger does not hold yet when it is still behind the stock after 5 s.',
    },
    errors: [400, 404],
  },
  'POST /webhooks/erp': webhook('Receive an ERP event', 'ErpEnvelope', erpEnvelope, 'erpApiKey'),
  'GET /admin/orders/{orderId}': {
    summary: 'An ERP sales order with its follow-ups',
    security: 'adminBearer',
    path: orderPath,
    ok: { status: 200, description: 'The order as synced.' },
    errors: [400, 404],
  },
  'GET /admin/erp/{entity}/{id}': {
    summary: 'An ERP entity as synced',
    security: 'adminBearer',
    path: entityPath,
    ok: { status: 200, description: 'The entity.' },
    errors: [400, 404],
  },
  'GET /admin/conflicts': {
    summary: 'List conflicts',
    security: 'adminBearer',
    query: conflictsListQuery,
    ok: { status: 200, description: 'Conflicts of the status asked, with a `cursor` for the next page.' },
    errors: [400],
  },
  'GET /admin/conflicts/{id}': {
    summary: 'Read a conflict',
    security: 'adminBearer',
    path: conflictIdPath,
    ok: { status: 200, description: 'The conflict with both sides.' },
    errors: [400, 404],
  },
  'POST /admin/conflicts/{id}/resolve': {
    summary: 'Resolve a conflict',
    description: 'A winner for the whole record, or a choice per field; `record_version` makes it conditional (409).',
    security: 'adminBearer',
    path: conflictIdPath,
    body: { name: 'ConflictResolution', schema: resolveBody },
    ok: { status: 200, description: 'The resolved conflict.' },
    errors: [400, 404, 409],
  },
  'GET /console': {
    summary: 'The operator console page',
    description: 'No input; the page asks for the admin token itself.',
    security: 'none',
    ok: { status: 200, description: 'HTML.', contentType: 'text/html' },
    errors: [],
  },
  'GET /console/{asset}': {
    summary: 'A console asset',
    description: 'The asset name is matched against the bundled assets, not a schema.',
    security: 'none',
    ok: { status: 200, description: 'The asset.', contentType: 'application/octet-stream' },
    errors: [404],
  },
  'GET /admin/health': {
    summary: 'Integration health now',
    security: 'adminBearer',
    ok: { status: 200, description: 'Each integration with its lag and state.' },
    errors: [],
  },
  'GET /admin/health/history': {
    summary: 'Integration health over time',
    security: 'adminBearer',
    query: healthHistoryQuery,
    ok: { status: 200, description: 'Health checks since the time asked.' },
    errors: [400],
  },
  'GET /scim/v2/ServiceProviderConfig': scim('SCIM service provider configuration', { errors: [] }),
  'GET /scim/v2/ResourceTypes': scim('SCIM resource types', { errors: [] }),
  'GET /scim/v2/ResourceTypes/{id}': scim('A SCIM resource type', { errors: [404] }),
  'GET /scim/v2/Schemas': scim('SCIM schemas', { errors: [] }),
  'GET /scim/v2/Schemas/{id}': scim('A SCIM schema', { errors: [404] }),
  'GET /scim/v2/Users': scim('List or filter users', { query: scimListQuery, errors: [400] }),
  'POST /scim/v2/Users': scim('Create a user', {
    body: { name: 'ScimUser', schema: userBody, contentType: 'application/scim+json' },
    ok: { status: 201, description: 'The user created.', contentType: 'application/scim+json' },
    errors: [400, 409],
  }),
  'GET /scim/v2/Users/{id}': scim('Read a user'),
  'PUT /scim/v2/Users/{id}': scim('Replace a user', {
    body: { name: 'ScimUser', schema: userBody, contentType: 'application/scim+json' },
    errors: [400, 404, 409],
  }),
  'PATCH /scim/v2/Users/{id}': scim('Patch a user', { body: SCIM_PATCH, errors: [400, 404, 409] }),
  'DELETE /scim/v2/Users/{id}': scim('Delete a user', {
    ok: { status: 204, description: 'Deleted.' },
    errors: [404],
  }),
  'GET /scim/v2/Groups': scim('List or filter groups', { query: scimListQuery, errors: [400] }),
  'POST /scim/v2/Groups': scim('Create a group', {
    body: { name: 'ScimGroup', schema: groupBody, contentType: 'application/scim+json' },
    ok: { status: 201, description: 'The group created.', contentType: 'application/scim+json' },
    errors: [400, 409],
  }),
  'GET /scim/v2/Groups/{id}': scim('Read a group'),
  'PUT /scim/v2/Groups/{id}': scim('Replace a group', {
    body: { name: 'ScimGroup', schema: groupBody, contentType: 'application/scim+json' },
    errors: [400, 404, 409],
  }),
  'PATCH /scim/v2/Groups/{id}': scim('Patch a group', {
    description: 'Answers 204, not the group: a group of thousands is not sent back for each member added.',
    body: SCIM_PATCH,
    ok: { status: 204, description: 'Patched.' },
    errors: [400, 404, 409],
  }),
  'DELETE /scim/v2/Groups/{id}': scim('Delete a group', {
    ok: { status: 204, description: 'Deleted.' },
    errors: [404],
  }),
  'POST /webhooks/hr': webhook('Receive an HR event', 'HrEvent', hrEventSchema, 'standardWebhooks'),
  'GET /admin/users/{id}': {
    summary: 'A user with its field owners',
    description: 'The path id is read as given, not schema-checked; an unknown id answers 404.',
    security: 'adminBearer',
    ok: { status: 200, description: 'The user.' },
    errors: [404],
  },
  'POST /admin/bulk-jobs': {
    summary: 'Start a bulk sync job',
    security: 'adminBearer',
    body: { name: 'BulkJobRequest', schema: startBody },
    ok: { status: 202, description: 'The job, queued.' },
    errors: [400, 409],
  },
  'POST /bulk-sync': {
    summary: 'Start a bulk sync job (alias of POST /admin/bulk-jobs)',
    security: 'adminBearer',
    body: { name: 'BulkJobRequest', schema: startBody },
    ok: { status: 202, description: 'The job, queued.' },
    errors: [400, 409],
  },
  'GET /admin/bulk-jobs': {
    summary: 'List bulk jobs',
    security: 'adminBearer',
    query: bulkListQuery,
    ok: { status: 200, description: 'Jobs, newest first.', schema: page() },
    errors: [400],
  },
  'GET /admin/bulk-jobs/{id}': {
    summary: 'A bulk job with its progress',
    security: 'adminBearer',
    ok: { status: 200, description: 'The job.' },
    errors: [404],
  },
  'GET /admin/bulk-jobs/{id}/errors': {
    summary: 'The failed items of a bulk job',
    security: 'adminBearer',
    query: errorsQuery,
    ok: { status: 200, description: 'Failed items, as JSON or (`format=csv`) CSV.' },
    errors: [400, 404],
  },
  'POST /admin/bulk-jobs/{id}/pause': {
    summary: 'Pause a bulk job',
    security: 'adminBearer',
    ok: { status: 200, description: 'The job, paused.' },
    errors: [404, 409],
  },
  'POST /admin/bulk-jobs/{id}/resume': {
    summary: 'Resume a bulk job',
    security: 'adminBearer',
    ok: { status: 200, description: 'The job, running again.' },
    errors: [404, 409],
  },
  'POST /admin/bulk-jobs/{id}/cancel': {
    summary: 'Cancel a bulk job',
    security: 'adminBearer',
    ok: { status: 200, description: 'The job, cancelled.' },
    errors: [404, 409],
  },
};

export { routeDocs };
