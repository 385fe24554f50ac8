import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ScimError } from '../scim/scim-error.js';
import {
  readResourceType,
  readSchema,
  readServiceProviderConfig,
  listResourceTypes,
  listSchemas,
} from './discovery-routes.js';
import { createGroup, listGroups, patchGroup, readGroup, removeGroup, replaceGroup } from './group-routes.js';
import { authorizeScim } from './scim-auth.js';
import { createUser, listUsers, patchUser, readUser, removeUser, replaceUser } from './user-routes.js';

type Route = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** Every /scim/v2 route key of the topology, and what answers it. */
const routes: Readonly<Record<string, Route>> = {
  'GET /scim/v2/ServiceProviderConfig': readServiceProviderConfig,
  'GET /scim/v2/ResourceTypes': listResourceTypes,
  'GET /scim/v2/ResourceTypes/{id}': readResourceType,
  'GET /scim/v2/Schemas': listSchemas,
  'GET /scim/v2/Schemas/{id}': readSchema,
  'GET /scim/v2/Users': listUsers,
  'POST /scim/v2/Users': createUser,
  'GET /scim/v2/Users/{id}': readUser,
  'PUT /scim/v2/Users/{id}': replaceUser,
  'PATCH /scim/v2/Users/{id}': patchUser,
  'DELETE /scim/v2/Users/{id}': removeUser,
  'GET /scim/v2/Groups': listGroups,
  'POST /scim/v2/Groups': createGroup,
  'GET /scim/v2/Groups/{id}': readGroup,
  'PUT /scim/v2/Groups/{id}': replaceGroup,
  'PATCH /scim/v2/Groups/{id}': patchGroup,
  'DELETE /scim/v2/Groups/{id}': removeGroup,
};

/**
 * The one SCIM handler's body: the bearer token first (discovery too:
 * RFC 7644 lets it be public, but nothing here needs to be), then the
 * route by its route key.
 *
 * @example
 * export const handler = middy(routeScim).use(scimErrors());
 */
const routeScim = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  await authorizeScim(event);
  const route = routes[event.routeKey];
  if (!route) throw new ScimError(404, undefined, `No SCIM endpoint ${event.routeKey}`);
  return route(event);
};

export { routeScim };
