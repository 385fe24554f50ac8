import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerResult } from 'aws-lambda';
import { loadIntegration } from '../../kernel/config/secrets.js';
import { logger } from '../../kernel/observability.js';
import { constantTimeIncludes } from '../../kernel/signatures/constant-time.js';
import { secretList } from '../../kernel/signatures/verification.js';

/**
 * Decides whether an /admin request carries an admin bearer token. The
 * tokens come from the `admin` integration (Secrets Manager on AWS,
 * `ADMIN_TOKEN` offline): one, or during a rotation the old and the new
 * separated by a space or a comma, both valid until the old one is
 * removed. The presented token is compared with every configured one in
 * constant time (lengths included), all of them each time, so the timing
 * tells neither a token nor which one matched. With no token configured,
 * or a setting that is not valid, nobody is let in.
 *
 * @example
 * // ADMIN_TOKEN="old-admin-token-0123 new-admin-token-4567"
 * await authorizeAdmin(event); // { isAuthorized: true } for either bearer token
 */
const authorizeAdmin = async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerResult> => {
  const header = event.headers?.authorization ?? event.identitySource?.[0] ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  const admin = await loadIntegration('admin');
  if (!admin.ok) {
    logger.warn('admin API refused: no admin token is configured', { problems: admin.problems });
    return { isAuthorized: false };
  }
  const tokens = secretList(admin.settings.token);
  const presented = match?.[1];
  const isAuthorized = presented !== undefined && presented !== '' && constantTimeIncludes(tokens, presented);
  if (!isAuthorized) logger.info('admin API refused: bad or missing bearer token', { route: event.routeKey });
  return { isAuthorized };
};

export { authorizeAdmin };
