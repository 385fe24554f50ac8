/** An attribute path as written: `urn:...:User:manager.value` is `{urn, attribute: 'manager', sub: 'value'}`. */
interface AttrPath {
  readonly urn?: string;
  readonly attribute: string;
  readonly sub?: string;
}

type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
type Literal = string | number | boolean | null;

interface CompareFilter {
  readonly kind: 'compare';
  readonly path: AttrPath;
  readonly op: CompareOp;
  readonly value: Literal;
}
interface PresentFilter {
  readonly kind: 'present';
  readonly path: AttrPath;
}
interface LogicalFilter {
  readonly kind: 'and' | 'or';
  readonly left: Filter;
  readonly right: Filter;
}
interface NotFilter {
  readonly kind: 'not';
  readonly filter: Filter;
}
/**
 * `emails[type eq "work"]`, or with `after`, `emails[type eq "work"].value eq "x"`:
 * one element must satisfy both the bracket filter and `after` (whose path is
 * the sub-attribute).
 */
interface ValuePathFilter {
  readonly kind: 'valuePath';
  readonly path: AttrPath;
  readonly filter: Filter;
  readonly after?: CompareFilter | PresentFilter;
}

/** The AST of an RFC 7644 §3.4.2.2 filter. */
type Filter = CompareFilter | PresentFilter | LogicalFilter | NotFilter | ValuePathFilter;

/** Where a filter stopped making sense, and what would have made sense there. */
interface FilterSyntaxError {
  readonly position: number;
  readonly expected: string;
  readonly found: string;
  /** One sentence for the SCIM error's `detail`. */
  readonly detail: string;
}

type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: FilterSyntaxError };

const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
// ATTRNAME of RFC 7644 §3.10 (plus `$ref`), optionally after a schema URN and before one sub-attribute.
const NAME = '[A-Za-z$][\\w$-]*';
const ATTR_PATH = new RegExp(`^(?:((?:urn|URN|Urn):\\S+):)?(${NAME})(?:\\.(${NAME}))?$`);
const SUB_ATTR = new RegExp(`^\\.(${NAME})$`);

interface Token {
  readonly type: '(' | ')' | '[' | ']' | 'string' | 'word' | 'end';
  readonly text: string;
  readonly position: number;
  readonly value?: string;
}

// Thrown inside the parser only; the exported functions turn it into a result.
class Stop extends Error {
  constructor(readonly error: FilterSyntaxError) {
    super(error.detail);
  }
}

const describe = (token: Token): string => (token.type === 'end' ? 'the end of the filter' : `"${token.text}"`);

const stop = (position: number, expected: string, found: string): never => {
  throw new Stop({
    position,
    expected,
    found,
    detail: `Invalid filter at position ${position}: expected ${expected}, found ${found}`,
  });
};

const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] as string;
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === '(' || char === ')' || char === '[' || char === ']') {
      tokens.push({ type: char, text: char, position: at });
      at += 1;
    } else if (char === '"') {
      let end = at + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) stop(at, 'a closing quote', 'the end of the filter');
      const raw = text.slice(at, end + 1);
      let value: string;
      try {
        value = JSON.parse(raw) as string;
      } catch {
        return stop(at, 'a JSON string', raw);
      }
      tokens.push({ type: 'string', text: raw, value, position: at });
      at = end + 1;
    } else {
      let end = at;
      while (end < text.length && !/[\s()[\]"]/.test(text[end] as string)) end += 1;
      tokens.push({ type: 'word', text: text.slice(at, end), position: at });
      at = end;
    }
  }
  tokens.push({ type: 'end', text: '', position: text.length });
  return tokens;
};

const toPath = (token: Token): AttrPath => {
  const match = token.type === 'word' ? ATTR_PATH.exec(token.text) : null;
  if (!match) return stop(token.position, 'an attribute path', describe(token));
  const [, urn, attribute, sub] = match as unknown as [string, string | undefined, string, string | undefined];
  return { ...(urn ? { urn } : {}), attribute, ...(sub ? { sub } : {}) };
};

