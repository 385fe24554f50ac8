import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { HttpError } from '../http/responses.js';
import { logger } from '../observability.js';
import * as z from '../validation.js';
import { secretEnvName } from '../wiring/env-names.js';
import {
  type IntegrationName,
  type IntegrationSettings,
  type Integrations,
  type SecretField,
  type SettingFormat,
  integrations,
} from '../wiring/integrations.js';

/**
 * Reads an integration's settings, validated by zod.
 *
 * On AWS the stack gives each function that uses an integration the ARN of
 * its secret (`CRM_SECRET_ARN`, ...); the JSON value is fetched once and
 * cached for {@link CACHE_MS}, so a rotated secret is picked up within
 * minutes without a cold start. Offline, when no ARN is set, each field comes
 * from its environment variable (`CRM_WEBHOOK_SECRET`, ...; see
 * `wiring/integrations.ts`), which `npm start` also reads from `.env`.
 *
 * Values never reach a log line: problems name the field, not its content.
 */
const CACHE_MS = 5 * 60_000;

/**
 * The check behind each format an integration field declares, built on the
 * first secret read rather than at import: zod schemas cost at load, and a
 * cold start should pay only for what its first request uses (issue 15).
 */
const buildFormats = (): Readonly<Record<SettingFormat, z.Schema<string>>> => ({
  url: z.url({ protocol: /^https?$/ }),
  text: z.string().check(z.minLength(1)),
  token: z.string().check(z.minLength(16)),
  // Several during a rotation, each checked on its own: one short entry makes the whole setting invalid
  // (and so no token valid), rather than letting a guessable token in beside a good one.
  tokens: z
    .string()
    .check(
      z.regex(
        /^[\s,]*[^\s,]{16,}(?:[\s,]+[^\s,]{16,})*[\s,]*$/,
        'must be a token of at least 16 characters, or several separated by spaces',
      ),
    ),
  email: z.email(),
  // During a rotation the setting holds the old and the new secret, separated by a space or a comma.
  'webhook-secrets': z
    .string()
    .check(
      z.regex(
        /^whsec_[A-Za-z0-9+/=]+(?:[\s,]+whsec_[A-Za-z0-9+/=]+)*$/,
        'must be whsec_<base64>, or several separated by spaces',
      ),
    ),
});
let builtFormats: Readonly<Record<SettingFormat, z.Schema<string>>> | undefined;
const formats = (): Readonly<Record<SettingFormat, z.Schema<string>>> => (builtFormats ??= buildFormats());

type Loaded<N extends IntegrationName> =
  | { readonly ok: true; readonly settings: IntegrationSettings<N> }
  | { readonly ok: false; readonly problems: readonly string[] };

const cache = new Map<string, { readonly at: number; readonly raw: Record<string, unknown> }>();
let secretsClient: SecretsManagerClient | undefined;

const readRaw = async (name: IntegrationName): Promise<Record<string, unknown>> => {
  const arn = process.env[secretEnvName(name)];
  const spec = integrations[name];
  if (!arn) {
    return Object.fromEntries(Object.entries(spec.fields).map(([key, f]) => [key, process.env[f.env] || undefined]));
  }
  const hit = cache.get(arn);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.raw;
  secretsClient ??= new SecretsManagerClient({});
  const out = await secretsClient.send(new GetSecretValueCommand({ SecretId: arn }));
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(out.SecretString ?? '{}');
    if (parsed && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  } catch {
    logger.error('secret is not a JSON object', { integration: name });
  }
  cache.set(arn, { at: Date.now(), raw });
  return raw;
};

/**
 * The settings of an integration, or the list of what is missing or wrong.
 * `only` limits the check to the fields a caller needs (an inbound webhook
 * needs its secret, not the outbound API key).
 *
 * @example
 * const crm = await loadIntegration('crm');
 * if (!crm.ok) logger.warn('CRM not configured', { problems: crm.problems });
 */
const loadIntegration = async <N extends IntegrationName>(
  name: N,
  only?: readonly (keyof Integrations[N]['fields'] & string)[],
): Promise<Loaded<N>> => {
  const spec = integrations[name];
  const raw = await readRaw(name);
  const onAws = Boolean(process.env[secretEnvName(name)]);
  // The same values check the same way: judged once, not on every request (zod costs ~20 µs a field).
  const key = JSON.stringify([name, onAws, only, Object.keys(spec.fields).map((field) => raw[field])]);
  const known = judged.get(key) as Loaded<N> | undefined;
  if (known) return known;
  const loaded = judge(spec.fields, raw, onAws, only);
  if (judged.size >= MAX_JUDGED) judged.clear();
  judged.set(key, loaded);
  return loaded as Loaded<N>;
};

/** Settings already checked, by integration and values; a rotation or a changed variable makes a new entry. */
const judged = new Map<string, Loaded<IntegrationName>>();
const MAX_JUDGED = 64;

const judge = (
  fields: Readonly<Record<string, SecretField>>,
  raw: Record<string, unknown>,
  onAws: boolean,
  only: readonly string[] | undefined,
): Loaded<IntegrationName> => {
  const problems: string[] = [];
  const settings: Record<string, string> = {};
  for (const [key, f] of Object.entries(fields)) {
    if (only && !only.includes(key)) continue;
    const where = onAws ? `secret field ${key}` : f.env;
    const value = raw[key];
    if (value === undefined || value === null || value === '') {
      problems.push(`${where} is not set (${f.hint})`);
      continue;
    }
    const parsed = z.safeParse(formats()[f.format], value);
    if (parsed.success) settings[key] = parsed.data;
    else problems.push(`${where} is invalid: ${parsed.error.issues[0]?.message ?? 'bad value'} (${f.hint})`);
  }
  // Frozen: one answer is handed to every request that sees the same values.
  if (problems.length > 0) return Object.freeze({ ok: false, problems: Object.freeze(problems) });
  return Object.freeze({ ok: true, settings: Object.freeze(settings) as IntegrationSettings<IntegrationName> });
};

/**
 * Like {@link loadIntegration}, for a request path: answers 503 naming what
 * is missing when the integration is not configured, and logs it once per
 * request so an operator can find it.
 */
const requireIntegration = async <N extends IntegrationName>(
  name: N,
  only?: readonly (keyof Integrations[N]['fields'] & string)[],
): Promise<IntegrationSettings<N>> => {
  const loaded = await loadIntegration(name, only);
  if (loaded.ok) return loaded.settings;
  const title = integrations[name].title;
  logger.warn('integration not configured', { integration: name, problems: loaded.problems });
  throw new HttpError(503, `${title} integration is not configured: ${loaded.problems.join('; ')}`);
};

/** Empty the cache (tests, and after a rotation when waiting is not wanted). */
const clearSecretCache = (): void => {
  cache.clear();
  judged.clear();
};

export { loadIntegration, requireIntegration, clearSecretCache };
