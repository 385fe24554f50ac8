import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Conflict } from '../../kernel/conflicts/conflict-store.js';
import { opaqueCursor, pageLimit } from '../../kernel/http/paging.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { readJsonBody } from '../../kernel/http/json-body.js';
import { HttpError, json } from '../../kernel/http/responses.js';
import { storableOr400 } from '../../kernel/http/storable.js';
import type { StoredRecord } from '../../kernel/records/record.js';
import { getRecord } from '../../kernel/records/record-reads.js';
import * as z from '../../kernel/validation.js';
import { ChoiceError, type ManualChoice, manualResolution } from '../domain/manual-choice.js';
import { isOpen, liveConflicts, sidesOf } from '../resolver/record-conflicts.js';
import { resolveRecord } from '../resolver/resolve-record.js';
import { getConflict, listConflictPage } from '../store/conflict-reads.js';

/**
 * The conflicts admin API, behind the admin authorizer: list conflicts by
 * status (paged), look at one field by field, and resolve one by hand.
 *
 * A manual resolution is applied exactly as the resolver applies its own
 * (see `resolve-record.ts`), with `resolution_type: manual` and
 * `resolved_by: admin` (the admin token names no person). It holds only for
 * the record as this request read it (or as `record_version` says the
 * caller read it): when the record or the conflict moved on, the answer is
 * 409 naming what changed, and nothing is written.
 */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/** Who resolves by hand: the admin API has one shared token, so a request names no person. */
const RESOLVER = 'admin';

