import * as z from '../validation.js';
import type { IntegrationName } from '../../../lib/topology.js';

/**
 * What each integration needs to work, declared once: the fields of its
 * secret, the offline environment variable behind each field, and how the
 * outbound dispatcher authenticates to it.
 *
 * On AWS each integration has one Secrets Manager secret holding a JSON
 * object with these field names (`{"webhookSecret": "whsec_...", ...}`);
 * offline the same fields come from the environment variables named here.
 */
interface FieldSpec {
  readonly env: string;
  readonly schema: z.Schema<string>;
  /** Free-text hint shown when the field is missing or wrong. */
  readonly hint: string;
}

/** How outbound calls to an integration authenticate. */
export type AuthScheme =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly field: string }
  | { readonly kind: 'header'; readonly header: string; readonly field: string };

export interface IntegrationSpec {
  readonly title: string;
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** Field holding the base URL outbound paths are joined to, if any. */
  readonly baseUrlField?: string;
  readonly auth: AuthScheme;
}

const url = z.url({ protocol: /^https?$/ });
const text = z.string().check(z.minLength(1));
const longText = z.string().check(z.minLength(16));
// During a rotation the setting holds the old and the new secret, separated by a space or a comma.
const whsec = z
  .string()
  .check(z.regex(/^whsec_[A-Za-z0-9+/=]+(?:[\s,]+whsec_[A-Za-z0-9+/=]+)*$/, 'must be whsec_<base64>, or several separated by spaces'));
const email = z.email();

const field = (env: string, schema: z.Schema<string>, hint: string): FieldSpec => ({ env, schema, hint });

const integrations = {
  admin: {
    title: 'Admin API',
    fields: { token: field('ADMIN_TOKEN', longText, 'bearer token for /admin, at least 16 characters') },
    auth: { kind: 'none' },
  },
  crm: {
    title: 'CRM',
    fields: {
      webhookSecret: field('CRM_WEBHOOK_SECRET', whsec, 'Standard Webhooks secret (whsec_...)'),
      apiUrl: field('CRM_API_URL', url, 'base URL of the CRM API'),
      apiKey: field('CRM_API_KEY', text, 'CRM API key'),
    },
    baseUrlField: 'apiUrl',
    auth: { kind: 'bearer', field: 'apiKey' },
  },
  inventory: {
    title: 'Inventory webhooks',
    fields: { webhookSecret: field('INVENTORY_WEBHOOK_SECRET', whsec, 'Standard Webhooks secret (whsec_...)') },
    auth: { kind: 'none' },
  },
  erp: {
    title: 'ERP',
    fields: {
      webhookKey: field('ERP_WEBHOOK_KEY', longText, 'static API key the ERP sends on webhooks'),
      apiUrl: field('ERP_API_URL', url, 'base URL of the ERP API'),
      apiKey: field('ERP_API_KEY', text, 'ERP API key'),
    },
    baseUrlField: 'apiUrl',
    auth: { kind: 'bearer', field: 'apiKey' },
  },
  ecommerce: {
    title: 'E-commerce shop',
    fields: {
      apiUrl: field('ECOMMERCE_API_URL', url, 'base URL of the shop API'),
      apiKey: field('ECOMMERCE_API_KEY', text, 'shop API key'),
    },
    baseUrlField: 'apiUrl',
    auth: { kind: 'bearer', field: 'apiKey' },
  },
  pos: {
    title: 'Point of sale',
    fields: {
      apiUrl: field('POS_API_URL', url, 'base URL of the POS API'),
      apiKey: field('POS_API_KEY', text, 'POS API key'),
    },
    baseUrlField: 'apiUrl',
    auth: { kind: 'header', header: 'X-API-Key', field: 'apiKey' },
  },
  wms: {
    title: 'Warehouse system',
    fields: {
      apiUrl: field('WMS_API_URL', url, 'base URL of the WMS API'),
      apiKey: field('WMS_API_KEY', text, 'WMS API key'),
    },
    baseUrlField: 'apiUrl',
    auth: { kind: 'bearer', field: 'apiKey' },
  },
  slack: {
    title: 'Slack',
    fields: { webhookUrl: field('SLACK_WEBHOOK_URL', url, 'Slack incoming-webhook URL') },
    baseUrlField: 'webhookUrl',
    auth: { kind: 'none' },
  },
  pagerduty: {
    title: 'PagerDuty',
    fields: {
      eventsUrl: field('PAGERDUTY_EVENTS_URL', url, 'PagerDuty Events API v2 URL'),
      routingKey: field('PAGERDUTY_ROUTING_KEY', text, 'PagerDuty routing key'),
    },
    baseUrlField: 'eventsUrl',
    auth: { kind: 'none' },
  },
  mail: {
    title: 'Mail (SES)',
    fields: { from: field('MAIL_FROM', email, 'verified SES sender address') },
    auth: { kind: 'none' },
  },
} as const satisfies Record<IntegrationName, IntegrationSpec>;

export type Integrations = typeof integrations;
/** The settings of one integration: its field names mapped to strings. */
export type IntegrationSettings<N extends IntegrationName> = { readonly [F in keyof Integrations[N]['fields']]: string };

export { integrations };
