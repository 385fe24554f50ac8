import * as z from '../validation.js';
import { DecimalText, canonicalOf } from './exact-json.js';

/**
 * A figure that must be stored exactly, however large: a revenue, an
 * amount. A number a double holds exactly and within ±(2^53 - 1) stays a
 * number; beyond that, or with more digits than a double holds (the parser
 * hands those over as `DecimalText`), the figure is kept as its decimal
 * text, exactly as the sender wrote it: `12345678901234567890123` is stored
 * and answered as `"12345678901234567890123"`. Why text and not a DynamoDB
 * number: see `exact-json.ts`.
 *
 * Refused (400 naming the field): a figure DynamoDB's number type could not
 * hold either (more than 38 significant digits, magnitude from 1e126 up or
 * below 1e-130), so a later move to a number attribute loses nothing.
 */

/** DynamoDB numbers: up to 38 significant digits. */
const MAX_DIGITS = 38;
/** DynamoDB numbers: magnitude below 1e126 and, but for 0, from 1e-130. */
const MAX_EXPONENT = 125;
const MIN_EXPONENT = -130;

/** Why a figure's text cannot be kept, if it cannot. */
const decimalProblem = (text: string): string | undefined => {
  const number = canonicalOf(text);
  if (!number) return 'must be a number';
  if (number.digits === '0') return undefined;
  if (number.digits.length > MAX_DIGITS) return `has more than ${MAX_DIGITS} significant digits`;
  const magnitude = number.exponent + number.digits.length - 1;
  if (magnitude > MAX_EXPONENT) return 'is 1e126 or larger in magnitude';
  if (magnitude < MIN_EXPONENT) return 'is closer to 0 than 1e-130';
  return undefined;
};

/**
 * The schema of an exact figure: a number, or the decimal text of one too
 * large or too precise for a double.
 *
 * @example
 * const revenue = z.parse(exactDecimal(), parseExactJson('12345678901234567890123')); // '12345678901234567890123'
 */
const exactDecimal = () =>
  z.pipe(
    z.custom<number | DecimalText>(
      (value) => (typeof value === 'number' && Number.isFinite(value)) || value instanceof DecimalText,
      { error: 'must be a number' },
    ),
    z.transform((value: number | DecimalText, ctx): number | string => {
      if (typeof value === 'number' && Math.abs(value) <= Number.MAX_SAFE_INTEGER) return value;
      const text = typeof value === 'number' ? String(value) : value.text;
      const problem = decimalProblem(text);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: value });
      return text;
    }),
  );

export { exactDecimal };
