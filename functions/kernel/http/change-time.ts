import * as z from '../validation.js';

/**
 * The time a sender says a record changed, which the inbound rules compare
 * to decide what is newer. A stamp in the future wins against every real
 * change until the clock reaches it: a vendor's `9999-12-31` froze a
 * record for good. So a change time more than {@link MAX_CHANGE_TIME_AHEAD_MS}
 * ahead of our clock is refused with 400 naming the field, and is never
 * stored.
 */

/**
 * Five minutes: clocks of servers kept by NTP differ by seconds, and this
 * is the tolerance the signature schemes give a signed timestamp already
 * (Standard Webhooks, HubSpot): a sender whose clock is further off fails
 * there too.
 */
const MAX_CHANGE_TIME_AHEAD_MS = 5 * 60_000;

/**
 * An ISO 8601 date-time with an offset, no more than five minutes ahead of
 * now (read at parse time, so fake timers move it).
 *
 * @example
 * const event = z.object({ timestamp: changeTime() });
 * parseOr400(event, { timestamp: '9999-12-31T00:00:00Z' }, 'payload'); // 400: timestamp: is more than 5 minutes ahead of now
 */
const changeTime = () =>
  z.iso.datetime({ offset: true, abort: true, error: 'must be an ISO 8601 date-time with an offset' }).check(
    z.refine((iso) => Number.isFinite(Date.parse(iso)), { error: 'is not a date', abort: true }),
    z.refine(
      (iso) => Date.parse(iso) <= Date.now() + MAX_CHANGE_TIME_AHEAD_MS,
      `is more than ${MAX_CHANGE_TIME_AHEAD_MS / 60_000} minutes ahead of now`,
    ),
  );

export { changeTime, MAX_CHANGE_TIME_AHEAD_MS };
