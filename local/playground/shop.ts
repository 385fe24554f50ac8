import { badField, bearerRefusal, noRoute, objectBody, urlOf } from './answers.js';
import type { FakeAnswer, RecordedRequest } from './fake-http-server.js';
import type { PlaygroundContext, PlaygroundSystem } from './playground-system.js';

/**
 * The shop, as the inventory connector calls it:
 * `PUT /products/{sku}/inventory` `{inventory_quantity}` (one quantity per
 * product, no warehouse), bearer `ECOMMERCE_API_KEY`. What it was sent is
 * listed by `GET /inventory_levels` (and `/products`), paged Shopify style
 * by a `Link: <...>; rel="next"` header, for the bulk shop source.
 */
const PRODUCT_INVENTORY = /^\/products\/([^/]+)\/inventory$/;
const LISTS = new Set(['/products', '/inventory_levels']);

const shopResponder = ({ env, now }: PlaygroundContext) => {
  const levels = new Map<string, Record<string, unknown>>();

  const list = (url: URL): FakeAnswer => {
    const all = [...levels.values()];
    const limit = Math.min(250, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
    const start = Math.max(0, Number(url.searchParams.get('cursor') ?? 0) || 0);
    const more = start + limit < all.length;
    const next = `${url.pathname}?limit=${limit}&cursor=${start + limit}`;
    return {
      status: 200,
      body: { items: all.slice(start, start + limit) },
      ...(more ? { headers: { link: `<${next}>; rel="next"` } } : {}),
    };
  };

  return (request: RecordedRequest): FakeAnswer => {
    const refused = bearerRefusal(request, env.ECOMMERCE_API_KEY);
    if (refused) return refused;
    const url = urlOf(request);
    if (request.method === 'GET' && LISTS.has(url.pathname)) return list(url);
    const match = PRODUCT_INVENTORY.exec(url.pathname);
    if (!match?.[1] || request.method !== 'PUT') return noRoute(request);
    const body = objectBody(request);
    if (!body) return badField('body', 'must be a JSON object');
    if (!Number.isInteger(body.inventory_quantity)) return badField('inventory_quantity', 'must be a whole number');
    const sku = decodeURIComponent(match[1]);
    const level = { sku, inventory_quantity: body.inventory_quantity, updated_at: now().toISOString() };
    levels.set(sku, level);
    return { status: 200, body: { inventory_level: level } };
  };
};

/**
 * @example
 * const answer = shopPlayground.responder({ env: { ECOMMERCE_API_KEY: 'k' }, now: () => new Date() })(request);
 */
const shopPlayground: PlaygroundSystem = { name: 'shop', urlSetting: 'ECOMMERCE_API_URL', responder: shopResponder };

export { shopPlayground };
