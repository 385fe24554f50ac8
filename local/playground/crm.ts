import { badField, bearerRefusal, noRoute, objectBody, offsetPage, urlOf } from './answers.js';
import type { FakeAnswer, RecordedRequest } from './fake-http-server.js';
import type { PlaygroundContext, PlaygroundSystem } from './playground-system.js';

/**
 * The CRM, as `functions/crm/outbound/` and the bulk CRM source call it:
 * `POST /api/{contacts|accounts|opportunities}` creates and answers 201
 * with the new `id`; `GET`, `PUT` and `PATCH /api/{collection}/{id}` read,
 * replace and merge; `GET /api/{collection}` lists with offset paging
 * (`limit`, `offset`, `updated_since`; `data`, `has_more`, `total`) so a
 * bulk load from it finds what was pushed. Bearer `CRM_API_KEY`.
 *
 * A PUT to an id it never saw stores the contact under that id: a contact
 * sent in with `npm run send -- crm created contact 003A ...` claims to come
 * from this CRM, so the CRM "has" it when an edit is pushed back.
 */
const COLLECTIONS = new Set(['contacts', 'accounts', 'opportunities']);
const ROUTE = /^\/api\/([a-z]+)(?:\/([^/]+))?$/;

type StoredRecord = Record<string, unknown> & { id: string; createdAt: string; updatedAt: string };

const emailProblem = (body: Record<string, unknown>): FakeAnswer | undefined =>
  body.email === undefined || (typeof body.email === 'string' && /^[^@\s]+@[^@\s]+$/.test(body.email))
    ? undefined
    : badField('email', 'must be an email address');

const crmResponder = ({ env, now }: PlaygroundContext) => {
  const collections = new Map<string, Map<string, StoredRecord>>();
  let created = 0;
  const collection = (name: string): Map<string, StoredRecord> => {
    const existing = collections.get(name);
    if (existing) return existing;
    const fresh = new Map<string, StoredRecord>();
    collections.set(name, fresh);
    return fresh;
  };

  const write = (request: RecordedRequest, name: string, id: string | undefined): FakeAnswer => {
    const body = objectBody(request);
    if (!body) return badField('body', 'must be a JSON object');
    const invalid = emailProblem(body);
    if (invalid) return invalid;
    const records = collection(name);
    const stamp = now().toISOString();
    if (id === undefined) {
      created += 1;
      const newId = `pg-${name.slice(0, 3)}-${String(created).padStart(4, '0')}`;
      const record: StoredRecord = { ...body, id: newId, createdAt: stamp, updatedAt: stamp };
      records.set(newId, record);
      return { status: 201, body: record };
    }
    const existing = records.get(id);
    if (request.method === 'PATCH' && !existing) return { status: 404, body: { error: 'not_found', id } };
    const base = request.method === 'PATCH' ? existing : {};
    const record: StoredRecord = {
      ...base,
      ...body,
      id,
      createdAt: existing?.createdAt ?? stamp,
      updatedAt: stamp,
    };
    records.set(id, record);
    return { status: 200, body: record };
  };

  return (request: RecordedRequest): FakeAnswer => {
    const refused = bearerRefusal(request, env.CRM_API_KEY);
    if (refused) return refused;
    const url = urlOf(request);
    const match = ROUTE.exec(url.pathname);
    const name = match?.[1];
    if (!match || !name || !COLLECTIONS.has(name)) return noRoute(request);
    const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    if (id === undefined) {
      if (request.method === 'GET')
        return { status: 200, body: offsetPage([...collection(name).values()], url, 'updated_since') };
      if (request.method === 'POST') return write(request, name, undefined);
      return noRoute(request);
    }
    if (request.method === 'GET') {
      const record = collection(name).get(id);
      return record ? { status: 200, body: record } : { status: 404, body: { error: 'not_found', id } };
    }
    if (request.method === 'PUT' || request.method === 'PATCH') return write(request, name, id);
    if (request.method === 'DELETE') {
      return collection(name).delete(id) ? { status: 204 } : { status: 404, body: { error: 'not_found', id } };
    }
    return noRoute(request);
  };
};

/**
 * @example
 * const answer = crmPlayground.responder({ env: { CRM_API_KEY: 'k' }, now: () => new Date() })(request);
 */
const crmPlayground: PlaygroundSystem = { name: 'crm', urlSetting: 'CRM_API_URL', responder: crmResponder };

export { crmPlayground };
