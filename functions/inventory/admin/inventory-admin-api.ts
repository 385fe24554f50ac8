import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { opaqueCursor, pageLimit } from '../../kernel/http/paging.js';
import { HttpError, json } from '../../kernel/http/responses.js';
import type { StockTransaction } from '../../kernel/stock/stock.js';
import { getStock, listTransactions } from '../../kernel/stock/stock-reads.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import * as z from '../../kernel/validation.js';

/**
 * The inventory admin API, behind the admin authorizer: a stock level, and
 * its transactions oldest first (in the order they were applied).
 *
 * Transactions page with an opaque `cursor`: the answer carries one while
 * more remain, and `?cursor=` continues from it. Without `limit` a page
 * holds up to {@link DEFAULT_LIMIT} transactions.
 */
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 1000;

const code = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(64),
    z.regex(/^[A-Za-z0-9._:@+-]+$/, 'may hold letters, digits and . _ : @ + - only'),
  );
const stockPath = z.object({ sku: code, warehouse: code });
const transactionsQuery = z.object({
  limit: pageLimit(DEFAULT_LIMIT, MAX_LIMIT),
  cursor: z.optional(z.string().check(z.maxLength(200))),
});

/** The cursor is the last version served. */
const versionCursor = opaqueCursor('v', (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0);

const publicTransaction = ({ pk: _pk, sk: _sk, ...rest }: StockTransaction): Omit<StockTransaction, 'pk' | 'sk'> =>
  rest;

const routes: Record<string, (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>> = {
  'GET /admin/inventory/{sku}/{warehouse}': async (event) => {
    const { sku, warehouse } = parseOr400(stockPath, event.pathParameters, 'path');
    const stock = await getStock(sku, warehouse);
    if (!stock) throw new HttpError(404, `No stock of ${sku} in warehouse ${warehouse}`);
    return json(200, {
      sku: stock.sku,
      warehouse: stock.warehouse,
      quantity_on_hand: stock.quantity_on_hand,
      updated_at: stock.updated_at,
      last_adjustment_type: stock.last_adjustment_type,
      last_adjustment_source: stock.last_adjustment_source,
      version: stock.version,
    });
  },
  'GET /admin/inventory/{sku}/{warehouse}/transactions': async (event) => {
    const { sku, warehouse } = parseOr400(stockPath, event.pathParameters, 'path');
    const { limit, cursor } = parseOr400(transactionsQuery, event.queryStringParameters ?? {}, 'query');
    const afterVersion = cursor === undefined ? undefined : versionCursor.decode(cursor);
    const page = await listTransactions(sku, warehouse, {
      limit,
      ...(afterVersion === undefined ? {} : { afterVersion }),
    });
    return json(200, {
      items: page.items.map(publicTransaction),
      ...(page.nextAfterVersion === undefined ? {} : { cursor: versionCursor.encode(page.nextAfterVersion) }),
    });
  },
};

/**
 * Routes an inventory admin request by its API Gateway route key.
 *
 * @example
 * await handleInventoryAdmin({ routeKey: 'GET /admin/inventory/{sku}/{warehouse}', pathParameters: { sku, warehouse }, ... });
 */
const handleInventoryAdmin = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const route = routes[event.routeKey];
  if (!route) throw new HttpError(404, `No inventory admin route ${event.routeKey}`);
  return route(event);
};

export { handleInventoryAdmin, stockPath, transactionsQuery };
