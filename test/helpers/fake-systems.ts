import { type FakeHttpServer, type RecordedRequest, startFakeHttpServer } from './fake-http-server.js';

/**
 * Local HTTP servers playing the systems inventory sync talks to: the ERP,
 * the shop, the POS, the WMS and a Slack incoming webhook. Each records
 * every request and answers 200 unless a test programs it otherwise
 * (`systems.erp.queueAnswers({ status: 503, headers: { 'retry-after': '1' } })`).
 *
 * `env` holds the settings that point the dispatcher at them, to put in
 * `process.env` before the offline stack starts.
 */
export type StockSystem = 'erp' | 'ecommerce' | 'pos' | 'wms';

export interface FakeSystems {
  readonly erp: FakeHttpServer;
  readonly ecommerce: FakeHttpServer;
  readonly pos: FakeHttpServer;
  readonly wms: FakeHttpServer;
  readonly slack: FakeHttpServer;
  /** ERP_API_URL, ERP_API_KEY, ..., SLACK_WEBHOOK_URL. */
  readonly env: Readonly<Record<string, string>>;
  /** The quantities a system was sent for a sku (and warehouse, where its format has one), in arrival order. */
  quantitiesSent(system: StockSystem, sku: string, warehouse: string): number[];
  /** Waits until the last quantity a system was sent for the sku is `quantity`. */
  waitForQuantity(
    system: StockSystem,
    sku: string,
    warehouse: string,
    quantity: number,
    timeoutMs?: number,
  ): Promise<void>;
  /** Slack texts that mention the sku. */
  slackTexts(sku: string): string[];
  close(): Promise<void>;
}

/** Where a system's format puts the sku, the warehouse and the quantity. */
const readers: Readonly<
  Record<StockSystem, (r: RecordedRequest) => { sku?: string; warehouse?: string; quantity?: number } | undefined>
> = {
  erp: (r) => {
    const match = /^\/api\/inventory\/([^/?]+)$/.exec(r.path);
    const body = r.body as { sku?: string; warehouseCode?: string; qtyOnHand?: number } | undefined;
    return r.method === 'PUT' && match
      ? { sku: decodeURIComponent(match[1] ?? ''), warehouse: body?.warehouseCode, quantity: body?.qtyOnHand }
      : undefined;
  },
  ecommerce: (r) => {
    // The shop keeps one quantity per product: its format has no warehouse.
    const match = /^\/products\/([^/?]+)\/inventory$/.exec(r.path);
    const body = r.body as { inventory_quantity?: number } | undefined;
    return r.method === 'PUT' && match
      ? { sku: decodeURIComponent(match[1] ?? ''), quantity: body?.inventory_quantity }
      : undefined;
  },
  pos: (r) => {
    const body = r.body as { item_id?: string; location_id?: string; quantity?: number } | undefined;
    return r.method === 'POST' && r.path === '/inventory/update'
      ? { sku: body?.item_id, warehouse: body?.location_id, quantity: body?.quantity }
      : undefined;
  },
  wms: (r) => {
    const body = r.body as { sku?: string; location?: string; qty?: number } | undefined;
    return r.method === 'PUT' && r.path === '/api/inventory'
      ? { sku: body?.sku, warehouse: body?.location, quantity: body?.qty }
      : undefined;
  },
};

const SLACK_PATH = '/services/T0000/B0000/test';

/**
 * @example
 * const systems = await startFakeSystems();
 * Object.assign(process.env, systems.env);
 */
const startFakeSystems = async (): Promise<FakeSystems> => {
  const [erp, ecommerce, pos, wms, slack] = await Promise.all([
    startFakeHttpServer(),
    startFakeHttpServer(),
    startFakeHttpServer(),
    startFakeHttpServer(),
    // Slack's incoming webhooks answer a plain "ok".
    startFakeHttpServer(() => ({ status: 200, body: 'ok' })),
  ]);
  const servers: Record<StockSystem, FakeHttpServer> = { erp, ecommerce, pos, wms };

  const quantitiesSent = (system: StockSystem, sku: string, warehouse: string): number[] =>
    servers[system].requests.flatMap((request) => {
      const read = readers[system](request);
      if (!read || read.sku !== sku || (read.warehouse !== undefined && read.warehouse !== warehouse)) return [];
      return typeof read.quantity === 'number' ? [read.quantity] : [];
    });

  return {
    erp,
    ecommerce,
    pos,
    wms,
    slack,
    env: {
      ERP_API_URL: erp.url,
      ERP_API_KEY: 'erp-test-key',
      ERP_WEBHOOK_KEY: 'erp-webhook-key-0123456789',
      ECOMMERCE_API_URL: ecommerce.url,
      ECOMMERCE_API_KEY: 'shop-test-key',
      POS_API_URL: pos.url,
      POS_API_KEY: 'pos-test-key',
      WMS_API_URL: wms.url,
      WMS_API_KEY: 'wms-test-key',
      SLACK_WEBHOOK_URL: `${slack.url}${SLACK_PATH}`,
    },
    quantitiesSent,
    waitForQuantity: async (system, sku, warehouse, quantity, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (quantitiesSent(system, sku, warehouse).at(-1) === quantity) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(
        `${system} was not sent ${quantity} for ${sku}@${warehouse} within ${timeoutMs} ms; it was sent ${JSON.stringify(quantitiesSent(system, sku, warehouse))}`,
      );
    },
    slackTexts: (sku) =>
      slack.requests
        .filter((r) => r.path === SLACK_PATH)
        .map((r) => String((r.body as { text?: unknown } | undefined)?.text ?? ''))
        .filter((text) => text.includes(sku)),
    close: async () => {
      await Promise.all([erp, ecommerce, pos, wms, slack].map((server) => server.close()));
    },
  };
};

export { startFakeSystems };
