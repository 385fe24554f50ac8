import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readJsonBody } from '../../kernel/http/json-body.js';
import { pageLimit } from '../../kernel/http/paging.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { json } from '../../kernel/http/responses.js';
import { logger } from '../../kernel/observability.js';
import {
  type DeadLetter,
  type DeadLetterFilter,
  describeDeadLetter,
  type LastAttempt,
  matchesDeadLetterFilter,
  withLastAttempt,
} from '../../kernel/outbound/dead-letters-entry.js';
import { listParkedStreamFailures } from '../../kernel/outbound/dead-letters-parked.js';
import { PEEK_CAP, peekDeadLetters } from '../../kernel/outbound/dead-letters-peek.js';
import { redriveDeadLetters } from '../../kernel/outbound/dead-letters-redrive.js';
import { listSyncEvents } from '../../kernel/sync-log/list-sync-events.js';
import * as z from '../../kernel/validation.js';
import { type CalledIntegration, calledIntegrations } from '../../kernel/wiring/integrations.js';
import type { AdminRoutes } from './admin-route.js';

/**
 * What an operator needs when changes could not be delivered: what sits in
 * the dead-letter queues and why (`GET /admin/dlq`), and a way to send it
 * again once the vendor is back (`POST /admin/dlq/redrive`), all of it or
 * one integration's or some messages. `npm run redrive` is the same over
 * the command line.
 *
 * Two DLQs: `outbound` (calls to other systems) and `streamFailures` (stream
 * batches the replayer could not even start on: its own crashes). Stream
 * batches the replayer gave up on are parked with their reason in the
 * control table and listed as `parked`.
 */
const DLQ_QUEUES = ['outbound', 'streamFailures'] as const;
type DlqQueue = (typeof DLQ_QUEUES)[number];
/** At most this many "receives exhausted" letters get their last attempt looked up in the sync log (one Query each). */
const LAST_ATTEMPT_LOOKUPS = 20;

// Built on the first parse, not at import: a cold start should not pay for
// schemas its first request may never use (issue 15); z.lazy keeps each one schema.
const integration = () => z.enum(calledIntegrations as [CalledIntegration, ...CalledIntegration[]]);
const queue = () => z.enum(DLQ_QUEUES);

const listQuery = z.lazy(() =>
  z.object({
    integration: z.optional(integration()),
    queue: z.optional(queue()),
    limit: pageLimit(50, PEEK_CAP),
  }),
);

const redriveBody = z.lazy(() =>
  z.strictObject({
    queue: z._default(queue(), 'outbound'),
    // The first call's cut-off, on the calls that follow it (see redriveDeadLetters).
    before: z.optional(z.iso.datetime({ offset: true })),
    integration: z.optional(integration()),
    message_ids: z.optional(
      z
        .array(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(512)))
        .check(z.minLength(1, 'must list at least one id'), z.maxLength(100)),
    ),
  }),
);

/** The request body, or `{}` when there is none: an empty redrive means "everything". */
const optionalBody = (event: APIGatewayProxyEventV2): unknown =>
  event.body === undefined || event.body === '' ? {} : readJsonBody(event);

/** The last outbound attempt the sync log holds for a dead letter's message, if any. */
const lastAttemptOf = async (entry: DeadLetter): Promise<LastAttempt | undefined> => {
  const subject = entry.record_id ?? entry.group;
  if (!subject || !entry.message_id) return undefined;
  try {
    const events = await listSyncEvents(subject);
    const last = events.filter((e) => e.direction === 'outbound' && e.delivery_id === entry.message_id).at(-1);
    if (!last) return undefined;
    const detail = last.detail ?? {};
    return {
      outcome: last.outcome,
      at: last.received_at,
      ...(typeof detail.status === 'number' ? { status: detail.status } : {}),
      ...(typeof detail.reason === 'string' ? { reason: detail.reason } : {}),
      ...(typeof detail.attempt === 'number' ? { attempt: detail.attempt } : {}),
    };
  } catch (error) {
    // The cause is a nicety; the listing is what matters.
    logger.warn('could not read the last attempt of a dead letter', { error: error as Error });
    return undefined;
  }
};

const listQueue = async (name: DlqQueue, filter: DeadLetterFilter, limit: number) => {
  const peek = await peekDeadLetters(name);
  const matching = peek.messages
    .map((m) => describeDeadLetter(m, name))
    .filter((e) => matchesDeadLetterFilter(e, filter));
  const shown = matching.slice(0, limit);
  let lookups = 0;
  const items = await Promise.all(
    shown.map((entry) =>
      entry.cause.kind === 'receives-exhausted' && lookups++ < LAST_ATTEMPT_LOOKUPS
        ? lastAttemptOf(entry).then((last) => withLastAttempt(entry, last))
        : entry,
    ),
  );
  return { total: peek.total, looked_at: peek.messages.length, truncated: peek.truncated, items };
};

const dlqRoutes: AdminRoutes = {
  'GET /admin/dlq': async (event) => {
    const query = parseOr400(listQuery, event.queryStringParameters ?? {}, 'query');
    const filter: DeadLetterFilter = query.integration ? { integration: query.integration } : {};
    const wanted = query.queue ? [query.queue] : DLQ_QUEUES;
    const queues = Object.fromEntries(
      await Promise.all(wanted.map(async (name) => [name, await listQueue(name, filter, query.limit)] as const)),
    );
    // Parked stream failures belong to no integration; a filtered listing leaves them out.
    const parked =
      query.integration === undefined && wanted.includes('streamFailures')
        ? await listParkedStreamFailures(query.limit)
        : [];
    return json(200, { queues, parked_stream_failures: parked, cap: PEEK_CAP });
  },
  'POST /admin/dlq/redrive': async (event) => {
    const body = parseOr400(redriveBody, optionalBody(event), 'body');
    const filter: DeadLetterFilter = {
      ...(body.integration ? { integration: body.integration } : {}),
      ...(body.message_ids ? { messageIds: body.message_ids } : {}),
    };
    const result = await redriveDeadLetters(
      body.queue,
      (message) => matchesDeadLetterFilter(describeDeadLetter(message, body.queue), filter),
      body.before ? { before: new Date(body.before) } : {},
    );
    logger.info('dead letters redriven by an operator', { queue: body.queue, ...filter, ...result });
    return json(200, result);
  },
};

export { dlqRoutes, listQuery as dlqListQuery, redriveBody };
