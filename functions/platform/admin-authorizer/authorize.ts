import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerResult } from 'aws-lambda';
import { loadIntegration } from '../../kernel/config/secrets.js';
import { logger } from '../../kernel/observability.js';

/**
 * Compares two secrets in constant time, whatever their lengths: hashing
 * both first makes the buffers equal in length, so neither the content nor
 * the length of the expected token leaks through timing.
 */
const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

/**
 * Decides whether an /admin request carries the admin bearer token. The
 * token comes from the `admin` integration (Secrets Manager on AWS,
 * `ADMIN_TOKEN` offline). With no token configured nobody is let in.
 */
const authorizeAdmin = async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerResult> => {
  const header = event.headers?.authorization ?? event.identitySource?.[0] ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  const admin = await loadIntegration('admin');
  if (!admin.ok) {
    logger.warn('admin API refused: no admin token is configured', { problems: admin.problems });
    return { isAuthorized: false };
  }
  const isAuthorized = match?.[1] !== undefined && sameSecret(match[1], admin.settings.token);
  if (!isAuthorized) logger.info('admin API refused: bad or missing bearer token', { route: event.routeKey });
  return { isAuthorized };
};

export { authorizeAdmin };
