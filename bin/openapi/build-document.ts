import * as z from '../../functions/kernel/validation.js';
import type { RouteSpec } from '../../lib/topology-spec.js';
import type { BodyDoc, RouteDoc, RouteSecurity } from './route-docs.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One topology route with the fragment (the tag) that declares it. */
export interface TaggedRoute extends RouteSpec {
  readonly tag: string;
}

// Input side: what a caller sends (query strings before they become numbers); transforms and refinements become `{}`.
const JSON_SCHEMA_OPTIONS = { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' } as const;

const ERROR_NAMES: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  503: 'Unavailable',
};
const ERROR_TEXT: Readonly<Record<number, string>> = {
  400: 'Invalid input: `error` names each failing field, `issues` lists them as `{path, message}`.',
  401: 'No credentials, or credentials that do not verify (`Invalid signature: <reason>` for webhooks).',
  403: 'The credentials are refused.',
  404: 'Nothing by that name or id.',
  409: 'A concurrent change, a version that moved on, or a delivery still in progress (`Retry-After`).',
  413: 'The body is too large to store.',
  503: 'The integration is not configured, or a dependency is unavailable; retry later.',
};

/** `GET /admin/records/{type}` -> `getAdminRecordsByType`: stable, unique per method and path. */
const operationIdOf = (method: string, path: string): string =>
  method.toLowerCase() +
  path
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      const name = part.replace(/^\{(.+)\}$/, '$1');
      const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
      const camel = words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('');
      return part.startsWith('{') ? `By${camel}` : camel;
    })
    .join('');

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the `$schema` line. */
const jsonSchemaOf = (schema: z.Schema): JsonObject => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS) as JsonObject;
  if ('$defs' in rest) throw new Error('a schema with $defs needs hoisting into components; none has one yet');
  return rest;
};

const pathNamesOf = (path: string): string[] => [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');

/** The parameters of one location from an object schema: one per property, `required` as the schema says. */
const parametersOf = (where: 'path' | 'query', schema: z.Schema): JsonObject[] => {
  const json = jsonSchemaOf(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
};

/** Query parameters of one or several alternative schemas: each name once, required only if every alternative requires it. */
const queryParametersOf = (query: z.Schema | readonly z.Schema[]): JsonObject[] => {
  const alternatives = (Array.isArray(query) ? query : [query]).map((schema) => parametersOf('query', schema));
  const byName = new Map<string, JsonObject>();
  for (const parameter of alternatives.flat()) {
    const name = parameter.name as string;
    const everywhere = alternatives.every((parameters) => parameters.some((p) => p.name === name && p.required));
    if (!byName.has(name)) byName.set(name, { ...parameter, required: everywhere });
  }
  return [...byName.values()];
};

const pathParametersOf = (route: TaggedRoute, doc: RouteDoc): JsonObject[] => {
  const declared = doc.path === undefined ? [] : parametersOf('path', doc.path);
  const names = pathNamesOf(route.path);
  const missing = names
    .filter((name) => !declared.some((parameter) => parameter.name === name))
    .map((name) => ({
      name,
      in: 'path',
      required: true,
      description: 'Not schema-checked.',
      schema: { type: 'string' },
    }));
  const extra = declared.filter((parameter) => !names.includes(parameter.name as string));
  if (extra.length > 0) throw new Error(`${route.method} ${route.path}: path schema names ${extra.map((p) => p.name)}`);
  return [...declared, ...missing].sort((a, b) => names.indexOf(a.name as string) - names.indexOf(b.name as string));
};

const requestBodyOf = (body: BodyDoc, components: JsonObject): JsonObject => {
  const contentType = body.contentType ?? 'application/json';
  if ('freeForm' in body) {
    return { required: true, description: `Free-form: ${body.freeForm}`, content: { [contentType]: { schema: {} } } };
  }
  const json = jsonSchemaOf(body.schema);
  const known = components[body.name];
  if (known !== undefined && JSON.stringify(known) !== JSON.stringify(json)) {
    throw new Error(`two different body schemas are named ${body.name}`);
  }
  components[body.name] = json;
  return { required: true, content: { [contentType]: { schema: { $ref: `#/components/schemas/${body.name}` } } } };
};

const SECURITY_ERRORS: Readonly<Record<RouteSecurity, readonly number[]>> = {
  adminBearer: [401, 403],
  standardWebhooks: [401],
  erpApiKey: [401],
  scimBearer: [401],
  none: [],
};

const SECURITY: Readonly<Record<RouteSecurity, Json[]>> = {
  adminBearer: [{ adminBearer: [] }],
  // All three headers together: one requirement object.
  standardWebhooks: [{ webhookId: [], webhookTimestamp: [], webhookSignature: [] }],
  erpApiKey: [{ erpApiKey: [] }],
  scimBearer: [{ scimBearer: [] }],
  none: [],
};

const responsesOf = (doc: RouteDoc): JsonObject => {
  const scim = doc.security === 'scimBearer';
  const ok: JsonObject =
    doc.ok.status === 204
      ? { description: doc.ok.description }
      : {
          description: doc.ok.description,
          content: { [doc.ok.contentType ?? 'application/json']: { schema: (doc.ok.schema ?? {}) as Json } },
        };
  const statuses = [...new Set([...doc.errors, ...SECURITY_ERRORS[doc.security]])].sort((a, b) => a - b);
  const errors = Object.fromEntries(
    statuses.map((status) => {
      const name = ERROR_NAMES[status];
      if (name === undefined) throw new Error(`no error response for ${status}`);
      return [String(status), { $ref: `#/components/responses/${scim ? 'Scim' : ''}${name}` }];
    }),
  );
  return { [String(doc.ok.status)]: ok, ...errors };
};

const errorResponses = (): JsonObject =>
  Object.fromEntries(
    Object.entries(ERROR_NAMES).flatMap(([status, name]) => [
      [
        name,
        {
          description: ERROR_TEXT[Number(status)] ?? name,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      ],
      [
        `Scim${name}`,
        {
          description: `${ERROR_TEXT[Number(status)] ?? name} In the SCIM error schema (RFC 7644 3.12).`,
          content: { 'application/scim+json': { schema: { $ref: '#/components/schemas/ScimError' } } },
        },
      ],
    ]),
  );

const SHARED_SCHEMAS: JsonObject = {
  Error: {
    type: 'object',
    description: "Every refusal but SCIM's. A 500 carries `correlation_id` instead of details, never a stack trace.",
    properties: {
      error: { type: 'string' },
      issues: {
        type: 'array',
        items: {
          type: 'object',
          properties: { path: { type: 'string' }, message: { type: 'string' } },
          required: ['path', 'message'],
        },
      },
      retry_after_seconds: { type: 'integer' },
      correlation_id: { type: 'string' },
    },
    required: ['error'],
  },
  ScimError: {
    type: 'object',
    properties: {
      schemas: { type: 'array', items: { const: 'urn:ietf:params:scim:api:messages:2.0:Error' } },
      status: { type: 'string' },
      scimType: { type: 'string' },
      detail: { type: 'string' },
    },
    required: ['schemas', 'status'],
  },
};

const SECURITY_SCHEMES: JsonObject = {
  adminBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'The admin token, checked by the admin authorizer before the handler runs.',
  },
  webhookId: {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-id',
    description: 'Standard Webhooks: the delivery id, the key redeliveries are deduplicated on.',
  },
  webhookTimestamp: {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-timestamp',
    description: 'Standard Webhooks: seconds since the epoch; too old or too far ahead is refused.',
  },
  webhookSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-signature',
    description:
      'Standard Webhooks: `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, several space-separated during a rotation.',
  },
  erpApiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: 'The ERP webhook key (several accepted during a rotation).',
  },
  scimBearer: { type: 'http', scheme: 'bearer', description: 'The SCIM token the identity provider is given.' },
};

