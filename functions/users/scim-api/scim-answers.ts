import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * How the SCIM service answers: `application/scim+json` (RFC 7644 §3.1),
 * and absolute `meta.location` URLs built from the host the request came
 * to, so the same code answers behind API Gateway and on a laptop.
 */
const SCIM_CONTENT_TYPE = 'application/scim+json';

/**
 * A SCIM answer: JSON body, SCIM content type.
 *
 * @example
 * return scimJson(201, resource, { location: resource.meta.location });
 */
const scimJson = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': SCIM_CONTENT_TYPE, ...headers },
  body: JSON.stringify(body),
});

/**
 * The base URL of the SCIM service as the client reached it:
 * `https://<api domain>/scim/v2`; plain http for a local host only.
 *
 * @example
 * `${scimBaseUrl(event)}/Users/${id}`
 */
const scimBaseUrl = (event: APIGatewayProxyEventV2): string => {
  const host = event.headers?.host ?? event.requestContext?.domainName ?? 'localhost';
  const local = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);
  return `${local ? 'http' : 'https'}://${host}/scim/v2`;
};

export { SCIM_CONTENT_TYPE, scimJson, scimBaseUrl };