// Built on the first parse, not at import: a cold start should not pay for
// schemas its first request may never use (issue 15); z.lazy keeps each one schema.
const conflictId = () =>
  z.string().check(z.minLength(1), z.maxLength(300), z.regex(/^[A-Za-z0-9._:@+#-]+$/, 'is not a conflict id'));
const listQuery = z.lazy(() =>
  z.object({
    status: z._default(z.enum(['pending', 'resolved', 'escalated']), 'pending'),
    limit: pageLimit(DEFAULT_LIMIT, MAX_LIMIT),
    cursor: z.optional(z.string().check(z.maxLength(1000))),
  }),
);
const idPath = z.lazy(() => z.object({ id: conflictId() }));
const fieldChoice = () => z.union([z.enum(['local', 'remote']), z.strictObject({ value: z.unknown() })]);
const resolveBody = z.lazy(() =>
  z.union([
    z.strictObject({ winner: z.enum(['local', 'remote']), record_version: z.optional(z.int()) }),
    z.strictObject({ fields: z.record(z.string(), fieldChoice()), record_version: z.optional(z.int()) }),
  ]),
);

/** The cursor is the index position of the last conflict served. */
const isPosition = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  Object.entries(value).every(([key, v]) => ['pk', 'status', 'created_at'].includes(key) && typeof v === 'string');
const pageCursor = opaqueCursor('k', isPosition);

/** The record's open conflicts this request can see: the one asked about and the record's newest. */
const openConflictsOf = async (record: StoredRecord, conflict: Conflict): Promise<Conflict[]> => {
  const newest =
    record.conflict_id && record.conflict_id !== conflict.conflict_id
      ? await getConflict(record.conflict_id)
      : undefined;
  return [conflict, ...(newest && isOpen(newest) ? [newest] : [])].sort((a, b) =>
    a.created_at.localeCompare(b.created_at),
  );
};

const readConflict = async (id: string): Promise<Conflict> => {
  const conflict = await getConflict(id);
  if (!conflict) throw new HttpError(404, `No conflict ${id}`);
  return conflict;
};

/** What moved between the read and the write, for the 409. */
const movedSince = (read: StoredRecord, current: StoredRecord | undefined): string[] => {
  if (!current) return ['the record is gone'];
  const moved: string[] = [];
  if (current.version !== read.version) moved.push(`version ${read.version} -> ${current.version} (a local change)`);
  if (current.remote_updated_at !== read.remote_updated_at)
    moved.push(`remote change ${read.remote_updated_at ?? '(none)'} -> ${current.remote_updated_at ?? '(none)'}`);
  if (current.conflict_id !== read.conflict_id)
    moved.push(`open conflict ${read.conflict_id ?? '(none)'} -> ${current.conflict_id ?? '(none)'}`);
  return moved;
};

const routes: Record<string, (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>> = {
  'GET /admin/conflicts': async (event) => {
    const { status, limit, cursor } = parseOr400(listQuery, event.queryStringParameters ?? {}, 'query');
    const after = cursor === undefined ? undefined : pageCursor.decode(cursor);
    const page = await listConflictPage(status, { limit, ...(after ? { after } : {}) });
    return json(200, {
      items: page.items,
      ...(page.next ? { cursor: pageCursor.encode(page.next as Record<string, string>) } : {}),
    });
  },
  'GET /admin/conflicts/{id}': async (event) => {
    const { id } = parseOr400(idPath, event.pathParameters, 'path');
    const conflict = await readConflict(id);
    const record = await getRecord(conflict.record_type, conflict.record_id);
    if (!record) return json(200, { conflict, record: null, fields: [] });
    const { live } = liveConflicts(record, await openConflictsOf(record, conflict));
    const sides = sidesOf(record, live.length > 0 ? live : [conflict]);
    return json(200, {
      conflict,
      record,
      open_conflicts: live.map((c) => c.conflict_id),
      fields: sides.fields.map((view) => ({
        field: view.field,
        base: view.base ?? null,
        local: view.local ?? null,
        remote: view.remote ?? null,
        changed_by_local: ['local', 'both-same', 'overlap'].includes(view.change),
        changed_by_remote: ['remote', 'both-same', 'overlap'].includes(view.change),
        overlap: view.change === 'overlap',
      })),
    });
  },
  'POST /admin/conflicts/{id}/resolve': async (event) => {
    const { id } = parseOr400(idPath, event.pathParameters, 'path');
    // A chosen `{value}` is written into the record as given: checked as it will be stored.
    const { record_version, ...choice } = storableOr400(parseOr400(resolveBody, readJsonBody(event), 'body'), {
      what: 'body',
    });
    const conflict = await readConflict(id);
    if (!isOpen(conflict)) {
      throw new HttpError(
        409,
        `Conflict ${id} is ${conflict.status} already (${conflict.resolution_type ?? ''} ${conflict.resolved_at ?? ''})`.trim(),
      );
    }
    const record = await getRecord(conflict.record_type, conflict.record_id);
    const group = {
      recordType: conflict.record_type,
      recordId: conflict.record_id,
      conflicts: record ? await openConflictsOf(record, conflict) : [conflict],
    };
    let outcome: Awaited<ReturnType<typeof resolveRecord>>;
    try {
      outcome = await resolveRecord(
        group,
        (sides) => manualResolution(sides.fields, choice as ManualChoice, sides.case.local, sides.case.remote),
        {
          type: 'manual',
          onMoved: 'report',
          resolvedBy: RESOLVER,
          ...(record_version === undefined ? {} : { expectVersion: record_version }),
        },
      );
    } catch (error) {
      if (error instanceof ChoiceError) throw new HttpError(400, `Invalid body: fields: ${error.message}`);
      throw error;
    }
    switch (outcome.kind) {
      case 'moved':
        throw new HttpError(
          409,
          `The record moved on since it was read: ${movedSince(outcome.read, outcome.record).join('; ')}`,
        );
      case 'folded':
        throw new HttpError(409, `Conflict ${id} was settled by an earlier resolution of its record`);
      case 'resolved':
        return json(200, {
          conflict_id: id,
          status: 'resolved',
          winner: outcome.resolution.winner,
          values: outcome.resolution.values,
          pushed: outcome.pushed,
          resolved: outcome.conflicts.map((c) => c.conflict_id),
        });
      default:
        return json(200, { conflict_id: id, status: 'resolved', settled: true });
    }
  },
};

/**
 * Routes a conflicts admin request by its API Gateway route key.
 *
 * @example
 * await handleConflictsAdmin({ routeKey: 'GET /admin/conflicts/{id}', pathParameters: { id }, ... });
 */
const handleConflictsAdmin = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const route = routes[event.routeKey];
  if (!route) throw new HttpError(404, `No conflicts admin route ${event.routeKey}`);
  return route(event);
};

export { handleConflictsAdmin, listQuery as conflictsListQuery, idPath as conflictIdPath, resolveBody };
