import * as logs from 'aws-cdk-lib/aws-logs';
import type { SyncToolsStackProps } from './stack.js';
import { topology as projectTopology } from './topology.js';
import type { RouteThrottle, Topology } from './topology-spec.js';
import { selectTools } from './tool-selection.js';

/** A Secrets Manager secret ARN (`arn:aws:secretsmanager:eu-west-1:123456789012:secret:sync-tools/crm-AbCdEf`). */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
/** Retention periods CloudWatch Logs accepts, in days (`logs.RetentionDays`; 9999 is "never expire"). */
const RETENTION_DAYS: readonly number[] = Object.values(logs.RetentionDays).filter(
  (value): value is number => typeof value === 'number',
);
/** Who a throttle context key budgets: the routes of each `auth`, and the stage's ceiling. */
const THROTTLE_KEYS = { 'throttle.public': 'public', 'throttle.admin': 'admin', 'throttle.stage': 'stage' } as const;

/**
 * Turns the CDK context (`cdk deploy -c key=value`, or `context` in
 * cdk.json) into the stack's props, so an operator chooses what to deploy
 * without editing code. Every key is optional; without any, the stack is
 * the one the project always built. Every problem is reported at once and
 * fails the synth before anything is built.
 *
 * - `tools=crm,inventory`: only these tools (kernel and platform always);
 *   see {@link selectTools}.
 * - `secretArns.<integration>=arn:...` (or `secretArns` as a JSON object):
 *   use an existing Secrets Manager secret for the integration instead of
 *   creating one.
 * - `throttle.public=50/100`, `throttle.admin=10/20`, `throttle.stage=100/200`:
 *   requests a second / burst, for routes without a budget of their own and
 *   for the stage's ceiling.
 * - `logRetentionDays=30`: one of CloudWatch's retention periods.
 * - `alarmEmail`, `mailIdentities`, `reserveConcurrency=false`: as before.
 *
 * @example
 * const props = stackPropsFromContext(app.node.getAllContext());
 * new SyncToolsStack(app, 'SyncTools', props);
 */
const stackPropsFromContext = (context: Readonly<Record<string, unknown>>): SyncToolsStackProps => {
  const problems: string[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      problems.push((error as Error).message);
      return undefined;
    }
  };

  const tools = context.tools === undefined ? undefined : listOf(context.tools);
  const topology = tools === undefined ? projectTopology : attempt(() => selectTools(tools));
  const existingSecrets = attempt(() => secretArnsOf(context, topology ?? projectTopology));
  const throttles = attempt(() => throttlesOf(context));
  const logRetention = attempt(() => retentionOf(context.logRetentionDays));
  const alarmEmail = attempt(() => alarmEmailOf(context.alarmEmail));
  const reserveConcurrency = attempt(() => flagOf('reserveConcurrency', context.reserveConcurrency, true));
  if (problems.length > 0) throw new Error(`The CDK context (-c) has problems:\n- ${problems.join('\n- ')}`);

  return {
    ...(tools === undefined || topology === undefined ? {} : { topology }),
    mailIdentities: listOf(context.mailIdentities),
    ...(reserveConcurrency === false ? { reserveConcurrency } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(logRetention === undefined ? {} : { logRetention }),
    ...(existingSecrets && Object.keys(existingSecrets).length > 0 ? { existingSecrets } : {}),
    ...(throttles?.routes ? { routeThrottles: throttles.routes } : {}),
    ...(throttles?.stage ? { stageThrottle: throttles.stage } : {}),
  };
};

/** `a,b` (from `-c`) or `["a", "b"]` (from cdk.json), trimmed, blanks dropped. */
const listOf = (value: unknown): string[] => {
  const items = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  return items.map((item) => item.trim()).filter(Boolean);
};

/**
 * The existing secrets, by integration: from `secretArns.<name>` keys and a
 * `secretArns` object (or its JSON, as `-c` passes it). Names must be
 * integrations the project knows; one not deployed with the chosen tools is
 * skipped, so one cdk.json can serve several choices of tools.
 */
