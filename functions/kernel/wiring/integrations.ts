/**
 * Every integration, declared once with the fields of its settings: the
 * name, what it is, each secret field with the offline environment variable
 * behind it, its format and a hint, and how the dispatcher authenticates to
 * it.
 *
 * On AWS each integration has one Secrets Manager secret holding a JSON
 * object with these field names (`{"webhookSecret": "whsec_...", ...}`); the
 * stack creates one per entry here and lists the fields in its description.
 * Offline the same fields come from the environment variables named here.
 *
 * Plain data that imports nothing (see `env-names.ts`): the CDK app reads it
 * to create the secrets, `config/secrets.ts` to load and validate them.
 */

/**
 * How a field's value is checked (`config/secrets.ts` holds the checks):
 * `url` http(s) URL; `text` non-empty; `token` 16+ characters; `email`;
 * `webhook-secrets` one or more `whsec_<base64>` separated by spaces or
 * commas (several during a rotation); `tokens` one or more tokens of 16+
 * characters, none holding a space or a comma, separated by spaces or
 * commas (the old and the new one during a rotation).
 */
export type SettingFormat = 'url' | 'text' | 'token' | 'tokens' | 'email' | 'webhook-secrets';

export interface SecretField {
  /** The offline environment variable. */
  readonly env: string;
  readonly format: SettingFormat;
  /** Free-text hint shown when the field is missing or wrong, and in the secret's description. */
  readonly hint: string;
}

/** How outbound calls to an integration authenticate. */
export type AuthScheme =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly field: string }
  | { readonly kind: 'header'; readonly header: string; readonly field: string };

export interface IntegrationSpec {
  readonly title: string;
  readonly fields: Readonly<Record<string, SecretField>>;
  /** Field holding the base URL outbound paths are joined to, if any. */
  readonly baseUrlField?: string;
  readonly auth: AuthScheme;
  /** Whether the dispatcher calls it over HTTP (outbound messages may name it). */
  readonly called: boolean;
}

