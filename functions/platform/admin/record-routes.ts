import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { HttpError, json } from '../../kernel/http/responses.js';
import { storableOr400 } from '../../kernel/http/storable.js';
import { writeLocalRecord } from '../../kernel/records/local-writes.js';
import { recordId, recordType } from '../../kernel/records/record.js';
import { findByExternalId, getRecord } from '../../kernel/records/record-reads.js';
import { listSyncEvents } from '../../kernel/sync-log/list-sync-events.js';
import { syncLogSubject } from '../../kernel/sync-log/sync-log-subject.js';
import * as z from '../../kernel/validation.js';
import { readJsonBody } from '../../kernel/http/json-body.js';
import type { AdminRoutes } from './admin-route.js';

/**
 * What an operator (or a test) needs to look into the store and to write a
 * local record as an internal app would: records and their sync events.
 * (Conflicts have their own tool and routes: `functions/conflicts/admin/`.)
 */
const required = z.string().check(z.minLength(1, 'is required'));
const typePath = z.object({ type: recordType });
const recordPath = z.object({ type: recordType, id: recordId });
const lookupQuery = z.object({ source: required, external_id: required });
const eventsQuery = z.object({ record_id: syncLogSubject });
const recordBody = z.record(z.string(), z.unknown());

const recordRoutes: AdminRoutes = {
  'GET /admin/records/{type}/{id}': async (event) => {
    const { type, id } = parseOr400(recordPath, event.pathParameters, 'path');
    const record = await getRecord(type, id);
    if (!record) throw new HttpError(404, `No ${type} with id ${id}`);
    return json(200, record);
  },
  'GET /admin/records/{type}': async (event) => {
    const { type } = parseOr400(typePath, event.pathParameters, 'path');
    const { source, external_id } = parseOr400(lookupQuery, event.queryStringParameters ?? {}, 'query');
    const record = await findByExternalId(type, source, external_id);
    return json(200, { items: record ? [record] : [] });
  },
  'PUT /admin/records/{type}/{id}': async (event) => {
    const { type, id } = parseOr400(recordPath, event.pathParameters, 'path');
    // Free-form data: a number a double would change has no exact home here (400 naming it; send it as a string).
    const data = storableOr400(parseOr400(recordBody, readJsonBody(event), 'body'), { what: 'body' });
    const record = await writeLocalRecord(type, id, data, 'local');
    return json(200, record);
  },
  'GET /admin/events': async (event) => {
    const { record_id } = parseOr400(eventsQuery, event.queryStringParameters ?? {}, 'query');
    return json(200, { items: await listSyncEvents(record_id) });
  },
};

export { recordRoutes };
