import * as z from '../validation.js';
import { HttpError } from './responses.js';

/**
 * Parses request input with a zod schema, or answers 400 naming every
 * failing field: `Invalid payload: data.email: Invalid email address`.
 * The one place that turns schema issues into an answer, for webhook
 * bodies, admin paths and queries alike; it throws before anything is
 * written.
 *
 * @param what names the input in the message: `payload`, `path`, `query`.
 * @param pathPrefix is put before each field path, e.g. `['data']` when the
 *   schema checks only the `data` part of a body.
 *
 * @example
 * const { type, id } = parseOr400(recordPath, event.pathParameters, 'path');
 */
const MAX_ISSUES = 20;

const parseOr400 = <S extends z.Schema>(
  schema: S,
  value: unknown,
  what: string,
  pathPrefix: readonly string[] = [],
): z.output<S> => {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = [...pathPrefix, ...issue.path.map(String)];
    return { path: path.length === 0 ? '(root)' : path.join('.'), message: issue.message };
  });
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new HttpError(400, `Invalid ${what}: ${summary}`, { issues });
};

export { parseOr400 };
