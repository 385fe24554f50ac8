import { badField, headerKeyRefusal, noRoute, objectBody, urlOf } from './answers.js';
import type { FakeAnswer, RecordedRequest } from './fake-http-server.js';
import type { PlaygroundContext, PlaygroundSystem } from './playground-system.js';

/**
 * The point of sale, as the inventory connector calls it:
 * `POST /inventory/update` `{item_id, quantity, location_id}` with the key
 * in `X-API-Key` (`POS_API_KEY`), not a bearer token.
 */
const posResponder =
  ({ env, now }: PlaygroundContext) =>
  (request: RecordedRequest): FakeAnswer => {
    const refused = headerKeyRefusal(request, 'x-api-key', env.POS_API_KEY);
    if (refused) return refused;
    if (request.method !== 'POST' || urlOf(request).pathname !== '/inventory/update') return noRoute(request);
    const body = objectBody(request);
    if (!body) return badField('body', 'must be a JSON object');
    if (typeof body.item_id !== 'string' || body.item_id === '') return badField('item_id', 'is required');
    if (typeof body.location_id !== 'string' || body.location_id === '') return badField('location_id', 'is required');
    if (typeof body.quantity !== 'number' || !Number.isFinite(body.quantity))
      return badField('quantity', 'must be a number');
    return {
      status: 200,
      body: {
        success: true,
        item_id: body.item_id,
        location_id: body.location_id,
        quantity: body.quantity,
        updated_at: now().toISOString(),
      },
    };
  };

/**
 * @example
 * const answer = posPlayground.responder({ env: { POS_API_KEY: 'k' }, now: () => new Date() })(request);
 */
const posPlayground: PlaygroundSystem = { name: 'pos', urlSetting: 'POS_API_URL', responder: posResponder };

export { posPlayground };
