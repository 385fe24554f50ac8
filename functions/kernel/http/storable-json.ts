import { parseExactJson } from './exact-json.js';
import { MAX_NESTING, storableOr400 } from './storable.js';
import { HttpError } from './responses.js';

/**
 * A request body read as JSON the one way every writing route reads it:
 * numbers exactly as written (`parseExactJson`), then refused with a 400
 * naming the field when a value cannot be stored (`storableOr400`), all
 * before the schema runs, so nothing is written and no later code sees a
 * `__proto__` key or a value DynamoDB would refuse.
 */

/**
 * Nesting refused before parsing: the parser's reviver recurses once per
 * level, and a body of a million `[` would overflow the stack. Bodies
 * nesting deeper than {@link MAX_NESTING} but not this deep are refused by
 * the storable check, which names the field.
 */
const MAX_PARSE_NESTING = 1_000;

/** How deep the body's brackets nest, strings skipped; stops counting at `limit + 1`. */
const nestingOf = (text: string, limit: number): number => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
};

/**
 * Parses `text` and checks it can be stored: 400 when it is not JSON or a
 * value cannot be stored (naming the field), 413 when it is too large to
 * store. Numbers a double would change come back as `DecimalText` for the
 * schema to keep exactly or refuse.
 *
 * @example
 * const payload = parseOr400(schema, readStorableJson(rawBody.toString('utf8'), 'payload'), 'payload');
 */
const readStorableJson = (text: string, what: string): unknown => {
  if (nestingOf(text, MAX_PARSE_NESTING) > MAX_PARSE_NESTING) {
    throw new HttpError(400, `Invalid ${what}: (root): nests deeper than ${MAX_NESTING} levels`);
  }
  let value: unknown;
  try {
    value = parseExactJson(text);
  } catch {
    throw new HttpError(400, 'Body is not valid JSON');
  }
  return storableOr400(value, { what, decimals: 'keep' });
};

export { readStorableJson };
