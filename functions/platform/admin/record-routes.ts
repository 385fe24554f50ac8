import { pageLimit } from '../../kernel/http/paging.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { HttpError, json } from '../../kernel/http/responses.js';
import { storableOr400 } from '../../kernel/http/storable.js';
import { writeLocalRecord } from '../../kernel/records/local-writes.js';
import { recordId, recordType } from '../../kernel/records/record.js';
import { recordDataSchema, unknownTypeProblem } from '../../kernel/records/record-fields.js';
import { decodeNext, listRecords } from '../../kernel/records/record-list.js';
import { findByExternalId, getRecord } from '../../kernel/records/record-reads.js';
import { recordView } from '../../kernel/records/record-view.js';
import { listSyncEvents } from '../../kernel/sync-log/list-sync-events.js';
import { syncLogSubject } from '../../kernel/sync-log/sync-log-subject.js';
import * as z from '../../kernel/validation.js';
import { readJsonBody } from '../../kernel/http/json-body.js';
import type { AdminRoutes } from './admin-route.js';

/**
 * What an operator (or a test) needs to look into the store and to write a
 * local record as an internal app would: records and their sync events.
 * (Conflicts have their own tool and routes: `functions/conflicts/admin/`.)
 *
 * Every record answer is the domain shape (`recordView`), never the stored
 * item. A record type must be one the store knows (`record-fields.ts`), and
 * a write's fields that type's fields, checked before anything is written.
 */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
/** A path's record type, known to the store: a typo answers 400 listing the known ones, not an empty 404. */
const knownType = z.lazy(() =>
  recordType.check(
    z.superRefine((type: string, ctx) => {
      const problem = unknownTypeProblem(type);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: type });
    }),
  ),
);
const required = z.lazy(() => z.string().check(z.minLength(1, 'is required')));
const typePath = z.lazy(() => z.object({ type: knownType }));
const recordPath = z.lazy(() => z.object({ type: knownType, id: recordId }));
const lookupQuery = z.lazy(() => z.strictObject({ source: required, external_id: required }));
const recordListQuery = z.lazy(() =>
  z.strictObject({
    limit: pageLimit(DEFAULT_LIMIT, MAX_LIMIT),
    next: z.optional(z.string().check(z.minLength(1, 'is required'), z.maxLength(2000))),
  }),
);
const eventsQuery = z.lazy(() => z.object({ record_id: syncLogSubject }));
const recordBody = z.lazy(() => z.record(z.string(), z.unknown()));

/** A lookup by external id when either of its parameters is given; a listing otherwise. */
const isLookup = (query: Record<string, string | undefined>): boolean =>
  query.source !== undefined || query.external_id !== undefined;

const recordRoutes: AdminRoutes = {
  'GET /admin/records/{type}/{id}': async (event) => {
    const { type, id } = parseOr400(recordPath, event.pathParameters, 'path');
    const record = await getRecord(type, id);
    if (!record) throw new HttpError(404, `No ${type} with id ${id}`);
    return json(200, recordView(record));
  },
  'GET /admin/records/{type}': async (event) => {
    const { type } = parseOr400(typePath, event.pathParameters, 'path');
    const query = event.queryStringParameters ?? {};
    if (isLookup(query)) {
      const { source, external_id } = parseOr400(lookupQuery, query, 'query');
      const record = await findByExternalId(type, source, external_id);
      return json(200, { items: record ? [recordView(record)] : [] });
    }
    const { limit, next } = parseOr400(recordListQuery, query, 'query');
    const after = next === undefined ? undefined : decodeNext(next, type);
    if (next !== undefined && !after) {
      throw new HttpError(400, `Invalid query: next: is not a token this API gave out for ${type}`);
    }
    const page = await listRecords(type, limit, after);
    return json(200, { items: page.items.map(recordView), ...(page.next ? { next: page.next } : {}) });
  },
  'PUT /admin/records/{type}/{id}': async (event) => {
    const { type, id } = parseOr400(recordPath, event.pathParameters, 'path');
    // Free-form data: a number a double would change has no exact home here (400 naming it; send it as a string).
    const data = storableOr400(parseOr400(recordBody, readJsonBody(event), 'body'), { what: 'body' });
    // The type's fields only, each of its type, at least one: nothing is written on a 400.
    parseOr400(recordDataSchema(type) as z.Schema, data, 'body');
    // The body replaces the record's data (a field left out is gone), as a local app's write does.
    const record = await writeLocalRecord(type, id, data, 'local');
    return json(200, recordView(record));
  },
  'GET /admin/events': async (event) => {
    const { record_id } = parseOr400(eventsQuery, event.queryStringParameters ?? {}, 'query');
    return json(200, { items: await listSyncEvents(record_id) });
  },
};

export { recordRoutes, typePath, recordPath, lookupQuery, recordListQuery, eventsQuery, recordBody };
