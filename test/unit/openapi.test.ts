import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, type TaggedRoute } from '../../bin/openapi/build-document.js';
import { OPENAPI_FILE, renderOpenApi } from '../../bin/openapi/render-openapi.js';
import type { RouteDoc } from '../../bin/openapi/route-docs.js';
import { SETTING_KEYS } from '../../functions/kernel/settings/settings-schema.js';
import * as z from '../../functions/kernel/validation.js';
import { fragments, topology } from '../../lib/topology.js';
import { bundledFiles } from '../helpers/source-graph.js';

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, walked by key.
type Doc = any;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every `[method, path, operation]` of a document. */
const operationsOf = (doc: Doc): [string, string, Doc][] =>
  Object.entries(doc.paths as Record<string, Record<string, Doc>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, string, Doc] => [method, path, operation]),
  );

/** Every `$ref` value anywhere in a JSON value. */
const refsOf = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsOf(inner),
  );
};

/** The value a local JSON pointer (`#/components/schemas/Error`) names, or undefined. */
const resolve = (doc: Doc, ref: string): unknown => {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<Doc>((node, part) => (node !== null && typeof node === 'object' ? node[part] : undefined), doc);
};

const aDoc = (overrides: Partial<RouteDoc> = {}): RouteDoc => ({
  summary: 'Read a thing',
  security: 'adminBearer',
  ok: { status: 200, description: 'The thing.' },
  errors: [404],
  ...overrides,
});

const aRoute = (overrides: Partial<TaggedRoute> = {}): TaggedRoute => ({
  method: 'GET',
  path: '/admin/things/{id}',
  function: 'things',
  auth: 'admin',
  tag: 'things',
  ...overrides,
});

describe('OpenAPI description', () => {
  let fresh: string;
  let doc: Doc;

  beforeAll(() => {
    fresh = renderOpenApi();
    doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
  });

  it('is checked in exactly as a fresh generation writes it (run `npm run openapi` after changing a route)', () => {
    // Act
    const checkedIn = readFileSync(OPENAPI_FILE, 'utf8');

    // Assess
    expect(checkedIn).toBe(fresh);
  });

  it('describes every topology route exactly once with its method and path, and nothing else', () => {
    // Prepare
    const routes = topology.routes.map((route) => `${route.method} ${route.path}`).sort();

    // Act
    const described = operationsOf(doc)
      .map(([method, path]) => `${method.toUpperCase()} ${path}`)
      .sort();

    // Assess
    expect(new Set(routes).size).toBe(routes.length);
    expect(described).toEqual(routes);
  });

  it('declares OpenAPI 3.1 with an info block, absolute paths and only HTTP methods as operations', () => {
    // Assess
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }));
    for (const [method, path, operation] of operationsOf(doc)) {
      expect(path).toMatch(/^\//);
      expect(HTTP_METHODS).toContain(method);
      expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
      for (const status of Object.keys(operation.responses)) expect(status).toMatch(/^[1-5]\d\d$/);
    }
  });

  it('gives every operation a unique operationId', () => {
    // Act
    const ids = operationsOf(doc).map(([, , operation]) => operation.operationId);

    // Assess
    expect(ids.every((id) => typeof id === 'string' && /^[A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref inside the document', () => {
    // Act
    const refs = refsOf(doc);
    const dangling = refs.filter((ref) => resolve(doc, ref) === undefined);

    // Assess
    expect(refs.length).toBeGreaterThan(0);
    expect(dangling).toEqual([]);
  });

  it('declares each path template parameter once, required, in the path', () => {
    // Act
    const problems = operationsOf(doc).flatMap(([method, path, operation]) => {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((parameter: Doc) => parameter.in === 'path');
      const declaredNames = declared.map((parameter: Doc) => parameter.name);
      const unrequired = declared.filter((parameter: Doc) => parameter.required !== true);
      return JSON.stringify(declaredNames) === JSON.stringify(names) && unrequired.length === 0
        ? []
        : [`${method} ${path}`];
    });

    // Assess
    expect(problems).toEqual([]);
  });

  it('names only declared security schemes, the admin bearer token on every admin route', () => {
    // Prepare
    const schemes = Object.keys(doc.components.securitySchemes);
    const adminRoutes = new Set(topology.routes.filter((r) => r.auth === 'admin').map((r) => `${r.method} ${r.path}`));

    // Act
    const operations = operationsOf(doc);
    const named = operations.flatMap(([, , operation]) => operation.security.flatMap(Object.keys));
    const adminWithout = operations
      .filter(([method, path]) => adminRoutes.has(`${method.toUpperCase()} ${path}`))
      .filter(([, , operation]) => JSON.stringify(operation.security) !== JSON.stringify([{ adminBearer: [] }]));

    // Assess
    expect(named.filter((name: string) => !schemes.includes(name))).toEqual([]);
    expect(adminWithout).toEqual([]);
  });

  it('asks the Standard Webhooks headers of the CRM webhook and x-api-key of the ERP webhook', () => {
    // Act
    const crm = doc.paths['/webhooks/crm'].post.security;
    const erp = doc.paths['/webhooks/erp'].post.security;

    // Assess
    expect(crm).toEqual([{ webhookId: [], webhookTimestamp: [], webhookSignature: [] }]);
    expect(doc.components.securitySchemes.webhookSignature).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'webhook-signature' }),
    );
    expect(erp).toEqual([{ erpApiKey: [] }]);
    expect(doc.components.securitySchemes.erpApiKey).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
    );
  });

  it('tags each operation with the fragment that declares its route', () => {
    // Prepare
    const expected = fragments.flatMap((fragment) =>
      (fragment.routes ?? []).map((route) => `${route.method} ${route.path} ${fragment.name}`),
    );

    // Act
    const tagged = operationsOf(doc).map(
      ([method, path, operation]) => `${method.toUpperCase()} ${path} ${operation.tags.join(',')}`,
    );

    // Assess
    expect(tagged.sort()).toEqual(expected.sort());
    expect(doc.tags.map((tag: Doc) => tag.name).sort()).toEqual(
      fragments
        .filter((f) => (f.routes ?? []).length > 0)
        .map((f) => f.name)
        .sort(),
    );
  });

  it("takes the request body and query from the handler's own zod schemas", () => {
    // Act
    const redrive = doc.components.schemas.RedriveRequest;
    const historyKey = doc.paths['/admin/settings/history'].get.parameters.find((p: Doc) => p.name === 'key');

    // Assess
    expect(doc.paths['/admin/dlq/redrive'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/RedriveRequest',
    });
    expect(Object.keys(redrive.properties).sort()).toEqual(['before', 'integration', 'message_ids', 'queue']);
    expect(redrive.additionalProperties).toBe(false);
    expect(historyKey).toEqual(
      expect.objectContaining({
        in: 'query',
        required: false,
        schema: expect.objectContaining({ enum: SETTING_KEYS }),
      }),
    );
  });

  it('answers a 400 in the {error, issues?} shape on routes that parse input', () => {
    // Act
    const badRequest = doc.paths['/admin/conflicts/{id}/resolve'].post.responses['400'];
    const error = doc.components.schemas.Error;

    // Assess
    expect(resolve(doc, badRequest.$ref)).toEqual(
      expect.objectContaining({
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      }),
    );
    expect(error.required).toEqual(['error']);
    expect(Object.keys(error.properties)).toEqual(expect.arrayContaining(['error', 'issues']));
  });

  it('says so where a path parameter or a body has no schema', () => {
    // Act
    const userId = doc.paths['/admin/users/{id}'].get.parameters[0];
    const patch = doc.paths['/scim/v2/Users/{id}'].patch.requestBody;

    // Assess
    expect(userId).toEqual(expect.objectContaining({ name: 'id', in: 'path', description: 'Not schema-checked.' }));
    expect(patch.description).toMatch(/^Free-form: /);
  });
});

