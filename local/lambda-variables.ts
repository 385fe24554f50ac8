import { serviceName } from '../functions/kernel/wiring/service-name.js';
import type { PlannedFunction } from './plan.js';

/** What names one execution environment of a function. */
interface EnvironmentIdentity {
  readonly spec: PlannedFunction;
  /** Physical name, with the stack's prefix: what `AWS_LAMBDA_FUNCTION_NAME` says. */
  readonly functionName: string;
  readonly region: string;
  /** One per environment, as on Lambda: `2025/01/31/[$LATEST]<hex>`. */
  readonly logStreamName: string;
}

/** The Node.js runtime the stack deploys (`lib/constructs/sync-function.ts`: NODEJS_24_X). */
const EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';

/**
 * Variables the stack sets on every function that a developer may override
 * offline (`LOG_LEVEL=DEBUG npm start`): they yield to the runtime's
 * `process.env`.
 */
const STACK_DEFAULTS: Readonly<Record<string, string>> = {
  POWERTOOLS_METRICS_NAMESPACE: 'SyncTools',
  LOG_LEVEL: 'INFO',
};

/**
 * The variables Lambda sets in an execution environment, and the
 * per-function ones the CDK stack adds (`POWERTOOLS_SERVICE_NAME`, from
 * `functions/kernel/wiring/service-name.ts` as in the stack), so Powertools names the service,
 * and counts cold starts, offline as it does on AWS. They win over
 * whatever the runtime's `process.env` holds, as reserved variables do on
 * Lambda. `NODE_OPTIONS=--enable-source-maps` is left out: a worker cannot
 * take it, and tsx maps stacks to the sources already.
 *
 * @example
 * lambdaVariables({ spec, functionName: 't1-dispatcher', region: 'us-east-1', logStreamName });
 * // { AWS_LAMBDA_FUNCTION_NAME: 't1-dispatcher', POWERTOOLS_SERVICE_NAME: 'dispatcher', ... }
 */
const lambdaVariables = (identity: EnvironmentIdentity): Record<string, string> => ({
  AWS_REGION: identity.region,
  AWS_DEFAULT_REGION: identity.region,
  AWS_EXECUTION_ENV: EXECUTION_ENV,
  AWS_LAMBDA_FUNCTION_NAME: identity.functionName,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(identity.spec.memoryMb),
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${identity.functionName}`,
  AWS_LAMBDA_LOG_STREAM_NAME: identity.logStreamName,
  POWERTOOLS_SERVICE_NAME: serviceName(identity.spec.name),
});

/**
 * The whole `process.env` of an environment: the stack's defaults, then
 * the runtime's own `process.env` as it is now (tables, queue URLs,
 * endpoints, integration settings a test set), then Lambda's variables.
 *
 * @example
 * const env = environmentVariables({ spec, functionName, region, logStreamName }, process.env);
 */
const environmentVariables = (
  identity: EnvironmentIdentity,
  runtimeEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> => {
  const defined = Object.entries(runtimeEnv).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return { ...STACK_DEFAULTS, ...Object.fromEntries(defined), ...lambdaVariables(identity) };
};

export { environmentVariables, lambdaVariables };
export type { EnvironmentIdentity };