/**
 * Builds the OpenAPI 3.1 description of the HTTP API from the topology's
 * routes and the route docs: one operation per route, tagged with the
 * fragment that declares it, request inputs from the handlers' zod schemas.
 * Pure and deterministic (routes keep topology order), so the checked-in
 * file can be compared with a fresh build.
 *
 * @throws Error naming every route without a doc and every doc without a route.
 *
 * @example
 * const document = buildOpenApiDocument(fragments.flatMap((f) => (f.routes ?? []).map((r) => ({ ...r, tag: f.name }))), routeDocs);
 */
const buildOpenApiDocument = (routes: readonly TaggedRoute[], docs: Readonly<Record<string, RouteDoc>>): JsonObject => {
  const keys = routes.map((route) => `${route.method} ${route.path}`);
  const undocumented = keys.filter((key) => docs[key] === undefined);
  const unrouted = Object.keys(docs).filter((key) => !keys.includes(key));
  if (undocumented.length > 0 || unrouted.length > 0) {
    throw new Error(
      `The route docs do not match the topology:${undocumented.map((key) => `\n- no doc for ${key}`).join('')}${unrouted.map((key) => `\n- no route for doc ${key}`).join('')}`,
    );
  }
  const schemas: JsonObject = { ...SHARED_SCHEMAS };
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const doc = docs[`${route.method} ${route.path}`] as RouteDoc;
    const parameters = [
      ...pathParametersOf(route, doc),
      ...(doc.query === undefined ? [] : queryParametersOf(doc.query)),
    ];
    const operation: JsonObject = {
      operationId: operationIdOf(route.method, route.path),
      tags: [route.tag],
      summary: doc.summary,
      ...(doc.description === undefined ? {} : { description: doc.description }),
      security: SECURITY[doc.security],
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(doc.body === undefined ? {} : { requestBody: requestBodyOf(doc.body, schemas) }),
      responses: responsesOf(doc),
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  const tags = [...new Set(routes.map((route) => route.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'sync-tools HTTP API',
      version: '1.0.0',
      description:
        "Generated by `npm run openapi` from the topology and the handlers' zod schemas; do not edit by hand. " +
        'Every route is throttled per route by API Gateway (429 above its budget).',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags,
    paths,
    components: { schemas, responses: errorResponses(), securitySchemes: SECURITY_SCHEMES },
  };
};

export { buildOpenApiDocument, operationIdOf };