describe('OpenAPI generator', () => {
  it.each(Object.entries(topology.functions))('stays out of the %s bundle', (_name, spec) => {
    // Act
    const bundled = bundledFiles(spec.entry).filter((file) => file.startsWith('bin/'));

    // Assess
    expect(bundled).toEqual([]);
  });
});

describe('buildOpenApiDocument', () => {
  it('refuses a topology route without a doc, and a doc without a route, naming both', () => {
    // Prepare
    const routes = [aRoute({ path: '/admin/things/{id}' })];
    const docs = { 'GET /admin/other/{id}': aDoc() };

    // Act
    const build = () => buildOpenApiDocument(routes, docs);

    // Assess
    expect(build).toThrow(/no doc for GET \/admin\/things\/\{id\}[\s\S]*no route for doc GET \/admin\/other\/\{id\}/);
  });

  it('refuses a path schema that names a parameter the path does not have', () => {
    // Prepare
    const routes = [aRoute()];
    const docs = { 'GET /admin/things/{id}': aDoc({ path: z.object({ id: z.string(), other: z.string() }) }) };

    // Act
    const build = () => buildOpenApiDocument(routes, docs);

    // Assess
    expect(build).toThrow(/path schema names other/);
  });

  it('refuses two different body schemas under one component name', () => {
    // Prepare
    const routes = [aRoute({ method: 'PUT' }), aRoute({ method: 'POST' })];
    const docs = {
      'PUT /admin/things/{id}': aDoc({ body: { name: 'Thing', schema: z.object({ a: z.string() }) } }),
      'POST /admin/things/{id}': aDoc({ body: { name: 'Thing', schema: z.object({ b: z.string() }) } }),
    };

    // Act
    const build = () => buildOpenApiDocument(routes, docs);

    // Assess
    expect(build).toThrow(/two different body schemas are named Thing/);
  });

  it('adds the 401 and 403 of the admin token to the refusals a doc names', () => {
    // Prepare
    const routes = [aRoute()];
    const docs = { 'GET /admin/things/{id}': aDoc({ errors: [404] }) };

    // Act
    const built = buildOpenApiDocument(routes, docs) as Doc;

    // Assess
    expect(Object.keys(built.paths['/admin/things/{id}'].get.responses)).toEqual(['200', '401', '403', '404']);
  });
});
