import * as z from '../validation.js';
import { HttpError } from './responses.js';

/**
 * Paging for list routes: a `?limit=` and an opaque `?cursor=` that the
 * answer hands out while more remain. One way to page, so every list route
 * refuses a bad limit or a forged cursor with the same 400.
 */

/**
 * The `limit` query parameter: a whole number from 1 to `max`, `fallback`
 * when absent.
 *
 * @example
 * const query = z.object({ limit: pageLimit(100, 1000), cursor: z.optional(z.string()) });
 */
const pageLimit = (fallback: number, max: number) =>
  z._default(
    z.pipe(
      z.string().check(z.regex(/^\d{1,4}$/, 'must be a whole number')),
      z.pipe(z.transform(Number), z.int().check(z.gte(1), z.lte(max))),
    ),
    fallback,
  );

/**
 * A cursor around a position in a list (the last item served), encoded so
 * clients treat it as opaque. Decoding checks the position with
 * `isPosition` and answers 400 for anything this API did not give out.
 *
 * @example
 * const cursor = opaqueCursor('v', (v): v is number => Number.isInteger(v));
 * cursor.decode(cursor.encode(42)); // 42
 */
const opaqueCursor = <T>(field: string, isPosition: (value: unknown) => value is T) => ({
  encode: (position: T): string => Buffer.from(JSON.stringify({ [field]: position })).toString('base64url'),
  decode: (cursor: string): T => {
    try {
      const position = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>)[
        field
      ];
      if (isPosition(position)) return position;
    } catch {
      // Falls through to the 400 below.
    }
    throw new HttpError(400, 'Invalid query: cursor is not one this API gave out');
  },
});

export { pageLimit, opaqueCursor };
