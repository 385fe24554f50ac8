import { objectBody, urlOf } from './answers.js';
import type { FakeAnswer, RecordedRequest } from './fake-http-server.js';
import type { PlaygroundContext, PlaygroundSystem } from './playground-system.js';

/**
 * A Slack incoming webhook: `POST` to the path of `SLACK_WEBHOOK_URL` with
 * `{text}` (or `blocks`) answers a plain `ok`. As at Slack, the URL is the
 * secret: any other path is 404 `no_service`, and a body with nothing to
 * show is 400 `no_text`.
 */
const slackResponder =
  ({ env }: PlaygroundContext) =>
  (request: RecordedRequest): FakeAnswer => {
    const configured = env.SLACK_WEBHOOK_URL ? new URL(env.SLACK_WEBHOOK_URL).pathname : undefined;
    if (request.method !== 'POST' || urlOf(request).pathname !== configured) return { status: 404, text: 'no_service' };
    const body = objectBody(request);
    if (!body) return { status: 400, text: 'invalid_payload' };
    const hasText = typeof body.text === 'string' && body.text !== '';
    if (!hasText && !Array.isArray(body.blocks)) return { status: 400, text: 'no_text' };
    return { status: 200, text: 'ok' };
  };

/**
 * @example
 * const answer = slackPlayground.responder({ env: { SLACK_WEBHOOK_URL: url }, now: () => new Date() })(request);
 */
const slackPlayground: PlaygroundSystem = { name: 'slack', urlSetting: 'SLACK_WEBHOOK_URL', responder: slackResponder };

export { slackPlayground };
