import { type AttributeDef, type ResourceTypeName, type SchemaDef, resourceTypes } from './schema.js';

const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/**
 * The most resources one filtered or listed answer holds; a larger `count`
 * is lowered to it (RFC 7644 §3.4.2.4), and `/ServiceProviderConfig` says so.
 */
const SCIM_MAX_RESULTS = 200;

type Doc = Record<string, unknown>;

/**
 * `/ServiceProviderConfig` (RFC 7643 §5): exactly what this service does.
 * PATCH and filters yes; bulk, sort, password change and ETags no (no
 * `If-Match` check is enforced, so advertising ETags would be a lie Okta and
 * Entra would act on); OAuth bearer tokens.
 *
 * @example
 * serviceProviderConfig('https://api.example.com/scim/v2').filter; // { supported: true, maxResults: 200 }
 */
const serviceProviderConfig = (baseUrl: string): Doc => ({
  schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
  documentationUri: 'https://datatracker.ietf.org/doc/html/rfc7644',
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: false },
  authenticationSchemes: [
    {
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: 'Authentication with a bearer token in the Authorization header.',
      specUri: 'https://www.rfc-editor.org/info/rfc6750',
      primary: true,
    },
  ],
  meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
});

const resourceTypeOf = (name: ResourceTypeName, baseUrl: string): Doc => {
  const type = resourceTypes[name];
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema.id,
    schemaExtensions: type.extensions.map((schema) => ({ schema: schema.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.name}` },
  };
};

/**
 * The `/ResourceTypes` entries (RFC 7643 §6): User with the enterprise
 * extension, and Group.
 *
 * @example
 * resourceTypeDocuments(base).map((type) => type.id); // ['User', 'Group']
 */
const resourceTypeDocuments = (baseUrl: string): Doc[] =>
  (Object.keys(resourceTypes) as ResourceTypeName[]).map((name) => resourceTypeOf(name, baseUrl));

/**
 * One `/ResourceTypes/{id}` entry, case-insensitively, or undefined (a 404).
 *
 * @example
 * resourceTypeDocument('user', base)?.endpoint; // '/Users'
 */
const resourceTypeDocument = (id: string, baseUrl: string): Doc | undefined => {
  const name = (Object.keys(resourceTypes) as ResourceTypeName[]).find((key) => key.toLowerCase() === id.toLowerCase());
  return name ? resourceTypeOf(name, baseUrl) : undefined;
};

const attributeDocument = (def: AttributeDef): Doc => ({
  name: def.name,
  type: def.type,
  multiValued: def.multiValued,
  description: def.description,
  required: def.required,
  ...(def.type === 'string' || def.type === 'reference' || def.type === 'binary' ? { caseExact: def.caseExact } : {}),
  mutability: def.mutability,
  returned: def.returned,
  uniqueness: def.uniqueness,
  ...(def.canonicalValues && def.canonicalValues.length > 0 ? { canonicalValues: def.canonicalValues } : {}),
  ...(def.referenceTypes ? { referenceTypes: def.referenceTypes } : {}),
  ...(def.subAttributes ? { subAttributes: def.subAttributes.map(attributeDocument) } : {}),
});

const allSchemas = (): SchemaDef[] => {
  const seen = new Map<string, SchemaDef>();
  for (const type of Object.values(resourceTypes)) {
    for (const schema of [type.schema, ...type.extensions]) seen.set(schema.id, schema);
  }
  return [...seen.values()];
};

const schemaOf = (schema: SchemaDef, baseUrl: string): Doc => ({
  schemas: [SCHEMA_SCHEMA],
  id: schema.id,
  name: schema.name,
  description: schema.description,
  attributes: schema.attributes.map(attributeDocument),
  meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
});

/**
 * The `/Schemas` entries (RFC 7643 §7), built from the same definitions the
 * filter, PATCH and projection read, so they cannot drift apart.
 *
 * @example
 * schemaDocuments(base).map((schema) => schema.id); // core User, enterprise User, core Group
 */
const schemaDocuments = (baseUrl: string): Doc[] => allSchemas().map((schema) => schemaOf(schema, baseUrl));

/**
 * One `/Schemas/{id}` entry by its URN, case-insensitively, or undefined (a 404).
 *
 * @example
 * schemaDocument('urn:ietf:params:scim:schemas:core:2.0:Group', base)?.name; // 'Group'
 */
const schemaDocument = (id: string, baseUrl: string): Doc | undefined => {
  const schema = allSchemas().find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
  return schema ? schemaOf(schema, baseUrl) : undefined;
};

/**
 * A ListResponse (RFC 7644 §3.4.2) of all the given resources; the
 * discovery endpoints answer with one unpaged list.
 *
 * @example
 * listResponse(schemaDocuments(base)).totalResults; // 3
 */
const listResponse = (resources: readonly Doc[]): Doc => ({
  schemas: [LIST_RESPONSE_SCHEMA],
  totalResults: resources.length,
  itemsPerPage: resources.length,
  startIndex: 1,
  Resources: resources,
});

export {
  LIST_RESPONSE_SCHEMA,
  SCIM_MAX_RESULTS,
  listResponse,
  resourceTypeDocument,
  resourceTypeDocuments,
  schemaDocument,
  schemaDocuments,
  serviceProviderConfig,
};
