import type { FakeAnswer, RecordedRequest } from './fake-http-server.js';

/**
 * The one line the playground prints for every call it receives, so the
 * README walk-through ends with the calls visible:
 * `playground crm        POST /api/contacts  201  {"firstName":"Ana",...}`.
 * The body is what the stack sent (not the answer), cut to a line's worth;
 * keys that travel in a body (PagerDuty's `routing_key`) are masked.
 */
const MAX_BODY = 140;
const MASKED = new Set(['routing_key']);

const bodyText = (body: unknown): string => {
  if (body === undefined) return '';
  const shown =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? Object.fromEntries(Object.entries(body).map(([k, v]) => [k, MASKED.has(k) ? '***' : v]))
      : body;
  const text = typeof shown === 'string' ? shown : JSON.stringify(shown);
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY - 3)}...` : text;
};

/**
 * @example
 * callLine('crm', request, { status: 201 }); // 'playground crm        POST /api/contacts  201  {"email":"ana@example.com"}'
 */
const callLine = (system: string, request: RecordedRequest, answer: FakeAnswer): string => {
  const status = answer.hang || answer.dropConnection ? '---' : String(answer.status);
  const body = bodyText(request.body);
  return `playground ${system.padEnd(10)} ${request.method} ${request.path}  ${status}${body ? `  ${body}` : ''}`;
};

export { callLine };
