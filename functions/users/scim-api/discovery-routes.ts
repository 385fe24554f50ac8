import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  listResponse,
  resourceTypeDocument,
  resourceTypeDocuments,
  schemaDocument,
  schemaDocuments,
  serviceProviderConfig,
} from '../scim/discovery.js';
import { ScimError } from '../scim/scim-error.js';
import { scimBaseUrl, scimJson } from './scim-answers.js';

/**
 * The discovery endpoints (RFC 7644 §4): what this service supports, as
 * the SCIM core describes it (`scim/discovery.ts`); nothing is read from
 * the table. Behind the same token as the rest.
 */

type Answer = Promise<APIGatewayProxyStructuredResultV2>;

/** GET /ServiceProviderConfig. */
const readServiceProviderConfig = async (event: APIGatewayProxyEventV2): Answer =>
  scimJson(200, serviceProviderConfig(scimBaseUrl(event)));

/** GET /ResourceTypes: User and Group, as a ListResponse. */
const listResourceTypes = async (event: APIGatewayProxyEventV2): Answer =>
  scimJson(200, listResponse(resourceTypeDocuments(scimBaseUrl(event))));

/** GET /ResourceTypes/{id}: 404 for a type this service does not have. */
const readResourceType = async (event: APIGatewayProxyEventV2): Answer => {
  const id = event.pathParameters?.id ?? '';
  const document = resourceTypeDocument(id, scimBaseUrl(event));
  if (!document) throw new ScimError(404, undefined, `Resource type ${id} not found`);
  return scimJson(200, document);
};

/** GET /Schemas: core User, enterprise User, core Group, as a ListResponse. */
const listSchemas = async (event: APIGatewayProxyEventV2): Answer =>
  scimJson(200, listResponse(schemaDocuments(scimBaseUrl(event))));

/** GET /Schemas/{urn}: 404 for a schema this service does not have. */
const readSchema = async (event: APIGatewayProxyEventV2): Answer => {
  const id = decodeURIComponent(event.pathParameters?.id ?? '');
  const document = schemaDocument(id, scimBaseUrl(event));
  if (!document) throw new ScimError(404, undefined, `Schema ${id} not found`);
  return scimJson(200, document);
};

export { readServiceProviderConfig, listResourceTypes, readResourceType, listSchemas, readSchema };