const secretArnsOf = (context: Readonly<Record<string, unknown>>, topology: Topology): Record<string, string> => {
  const given: Record<string, unknown> = {};
  const whole = context.secretArns;
  if (whole !== undefined) {
    const parsed: unknown = typeof whole === 'string' ? parseJson('secretArns', whole) : whole;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('secretArns: give a JSON object of integration name to secret ARN.');
    }
    Object.assign(given, parsed);
  }
  for (const [key, value] of Object.entries(context)) {
    if (key.startsWith('secretArns.')) given[key.slice('secretArns.'.length)] = value;
  }
  const known = Object.keys(projectTopology.integrations);
  const problems: string[] = [];
  const chosen: Record<string, string> = {};
  for (const [integration, arn] of Object.entries(given)) {
    if (!known.includes(integration)) {
      problems.push(`secretArns.${integration}: no such integration; the integrations are ${known.join(', ')}.`);
    } else if (typeof arn !== 'string' || !SECRET_ARN.test(arn.trim())) {
      problems.push(
        `secretArns.${integration}: not a Secrets Manager secret ARN (arn:aws:secretsmanager:...:secret:...).`,
      );
    } else if (Object.hasOwn(topology.integrations, integration)) {
      chosen[integration] = arn.trim();
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n- '));
  return chosen;
};

const parseJson = (key: string, text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${key}: not valid JSON.`);
  }
};

/** `throttle.public` and `throttle.admin` (route defaults) and `throttle.stage`, each `RATE/BURST`. */
const throttlesOf = (
  context: Readonly<Record<string, unknown>>,
): { routes?: Partial<Record<'public' | 'admin', RouteThrottle>>; stage?: RouteThrottle } => {
  const routes: Partial<Record<'public' | 'admin', RouteThrottle>> = {};
  let stage: RouteThrottle | undefined;
  const problems: string[] = [];
  for (const [key, target] of Object.entries(THROTTLE_KEYS)) {
    const value = context[key];
    if (value === undefined) continue;
    const throttle = throttleOf(value);
    if (!throttle) {
      problems.push(`${key}: give RATE/BURST, requests a second and burst, both positive (e.g. 50/100).`);
    } else if (target === 'stage') stage = throttle;
    else routes[target] = throttle;
  }
  if (problems.length > 0) throw new Error(problems.join('\n- '));
  return { ...(Object.keys(routes).length > 0 ? { routes } : {}), ...(stage ? { stage } : {}) };
};

/** `50/100` (or `{ rateLimit, burstLimit }` from cdk.json); API Gateway's burst is a whole number. */
const throttleOf = (value: unknown): RouteThrottle | undefined => {
  const [rate, burst] =
    typeof value === 'object' && value !== null
      ? [(value as Record<string, unknown>).rateLimit, (value as Record<string, unknown>).burstLimit]
      : String(value).split('/');
  const rateLimit = Number(rate);
  const burstLimit = Number(burst);
  const valid = Number.isFinite(rateLimit) && rateLimit > 0 && Number.isInteger(burstLimit) && burstLimit > 0;
  return valid ? { rateLimit, burstLimit } : undefined;
};

/** `logRetentionDays`: one of the periods CloudWatch Logs accepts, or nothing for the default (one month). */
const retentionOf = (value: unknown): logs.RetentionDays | undefined => {
  if (value === undefined || value === '') return undefined;
  const days = Number(value);
  if (!RETENTION_DAYS.includes(days)) {
    throw new Error(
      `logRetentionDays=${String(value)}: CloudWatch Logs keeps logs for ${RETENTION_DAYS.join(', ')} days (9999: never expire).`,
    );
  }
  return days as logs.RetentionDays;
};

/** `alarmEmail`: one address; SNS would accept a malformed one and never deliver. */
const alarmEmailOf = (value: unknown): string | undefined => {
  const email = String(value ?? '').trim();
  if (email === '') return undefined;
  if (!/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(email)) throw new Error(`alarmEmail=${email}: not one e-mail address.`);
  return email;
};

/** A yes/no context value: `true`/`false` as text (`-c`) or JSON. */
const flagOf = (key: string, value: unknown, fallback: boolean): boolean => {
  if (value === undefined || value === '') return fallback;
  const text = String(value).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new Error(`${key}=${String(value)}: give true or false.`);
};

export { stackPropsFromContext };