class Parser {
  private index = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }
  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.index += 1;
    return token;
  }
  private isWord(word: string): boolean {
    const token = this.peek();
    return token.type === 'word' && token.text.toLowerCase() === word;
  }

  parseAll(): Filter {
    const filter = this.parseOr(false);
    const rest = this.peek();
    if (rest.type !== 'end') stop(rest.position, '"and", "or" or the end of the filter', describe(rest));
    return filter;
  }

  parsePatch(): PatchPath {
    const path = toPath(this.next());
    let filter: Filter | undefined;
    let sub: string | undefined;
    if (this.peek().type === '[' && path.sub === undefined) {
      this.next();
      filter = this.parseOr(true);
      const close = this.next();
      if (close.type !== ']') stop(close.position, '"]"', describe(close));
      const after = this.peek();
      const subMatch = after.type === 'word' ? SUB_ATTR.exec(after.text) : null;
      if (subMatch) {
        this.next();
        sub = subMatch[1] as string;
      }
    }
    const rest = this.peek();
    if (rest.type !== 'end') stop(rest.position, 'the end of the path', describe(rest));
    return { path, ...(filter ? { filter } : {}), ...(sub ? { sub } : {}) };
  }

  private parseOr(inBrackets: boolean): Filter {
    let left = this.parseAnd(inBrackets);
    while (this.isWord('or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd(inBrackets) };
    }
    return left;
  }

  private parseAnd(inBrackets: boolean): Filter {
    let left = this.parseNot(inBrackets);
    while (this.isWord('and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseNot(inBrackets) };
    }
    return left;
  }

  private parseNot(inBrackets: boolean): Filter {
    if (this.isWord('not') && this.tokens[this.index + 1]?.type === '(') {
      this.next();
      return { kind: 'not', filter: this.parsePrimary(inBrackets) };
    }
    return this.parsePrimary(inBrackets);
  }

  private parsePrimary(inBrackets: boolean): Filter {
    const token = this.peek();
    if (token.type === '(') {
      this.next();
      const inner = this.parseOr(inBrackets);
      const close = this.next();
      if (close.type !== ')') stop(close.position, '")"', describe(close));
      return inner;
    }
    const path = toPath(this.next());
    if (this.peek().type === '[') {
      if (inBrackets) stop(this.peek().position, 'an operator', 'a nested "["');
      this.next();
      const filter = this.parseOr(true);
      const close = this.next();
      if (close.type !== ']') stop(close.position, '"]"', describe(close));
      const following = this.peek();
      const subMatch = following.type === 'word' ? SUB_ATTR.exec(following.text) : null;
      if (!subMatch) return { kind: 'valuePath', path, filter };
      this.next();
      const after = this.parseOperation({ attribute: subMatch[1] as string });
      return { kind: 'valuePath', path, filter, after };
    }
    return this.parseOperation(path);
  }

  private parseOperation(path: AttrPath): CompareFilter | PresentFilter {
    const token = this.next();
    const op = token.type === 'word' ? token.text.toLowerCase() : '';
    if (op === 'pr') return { kind: 'present', path };
    if (!COMPARE_OPS.has(op))
      return stop(token.position, 'an operator (eq ne co sw ew gt ge lt le pr)', describe(token));
    return { kind: 'compare', path, op: op as CompareOp, value: this.parseValue() };
  }

  private parseValue(): Literal {
    const token = this.next();
    if (token.type === 'string') return token.value as string;
    if (token.type === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
      if (NUMBER.test(token.text)) return Number(token.text);
    }
    return stop(token.position, 'a value (a string, number, true, false or null)', describe(token));
  }
}

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into an AST: operators and
 * keywords in any case, `not` > `and` > `or`, value paths, URN-qualified
 * paths. Attribute names are kept as written; {@link resolveFilter} checks
 * them against the schema. A mistake is a result naming the position and
 * what was expected there, for a 400 `invalidFilter`.
 *
 * @example
 * parseFilter('emails[type eq "work"].value eq "ana@example.com"');
 * // { ok: true, value: { kind: 'valuePath', path: { attribute: 'emails' }, filter: ..., after: ... } }
 */
const parseFilter = (text: string): ParseResult<Filter> => {
  try {
    return { ok: true, value: new Parser(tokenize(text)).parseAll() };
  } catch (error) {
    if (error instanceof Stop) return { ok: false, error: error.error };
    throw error;
  }
};

/** A PATCH path (RFC 7644 §3.5.2): an attribute path, or a value path with an optional sub-attribute. */
interface PatchPath {
  readonly path: AttrPath;
  readonly filter?: Filter;
  readonly sub?: string;
}

/**
 * Parses a PATCH `path`: `name.givenName`, `members[value eq "42"]`,
 * `emails[type eq "work"].value`, `urn:...:enterprise:2.0:User:manager`.
 *
 * @example
 * parsePatchPath('members[value eq "42"]');
 * // { ok: true, value: { path: { attribute: 'members' }, filter: { kind: 'compare', ... } } }
 */
const parsePatchPath = (text: string): ParseResult<PatchPath> => {
  try {
    return { ok: true, value: new Parser(tokenize(text)).parsePatch() };
  } catch (error) {
    if (error instanceof Stop) return { ok: false, error: error.error };
    throw error;
  }
};

/**
 * Prints an attribute path as a filter or PATCH path writes it.
 *
 * @example
 * printPath({ attribute: 'name', sub: 'givenName' }); // 'name.givenName'
 */
const printPath = (path: AttrPath): string =>
  `${path.urn ? `${path.urn}:` : ''}${path.attribute}${path.sub ? `.${path.sub}` : ''}`;

const printOperation = (filter: CompareFilter | PresentFilter): string =>
  filter.kind === 'present'
    ? `${printPath(filter.path)} pr`
    : `${printPath(filter.path)} ${filter.op} ${JSON.stringify(filter.value)}`;

/**
 * Prints an AST back to filter text that parses to the same AST; used in
 * logs, in the residual part of a query plan and in property tests.
 *
 * @example
 * printFilter({ kind: 'present', path: { attribute: 'title' } }); // 'title pr'
 */
const printFilter = (filter: Filter): string => {
  switch (filter.kind) {
    case 'compare':
    case 'present':
      return printOperation(filter);
    case 'not':
      return `not (${printFilter(filter.filter)})`;
    case 'valuePath':
      return `${printPath(filter.path)}[${printFilter(filter.filter)}]${filter.after ? `.${printOperation(filter.after)}` : ''}`;
    case 'and': {
      const left = filter.left.kind === 'or' ? `(${printFilter(filter.left)})` : printFilter(filter.left);
      const right =
        filter.right.kind === 'or' || filter.right.kind === 'and'
          ? `(${printFilter(filter.right)})`
          : printFilter(filter.right);
      return `${left} and ${right}`;
    }
    case 'or': {
      const right = filter.right.kind === 'or' ? `(${printFilter(filter.right)})` : printFilter(filter.right);
      return `${printFilter(filter.left)} or ${right}`;
    }
  }
};

export type {
  AttrPath,
  CompareFilter,
  CompareOp,
  Filter,
  FilterSyntaxError,
  Literal,
  LogicalFilter,
  NotFilter,
  ParseResult,
  PatchPath,
  PresentFilter,
  ValuePathFilter,
};
export { parseFilter, parsePatchPath, printFilter, printPath };
