import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadIntegration } from '../../kernel/config/secrets.js';
import { logger } from '../../kernel/observability.js';
import { constantTimeIncludes } from '../../kernel/signatures/constant-time.js';
import { secretList } from '../../kernel/signatures/verification.js';
import { ScimError } from '../scim/scim-error.js';

/**
 * The SCIM bearer token, checked here rather than by the admin authorizer:
 * identity providers hold their own token (`SCIM_TOKEN`, the `scim`
 * integration), and their errors must be SCIM errors. Several tokens are
 * valid at once during a rotation; each is compared in constant time,
 * lengths included.
 *
 * @throws ScimError 503 when no valid token is configured (nobody gets in),
 *   401 when the request carries no bearer token or a wrong one.
 *
 * @example
 * await authorizeScim(event);
 */
const authorizeScim = async (event: APIGatewayProxyEventV2): Promise<void> => {
  const loaded = await loadIntegration('idp');
  if (!loaded.ok) {
    logger.warn('integration not configured', { integration: 'idp', problems: loaded.problems });
    throw new ScimError(503, undefined, 'The SCIM service is not configured');
  }
  const header = event.headers?.authorization ?? event.headers?.Authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1] || !constantTimeIncludes(secretList(loaded.settings.token), match[1])) {
    throw new ScimError(401, undefined, 'A valid bearer token is required');
  }
};

export { authorizeScim };
