import * as z from '../validation.js';

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
/**
 * What the sync log files events under (`GET /admin/events?record_id=X`):
 * a record id (letters, digits and `. _ : @ + -`), or a compound subject
 * whose parts are joined by `~`, such as inventory's `sku~warehouse`. `~` is
 * a character no record id, sku or warehouse may hold, so a compound never
 * equals a record id nor another compound, and it is unreserved in URLs.
 * At most 200 characters, as a record id.
 *
 * @example
 * z.parse(syncLogSubject, 'SKU-1~WH-1'); // 'SKU-1~WH-1'
 */
const syncLogSubject = z.lazy(() =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(200),
      z.regex(/^[A-Za-z0-9._:@+~-]+$/, 'may hold letters, digits and . _ : @ + ~ - only'),
    ),
);

export { syncLogSubject };
