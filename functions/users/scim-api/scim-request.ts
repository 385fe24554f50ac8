import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readJsonBody } from '../../kernel/http/json-body.js';
import { carriedSyncEvent, type CarriedSyncEvent } from '../../kernel/sync-log/sync-events.js';
import { ScimError } from '../scim/scim-error.js';

/**
 * What every SCIM route reads from its request: the JSON body (sent as
 * `application/scim+json` or, as many clients do, `application/json`), and
 * the sync event its write carries.
 */

const ACCEPTED = /^application\/(scim\+)?json\s*(;.*)?$/i;

/**
 * The request body as JSON, read by the kernel's reader (size limit, exact
 * numbers). A body declared as anything but JSON answers 415; a body with
 * no content type is read as JSON, as some clients send none.
 *
 * @throws ScimError 415 for another content type; HttpError 400/413 from the reader.
 *
 * @example
 * const resource = userDocument(readScimBody(event));
 */
const readScimBody = (event: APIGatewayProxyEventV2): unknown => {
  const type = event.headers?.['content-type'] ?? event.headers?.['Content-Type'];
  if (type !== undefined && type !== '' && !ACCEPTED.test(type)) {
    throw new ScimError(415, undefined, `Content-Type ${type} is not supported: send application/scim+json`);
  }
  return readJsonBody(event);
};

/**
 * The sync event a SCIM write carries: inbound from the identity provider.
 *
 * @example
 * const event = idpEvent('created', now);
 */
const idpEvent = (event: string, now: Date, detail?: CarriedSyncEvent['detail']): CarriedSyncEvent =>
  carriedSyncEvent(
    { direction: 'inbound', source: 'idp', event, outcome: 'synced', ...(detail ? { detail } : {}) },
    now,
  );

export { readScimBody, idpEvent };