const integrations = {
  admin: {
    title: 'Admin API',
    fields: {
      token: {
        env: 'ADMIN_TOKEN',
        format: 'tokens',
        hint: 'bearer token for /admin, at least 16 characters; during a rotation the old and the new one, separated by a space',
      },
    },
    auth: { kind: 'none' },
    called: false,
  },
  crm: {
    title: 'CRM',
    fields: {
      webhookSecret: {
        env: 'CRM_WEBHOOK_SECRET',
        format: 'webhook-secrets',
        hint: 'Standard Webhooks secret (whsec_...)',
      },
      apiUrl: { env: 'CRM_API_URL', format: 'url', hint: 'base URL of the CRM API' },
      apiKey: { env: 'CRM_API_KEY', format: 'text', hint: 'CRM API key' },
    },
    baseUrlField: 'apiUrl',
    auth: { kind: 'bearer', field: 'apiKey' },
    called: true,
  },
  inventory: {
    title: 'Inventory webhooks',
    fields: {
      webhookSecret: {
        env: 'INVENTORY_WEBHOOK_SECRET',
        format: 'webhook-secrets',
        hint: 'Standard Webhooks secret (whsec_...)',
      },
    },
    auth: { kind: 'none' },
    called: false,
  },
  erp: {
    title: 'ERP',
    fields: {
      webhookKey: {
        env: 'ERP_WEBHOOK_KEY',
        format: 'tokens',
        hint: 'API key the ERP sends in x-api-key on webhooks, at least 16 characters; during a rotation the old and the new one, separated by a space',
      },
      apiUrl: { env: 'ERP_API_URL', format: 'url', hint: 'base URL of the ERP API' },
      apiKey: { env: 'ERP_API_KEY', format: 'text', hint: 'ERP API key' },
    },
    baseUrlField: 'apiUrl',
    auth: { kind: 'bearer', field: 'apiKey' },
    called: true,
  },
  hr: {
    title: 'HR system webhooks',
    fields: {
      webhookSecret: {
        env: 'HR_WEBHOOK_SECRET',
        format: 'webhook-secrets',
        hint: 'Standard Webhooks secret (whsec_...) the HR system signs /webhooks/hr with',
      },
    },
    auth: { kind: 'none' },
    called: false,
  },
  idp: {
    title: 'Identity provider (SCIM)',
    fields: {
      token: {
        env: 'SCIM_TOKEN',
        format: 'tokens',
        hint: 'bearer token Okta or Entra ID sends to /scim/v2, at least 16 characters; during a rotation the old and the new one, separated by a space',
      },
    },
    auth: { kind: 'none' },
    called: false,
  },
  directory: {
    title: 'Downstream SCIM directory',
    fields: {
      scimUrl: {
        env: 'DIRECTORY_SCIM_URL',
        format: 'url',
        hint: 'SCIM 2.0 base URL of the directory users and groups are pushed to, e.g. https://dir.example.com/scim/v2',
      },
      token: { env: 'DIRECTORY_SCIM_TOKEN', format: 'text', hint: 'bearer token for the downstream SCIM directory' },
    },
    baseUrlField: 'scimUrl',
    auth: { kind: 'bearer', field: 'token' },
    called: true,
  },
  ecommerce: {
    title: 'E-commerce shop',
    fields: {
      apiUrl: { env: 'ECOMMERCE_API_URL', format: 'url', hint: 'base URL of the shop API' },
      apiKey: { env: 'ECOMMERCE_API_KEY', format: 'text', hint: 'shop API key' },
    },
    baseUrlField: 'apiUrl',
    auth: { kind: 'bearer', field: 'apiKey' },
    called: true,
  },
  pos: {
    title: 'Point of sale',
    fields: {
      apiUrl: { env: 'POS_API_URL', format: 'url', hint: 'base URL of the POS API' },
      apiKey: { env: 'POS_API_KEY', format: 'text', hint: 'POS API key' },
    },
    baseUrlField: 'apiUrl',
    auth: { kind: 'header', header: 'X-API-Key', field: 'apiKey' },
    called: true,
  },
  wms: {
    title: 'Warehouse system',
    fields: {
      apiUrl: { env: 'WMS_API_URL', format: 'url', hint: 'base URL of the WMS API' },
      apiKey: { env: 'WMS_API_KEY', format: 'text', hint: 'WMS API key' },
    },
    baseUrlField: 'apiUrl',
    auth: { kind: 'bearer', field: 'apiKey' },
    called: true,
  },
  slack: {
    title: 'Slack',
    fields: { webhookUrl: { env: 'SLACK_WEBHOOK_URL', format: 'url', hint: 'Slack incoming-webhook URL' } },
    baseUrlField: 'webhookUrl',
    auth: { kind: 'none' },
    called: true,
  },
  pagerduty: {
    title: 'PagerDuty',
    fields: {
      eventsUrl: { env: 'PAGERDUTY_EVENTS_URL', format: 'url', hint: 'PagerDuty Events API v2 URL' },
      routingKey: { env: 'PAGERDUTY_ROUTING_KEY', format: 'text', hint: 'PagerDuty routing key' },
    },
    baseUrlField: 'eventsUrl',
    auth: { kind: 'none' },
    called: true,
  },
  mail: {
    title: 'Mail (SES)',
    fields: { from: { env: 'MAIL_FROM', format: 'email', hint: 'verified SES sender address' } },
    auth: { kind: 'none' },
    called: false,
  },
} as const satisfies Record<string, IntegrationSpec>;

export type Integrations = typeof integrations;
export type IntegrationName = keyof Integrations;
/** The integrations the dispatcher calls over HTTP. */
export type CalledIntegration = {
  [N in IntegrationName]: Integrations[N]['called'] extends true ? N : never;
}[IntegrationName];
/** The settings of one integration: its field names mapped to strings. */
export type IntegrationSettings<N extends IntegrationName> = {
  readonly [F in keyof Integrations[N]['fields']]: string;
};

const integrationNames = Object.keys(integrations) as IntegrationName[];
const calledIntegrations = integrationNames.filter((name) => integrations[name].called) as CalledIntegration[];

export { integrations, integrationNames, calledIntegrations };
