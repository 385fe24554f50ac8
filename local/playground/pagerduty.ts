import { randomBytes } from 'node:crypto';
import { objectBody, urlOf } from './answers.js';
import type { FakeAnswer, RecordedRequest } from './fake-http-server.js';
import type { PlaygroundContext, PlaygroundSystem } from './playground-system.js';

/**
 * PagerDuty's Events API v2 at the path of `PAGERDUTY_EVENTS_URL`: an event
 * is 202 `{status: 'success', message, dedup_key}` (a trigger without a
 * dedup_key gets a new one). As at PagerDuty the key is the body's
 * `routing_key`, not a header, and a wrong one, like any invalid event, is
 * 400 `{status: 'invalid event', errors: [...]}` rather than a 401.
 */
const ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);
const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

const invalid = (error: string): FakeAnswer => ({
  status: 400,
  body: { status: 'invalid event', message: 'Event object is invalid', errors: [error] },
});

/** What is wrong with an event, or undefined. */
const eventError = (body: Record<string, unknown>, routingKey: string | undefined): string | undefined => {
  if (!routingKey || body.routing_key !== routingKey) return 'Invalid routing key';
  if (typeof body.event_action !== 'string' || !ACTIONS.has(body.event_action)) {
    return "'event_action' is missing or invalid";
  }
  if (body.event_action !== 'trigger') {
    return typeof body.dedup_key === 'string' && body.dedup_key !== '' ? undefined : "'dedup_key' is missing";
  }
  const payload = body.payload as Record<string, unknown> | undefined;
  if (typeof payload?.summary !== 'string' || payload.summary === '') return "'payload.summary' is missing";
  if (typeof payload.source !== 'string' || payload.source === '') return "'payload.source' is missing";
  if (typeof payload.severity !== 'string' || !SEVERITIES.has(payload.severity)) {
    return "'payload.severity' is missing or invalid";
  }
  return undefined;
};

const pagerDutyResponder =
  ({ env }: PlaygroundContext) =>
  (request: RecordedRequest): FakeAnswer => {
    const configured = env.PAGERDUTY_EVENTS_URL ? new URL(env.PAGERDUTY_EVENTS_URL).pathname : undefined;
    if (request.method !== 'POST' || urlOf(request).pathname !== configured) {
      return {
        status: 404,
        body: { status: 'not found', message: `no route ${request.method} ${urlOf(request).pathname}` },
      };
    }
    const body = objectBody(request);
    if (!body)
      return {
        status: 400,
        body: { status: 'invalid event', message: 'Event object is invalid', errors: ['not JSON'] },
      };
    const error = eventError(body, env.PAGERDUTY_ROUTING_KEY);
    if (error) return invalid(error);
    const dedupKey =
      typeof body.dedup_key === 'string' && body.dedup_key !== '' ? body.dedup_key : randomBytes(16).toString('hex');
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } };
  };

/**
 * @example
 * const answer = pagerDutyPlayground.responder({ env, now: () => new Date() })(request); // 202
 */
const pagerDutyPlayground: PlaygroundSystem = {
  name: 'pagerduty',
  urlSetting: 'PAGERDUTY_EVENTS_URL',
  responder: pagerDutyResponder,
};

export { pagerDutyPlayground };
