import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from '../../kernel/http/responses.js';
import { consolePage } from '../assets/console-page.js';
import { consoleScript } from '../assets/console-script.js';
import { consoleStyle } from '../assets/console-style.js';

/**
 * The page forbids what an injected value could use: scripts and styles
 * only from this origin (no inline ones), data only from the admin API on
 * this origin, no framing, no `<base>`, forms only back here.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Sent with every asset: the policy, no type guessing, no referrer, and a fresh copy after each deploy. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

/** The assets under `/console/{asset}`, by name. */
const ASSETS: Readonly<Record<string, { readonly type: string; readonly body: string }>> = {
  'app.js': { type: 'text/javascript; charset=utf-8', body: consoleScript },
  'app.css': { type: 'text/css; charset=utf-8', body: consoleStyle },
};

const answer = (type: string, body: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 200,
  headers: { 'content-type': type, ...SECURITY_HEADERS },
  body,
});

/**
 * Serves the operator console: `GET /console` is the page, `GET
 * /console/{asset}` its script and stylesheet. Public on purpose: nothing
 * here is data; the page asks the admin API, with the token the operator
 * types, for everything it shows. An unknown asset is a 404.
 *
 * @example
 * await serveConsole({ routeKey: 'GET /console/{asset}', pathParameters: { asset: 'app.js' }, ... });
 */
const serveConsole = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  if (event.routeKey === 'GET /console') return answer('text/html; charset=utf-8', consolePage);
  const name = event.pathParameters?.asset ?? '';
  const asset = event.routeKey === 'GET /console/{asset}' && Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) throw new HttpError(404, 'No such console asset', {}, SECURITY_HEADERS);
  return answer(asset.type, asset.body);
};

export { serveConsole, CONTENT_SECURITY_POLICY };
