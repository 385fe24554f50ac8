import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { opaqueCursor, pageLimit } from '../../kernel/http/paging.js';
import { HttpError, json } from '../../kernel/http/responses.js';
import type { StockTransaction } from '../../kernel/stock/stock.js';
import { type TransactionPage, getStock, listTransactions } from '../../kernel/stock/stock-reads.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import * as z from '../../kernel/validation.js';

/**
 * The inventory admin API, behind the admin authorizer: a stock level, and
 * its transactions oldest first (in the order they were applied).
 *
 * Transactions page with an opaque `cursor`: the answer carries one while
 * more remain, and `?cursor=` continues from it. Without `limit` a page
 * holds up to {@link DEFAULT_LIMIT} transactions.
 *
 * The inventory stream consumer writes each transaction shortly after its
 * stock update (typically well under a second). So that a page read right
 * after an adjustment still shows it, and never skips a version, the page
 * is read against the stock item's version read first: while a version up
 * to it is missing, the read waits up to {@link LEDGER_WAIT_MS}. Past that
 * (the consumer is failing or far behind), the page stops before the gap
 * and says so in `catching_up`, with a cursor to continue from.
 */
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 1000;
const LEDGER_WAIT_MS = 5_000;
const LEDGER_POLL_MS = 100;

const code = () =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(64),
      z.regex(/^[A-Za-z0-9._:@+-]+$/, 'may hold letters, digits and . _ : @ + - only'),
    );
// Built on first use (z.lazy), not at import: a cold start pays only for the route it serves (issue 15).
const stockPath = z.lazy(() => z.object({ sku: code(), warehouse: code() }));
const transactionsQuery = z.lazy(() =>
  z.object({
    limit: pageLimit(DEFAULT_LIMIT, MAX_LIMIT),
    cursor: z.optional(z.string().check(z.maxLength(200))),
  }),
);

/** The cursor is the last version served. */
const versionCursor = opaqueCursor('v', (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0);

const publicTransaction = ({ pk: _pk, sk: _sk, ...rest }: StockTransaction): Omit<StockTransaction, 'pk' | 'sk'> =>
  rest;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A page of transactions complete up to the stock's version, waiting briefly for the stream consumer (see above). */
const completeTransactionPage = async (
  sku: string,
  warehouse: string,
  options: { readonly limit: number; readonly afterVersion?: number },
): Promise<TransactionPage & { readonly stockVersion: number }> => {
  const stockVersion = (await getStock(sku, warehouse))?.version ?? 0;
  const waitUntil = Date.now() + LEDGER_WAIT_MS;
  for (;;) {
    const page = await listTransactions(sku, warehouse, { ...options, throughVersion: stockVersion });
    if (page.behind === undefined || Date.now() >= waitUntil) return { ...page, stockVersion };
    await sleep(LEDGER_POLL_MS);
  }
};

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
    const page = await completeTransactionPage(sku, warehouse, {
      limit,
      ...(afterVersion === undefined ? {} : { afterVersion }),
    });
    return json(200, {
      items: page.items.map(publicTransaction),
      ...(page.nextAfterVersion === undefined ? {} : { cursor: versionCursor.encode(page.nextAfterVersion) }),
      ...(page.behind === undefined
        ? {}
        : { catching_up: { missing_version: page.behind.missingVersion, stock_version: page.stockVersion } }),
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
