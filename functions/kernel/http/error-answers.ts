import { DeliveryIdReusedError, DeliveryInProgressError } from '../idempotency/delivery-errors.js';
import { RecordIsAliasError } from '../records/record-errors.js';
import { HttpError } from './responses.js';

/**
 * How the HTTP edge answers an error that is not an {@link HttpError}: the
 * kernel's domain modules throw errors that say what happened (a delivery
 * still in progress, a write aimed at an alias) and know nothing of HTTP;
 * this is where each becomes a status code, a body and headers. The
 * `httpErrors()` middleware asks these answers before falling back to 500.
 *
 * The domain error classes live in modules that import nothing, so every
 * handler can carry this table without bundling a store (or its grants).
 */
export type ErrorAnswer = (error: unknown) => HttpError | undefined;

/**
 * The answer to errors of one class.
 *
 * @example
 * const answers = [answerFor(StockNegativeError, (e) => new HttpError(400, 'Inventory cannot be negative'))];
 * export const handler = middy(receive).use(httpErrors({ answers }));
 */
const answerFor =
  <E extends Error>(type: abstract new (...args: never[]) => E, answer: (error: E) => HttpError): ErrorAnswer =>
  (error) =>
    error instanceof type ? answer(error) : undefined;

/**
 * The kernel's domain errors, answered the same by every handler:
 *
 * | error | answer |
 * |---|---|
 * | `DeliveryInProgressError` | 409 `{error, retry_after_seconds}` + `Retry-After`: come back when the first copy's lease ends |
 * | `DeliveryIdReusedError` | 422: the same id with another payload is a sender bug |
 * | `RecordIsAliasError` | 409, naming the record to write to instead |
 *
 * @example
 * const answer = kernelErrorAnswers.map((answerOf) => answerOf(error)).find(Boolean);
 */
const kernelErrorAnswers: readonly ErrorAnswer[] = [
  answerFor(
    DeliveryInProgressError,
    (error) =>
      new HttpError(
        409,
        'This delivery is already being processed; retry later',
        { retry_after_seconds: error.retryAfterSeconds },
        { 'retry-after': String(error.retryAfterSeconds) },
      ),
  ),
  answerFor(
    DeliveryIdReusedError,
    () => new HttpError(422, 'This delivery id was already used for a different payload'),
  ),
  answerFor(RecordIsAliasError, (error) => new HttpError(409, error.message)),
];

export { answerFor, kernelErrorAnswers };
