import { beforeAll, describe, expect, it } from 'vitest';
import { type Topology, topology } from '../../lib/topology.js';
import { routeThrottleDefaults } from '../../lib/topology-spec.js';
import { type SynthesizedApp, logicalIdOf, resourcesOf, synthesizeApp } from './stack-fixture.js';

/**
 * The API's per-route budgets and the public webhooks' reserved
 * concurrency, in the synthesized template: a flood on one route must be
 * refused by API Gateway from that route's budget alone, and the Lambdas
 * behind public routes must be capped so a flood cannot take the
 * concurrency the queue and stream consumers need.
 */

/** Lambda's default concurrency quota per account and Region, and what it keeps unreserved. */
const ACCOUNT_CONCURRENCY = 1_000;
const MIN_UNRESERVED = 100;

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties have no static type here.
type Json = any;

let built: SynthesizedApp;

beforeAll(() => {
  built = synthesizeApp();
}, 120_000);

const stageOf = (app: SynthesizedApp): { id: string; props: Json; dependsOn: string[] } => {
  const stages = Object.entries(app.template.toJSON().Resources as Record<string, Json>).filter(
    ([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Stage',
  );
  expect(stages).toHaveLength(1);
  const [id, stage] = stages[0] as [string, Json];
  return { id, props: stage.Properties, dependsOn: stage.DependsOn ?? [] };
};

const reservedByFunction = (app: SynthesizedApp): Record<string, number | undefined> =>
  Object.fromEntries(
    [...app.stack.functions].map(([name, fn]) => {
      const props = resourcesOf(app.template, 'AWS::Lambda::Function')[logicalIdOf(fn.function)]?.Properties;
      return [name, props?.ReservedConcurrentExecutions as number | undefined];
    }),
  );

describe('Stack: per-route throttling', () => {
  it('gives every route of the topology a budget of its own, keyed by its route key', () => {
    // Act
    const settings = stageOf(built).props.RouteSettings as Record<string, unknown>;
    // Assess
    expect(Object.keys(settings).sort()).toEqual(topology.routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it.each([
    ['POST /webhooks/crm', routeThrottleDefaults.public],
    ['POST /webhooks/inventory', routeThrottleDefaults.public],
    ['GET /health', routeThrottleDefaults.public],
    ['GET /admin/records/{type}/{id}', routeThrottleDefaults.admin],
    ['PUT /admin/settings', routeThrottleDefaults.admin],
  ])('throttles %s at its default budget', (routeKey, budget) => {
    // Act
    const settings = stageOf(built).props.RouteSettings[routeKey];
    // Assess
    expect(settings).toEqual({ ThrottlingRateLimit: budget.rateLimit, ThrottlingBurstLimit: budget.burstLimit });
  });

  it('keeps every route budget below the stage default, so no route can spend the whole API', () => {
    // Prepare
    const stage = stageOf(built).props;
    // Act
    const routes = Object.values(stage.RouteSettings as Record<string, Json>);
    // Assess
    for (const route of routes) {
      expect(route.ThrottlingRateLimit).toBeLessThan(stage.DefaultRouteSettings.ThrottlingRateLimit);
      expect(route.ThrottlingBurstLimit).toBeLessThan(stage.DefaultRouteSettings.ThrottlingBurstLimit);
      expect(route.ThrottlingBurstLimit).toBeGreaterThanOrEqual(route.ThrottlingRateLimit);
    }
  });

  it('creates the stage after every route, as CloudFormation needs to find the keys of its route settings', () => {
    // Act
    const { dependsOn } = stageOf(built);
    // Assess
    for (const { route } of built.stack.api.routes) expect(dependsOn).toContain(logicalIdOf(route));
  });

  it("uses a route's own budget when the topology gives one", () => {
    // Prepare
    const own: Topology = {
      ...topology,
      routes: topology.routes.map((route) =>
        route.path === '/webhooks/crm' ? { ...route, throttle: { rateLimit: 5, burstLimit: 7 } } : route,
      ),
    };
    // Act
    const settings = stageOf(synthesizeApp({ topology: own })).props.RouteSettings;
    // Assess
    expect(settings['POST /webhooks/crm']).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 7 });
    expect(settings['POST /webhooks/inventory']).toEqual({
      ThrottlingRateLimit: routeThrottleDefaults.public.rateLimit,
      ThrottlingBurstLimit: routeThrottleDefaults.public.burstLimit,
    });
  });
});

describe('Stack: reserved concurrency of the public webhooks', () => {
  it('caps every function behind a public webhook route, and reserves for no other function', () => {
    // Prepare
    const webhookFunctions = new Set(
      topology.routes.filter((r) => r.auth === 'public' && r.path.startsWith('/webhooks/')).map((r) => r.function),
    );
    // Act
    const reserved = reservedByFunction(built);
    // Assess
    expect(webhookFunctions.size).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(reserved)) {
      if (webhookFunctions.has(name)) expect(value, name).toBe(topology.functions[name]?.reservedConcurrency);
      else expect(value, name).toBeUndefined();
    }
    expect(reserved.crmInbound).toBe(10);
    expect(reserved.inventoryWebhook).toBe(10);
  });

  it('reserves little enough that a default account keeps 100 unreserved and room for the queue consumers', () => {
    // Prepare
    const consumers = topology.queueConsumers.reduce((sum, consumer) => sum + consumer.maxConcurrency, 0);
    // Act
    const reserved = Object.values(reservedByFunction(built)).reduce<number>((sum, value) => sum + (value ?? 0), 0);
    // Assess
    expect(reserved + MIN_UNRESERVED + consumers).toBeLessThanOrEqual(ACCOUNT_CONCURRENCY);
  });

  it('matches a public route budget to its function cap: the steady rate fits its environments at 200 ms a request', () => {
    // Prepare
    const perRequestSeconds = 0.2;
    // Act
    const needed = routeThrottleDefaults.public.rateLimit * perRequestSeconds;
    // Assess
    expect(needed).toBeLessThanOrEqual(topology.functions.crmInbound?.reservedConcurrency ?? 0);
    expect(needed).toBeLessThanOrEqual(topology.functions.inventoryWebhook?.reservedConcurrency ?? 0);
  });

  it('reserves nothing when the stack is told the account cannot spare it', () => {
    // Act
    const reserved = reservedByFunction(synthesizeApp({ reserveConcurrency: false }));
    // Assess
    expect(Object.values(reserved).filter((value) => value !== undefined)).toEqual([]);
  });
});
