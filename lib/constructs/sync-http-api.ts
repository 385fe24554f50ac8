import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type RouteSpec, type RouteThrottle, routeThrottleDefaults } from '../topology-spec.js';
import type { SyncFunction } from './sync-function.js';

/** A route of any topology (the real one or a test's). */
type AnyRoute = Omit<RouteSpec, 'function'> & { readonly function: string };

export interface SyncHttpApiProps {
  readonly routes: readonly AnyRoute[];
  /** The function behind each route, by topology name. */
  readonly functions: ReadonlyMap<string, SyncFunction>;
  /** Runs before every `admin` route; required when one exists. */
  readonly adminAuthorizer?: SyncFunction;
  /** Steady requests per second of a route without a budget of its own. @default 100 */
  readonly rateLimit?: number;
  /** Burst of requests of a route without a budget of its own. @default 200 */
  readonly burstLimit?: number;
  /** How long access log lines are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The budget of routes without their own, by who may call them
   * (`-c throttle.public=50/100`). @default {@link routeThrottleDefaults}
   */
  readonly routeThrottles?: Partial<Record<RouteSpec['auth'], RouteThrottle>>;
}

/** A route as built, with the topology entry it came from. */
export interface BuiltRoute {
  readonly spec: AnyRoute;
  readonly route: apigw.HttpRoute;
}

/**
 * The HTTP API (API Gateway v2, payload format 2.0) in front of the
 * webhook and admin functions: one route per topology route, one Lambda
 * integration per function, a bearer-token Lambda authorizer on `admin`
 * routes, JSON access logs, and a throttle per route (the route's
 * `throttle`, else {@link routeThrottleDefaults} for its `auth`): an HTTP
 * API keeps one token bucket per route key, so a flood on one webhook is
 * answered 429 by API Gateway once that route's budget is spent, and the
 * other webhooks and the admin API keep theirs. The stage's default
 * throttle is the ceiling of any route built without a budget.
 *
 * The authorizer answers with simple responses (`{ isAuthorized }`) and its
 * results are not cached: the token it checks is itself cached in the
 * function, and no cache means a rotated token stops working at once.
 *
 * @example
 * const api = new SyncHttpApi(this, 'Api', { routes: topology.routes, functions, adminAuthorizer });
 * new CfnOutput(this, 'ApiUrl', { value: api.url });
 */
export class SyncHttpApi extends Construct {
  public readonly api: apigw.HttpApi;
  public readonly stage: apigw.HttpStage;
  public readonly accessLogs: logs.LogGroup;
  public readonly routes: readonly BuiltRoute[];

  public constructor(scope: Construct, id: string, props: SyncHttpApiProps) {
    super(scope, id);

    // The default stage cannot be given access logs or a throttle, so the
    // API gets none and `$default` is declared here instead.
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      description: 'sync-tools: vendor webhooks, health and the admin API.',
      createDefaultStage: false,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 100, burstLimit: props.burstLimit ?? 200 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: accessLogFormat,
      },
    });

    const needsAuthorizer = props.routes.some((route) => route.auth === 'admin');
    if (needsAuthorizer && !props.adminAuthorizer) {
      throw new Error('The topology has admin routes but no admin authorizer function to protect them.');
    }
    const authorizer = props.adminAuthorizer
      ? new HttpLambdaAuthorizer('AdminAuthorizer', props.adminAuthorizer.function, {
          responseTypes: [HttpLambdaResponseType.SIMPLE],
          identitySource: ['$request.header.Authorization'],
          resultsCacheTtl: Duration.seconds(0),
        })
      : undefined;

    // One integration per function, shared by its routes.
    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (name: string): HttpLambdaIntegration => {
      const existing = integrations.get(name);
      if (existing) return existing;
      const fn = props.functions.get(name);
      if (!fn) throw new Error(`A route points to function "${name}", which the topology does not declare.`);
      const created = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn.function);
      integrations.set(name, created);
      return created;
    };

    this.routes = props.routes.flatMap((spec) =>
      this.api
        .addRoutes({
          path: spec.path,
          methods: [apigw.HttpMethod[spec.method]],
          integration: integrationFor(spec.function),
          ...(spec.auth === 'admin' && authorizer ? { authorizer } : {}),
        })
        .map((route) => ({ spec, route })),
    );

    // Per-route settings are L1-only. CloudFormation looks the keys up among the API's routes when it
    // creates the stage, so the stage must come after them.
    const stage = this.stage.node.defaultChild as apigw.CfnStage;
    const defaults = { ...routeThrottleDefaults, ...props.routeThrottles };
    stage.routeSettings = Object.fromEntries(
      this.routes.map(({ spec }) => [routeKeyOf(spec), routeSettingsOf(throttleOf(spec, defaults))]),
    );
    for (const { route } of this.routes) this.stage.node.addDependency(route);
  }

  /** The base URL of the API, ending in `/`. */
  public get url(): string {
    // A `$default` stage always has a URL; the fallback only satisfies the type.
    return this.stage.url ?? this.api.apiEndpoint;
  }
}

/** How API Gateway names a route: `POST /webhooks/crm`. */
const routeKeyOf = (spec: AnyRoute): string => `${spec.method} ${spec.path}`;

/** A route's budget: its own, or the default for who may call it. */
const throttleOf = (spec: AnyRoute, defaults: Readonly<Record<RouteSpec['auth'], RouteThrottle>>): RouteThrottle =>
  spec.throttle ?? defaults[spec.auth];

/** A budget as `AWS::ApiGatewayV2::Stage` RouteSettings take it (a JSON property: CloudFormation's casing). */
const routeSettingsOf = (throttle: RouteThrottle) => ({
  ThrottlingRateLimit: throttle.rateLimit,
  ThrottlingBurstLimit: throttle.burstLimit,
});

/**
 * One JSON object per request, so CloudWatch Logs Insights can query any
 * field. Only metadata: never a header, a body or a query string, since
 * webhooks carry signatures and the admin API a bearer token.
 */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);
