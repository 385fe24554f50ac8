import { badField, bearerRefusal, noRoute, objectBody, urlOf } from './answers.js';
import type { FakeAnswer, RecordedRequest } from './fake-http-server.js';
import type { PlaygroundContext, PlaygroundSystem } from './playground-system.js';

/**
 * The warehouse system, as the inventory connector calls it:
 * `PUT /api/inventory` `{sku, location, qty}`, bearer `WMS_API_KEY`.
 */
const wmsResponder =
  ({ env, now }: PlaygroundContext) =>
  (request: RecordedRequest): FakeAnswer => {
    const refused = bearerRefusal(request, env.WMS_API_KEY);
    if (refused) return refused;
    if (request.method !== 'PUT' || urlOf(request).pathname !== '/api/inventory') return noRoute(request);
    const body = objectBody(request);
    if (!body) return badField('body', 'must be a JSON object');
    if (typeof body.sku !== 'string' || body.sku === '') return badField('sku', 'is required');
    if (typeof body.location !== 'string' || body.location === '') return badField('location', 'is required');
    if (typeof body.qty !== 'number' || !Number.isFinite(body.qty)) return badField('qty', 'must be a number');
    return {
      status: 200,
      body: { sku: body.sku, location: body.location, qty: body.qty, updatedAt: now().toISOString() },
    };
  };

/**
 * @example
 * const answer = wmsPlayground.responder({ env: { WMS_API_KEY: 'k' }, now: () => new Date() })(request);
 */
const wmsPlayground: PlaygroundSystem = { name: 'wms', urlSetting: 'WMS_API_URL', responder: wmsResponder };

export { wmsPlayground };
