import type { AttrPath, CompareFilter, Filter, Literal, PresentFilter } from './filter-parse.js';
import { printPath } from './filter-parse.js';
import { type ScimError, badRequest } from './scim-error.js';
import { type AttributeDef, type ResourceTypeName, findAttribute, resolvePath } from './schema.js';

type Json = unknown;
type Node = Readonly<Record<string, Json>>;
type Predicate = (node: Node) => boolean;

/** A filter checked against the schema: canonical attribute names, and its predicate. */
interface CompiledFilter {
  /** The same filter with canonical names (core URN dropped, `emails` read as `emails.value`). */
  readonly filter: Filter;
  readonly matches: (resource: Node) => boolean;
}

type CompileResult =
  | { readonly ok: true; readonly value: CompiledFilter }
  | { readonly ok: false; readonly error: ScimError };

// Thrown inside compilation only; compileFilter turns it into a result.
class Refuse extends Error {
  constructor(readonly error: ScimError) {
    super(error.message);
  }
}
const refuse = (detail: string): never => {
  throw new Refuse(badRequest('invalidFilter', detail));
};

const isObject = (value: Json): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);
const asList = (value: Json): readonly Json[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

// RFC 7643 §2.5: null, "" and [] (and an empty complex value) are all "unassigned".
const isAssigned = (value: Json): boolean =>
  value !== null &&
  value !== undefined &&
  value !== '' &&
  !(Array.isArray(value) && value.length === 0) &&
  !(isObject(value) && Object.values(value).every((inner) => !isAssigned(inner)));

/** A path resolved in some scope: where to read, and the leaf definition that decides how to compare. */
interface Target {
  readonly path: AttrPath;
  readonly read: (node: Node) => readonly Json[];
  readonly leaf: AttributeDef;
}

const readAt = (extension: string | undefined, attribute: string, sub: string | undefined) => (node: Node) => {
  const container = extension === undefined ? node : node[extension];
  if (!isObject(container)) return [];
  const values = asList(container[attribute]);
  if (sub === undefined) return values.filter(isAssigned);
  return values.flatMap((value) => (isObject(value) ? asList(value[sub]) : [])).filter(isAssigned);
};

// Resolves a path at the top of a resource (core, common or extension attribute).
const topTarget = (type: ResourceTypeName, path: AttrPath, forPresence: boolean): Target => {
  const resolved = resolvePath(type, path.urn, path.attribute, path.sub);
  if (!resolved) return refuse(`Unknown attribute "${printPath(path)}" for ${type}`);
  let sub = resolved.sub;
  // RFC 7644 §3.4.2.2: a multi-valued complex attribute without a sub-attribute is read as its `value`.
  if (!sub && resolved.attribute.type === 'complex' && !forPresence) {
    sub = findAttribute(resolved.attribute.subAttributes, 'value');
    if (!sub) return refuse(`"${printPath(path)}" is complex; name one of its sub-attributes`);
  }
  const canonical: AttrPath = {
    ...(resolved.extension ? { urn: resolved.extension } : {}),
    attribute: resolved.attribute.name,
    ...(sub ? { sub: sub.name } : {}),
  };
  return {
    path: canonical,
    read: readAt(resolved.extension, resolved.attribute.name, sub?.name),
    leaf: sub ?? resolved.attribute,
  };
};

// Resolves a path inside a value path's brackets: a sub-attribute of the element.
const innerTarget = (parent: AttributeDef, path: AttrPath): Target => {
  const def =
    path.urn === undefined && path.sub === undefined ? findAttribute(parent.subAttributes, path.attribute) : undefined;
  if (!def) return refuse(`Unknown sub-attribute "${printPath(path)}" of "${parent.name}"`);
  return { path: { attribute: def.name }, read: readAt(undefined, def.name, undefined), leaf: def };
};

const lower = (value: string, def: AttributeDef): string => (def.caseExact ? value : value.toLowerCase());

// One comparison of a stored value against the literal, by the attribute's type.
const comparator = (filter: CompareFilter, def: AttributeDef): ((value: Json) => boolean) => {
  const { op, value: literal } = filter;
  const where = printPath(filter.path);
  if (def.returned === 'never') return refuse(`"${where}" cannot be filtered`);
  switch (def.type) {
    case 'boolean': {
      if (op !== 'eq' && op !== 'ne') return refuse(`"${where}" is a boolean; only eq, ne and pr apply`);
      if (typeof literal !== 'boolean') return refuse(`"${where}" is a boolean; compare it with true or false`);
      return (value) => value === literal || (typeof value === 'string' && value.toLowerCase() === String(literal));
    }
    case 'integer':
    case 'decimal': {
      if (typeof literal !== 'number') return refuse(`"${where}" is a number; compare it with a number`);
      if (op === 'co' || op === 'sw' || op === 'ew') return refuse(`"${op}" does not apply to the number "${where}"`);
      return (value) => typeof value === 'number' && order(op, value - literal);
    }
    case 'dateTime': {
      const instant = typeof literal === 'string' ? Date.parse(literal) : Number.NaN;
      if (Number.isNaN(instant)) return refuse(`"${where}" is a dateTime; compare it with an RFC 3339 date`);
      if (op === 'co' || op === 'sw' || op === 'ew') return refuse(`"${op}" does not apply to the date "${where}"`);
      return (value) => {
        const stored = typeof value === 'string' ? Date.parse(value) : Number.NaN;
        return !Number.isNaN(stored) && order(op, stored - instant);
      };
    }
    case 'string':
    case 'reference': {
      if (typeof literal !== 'string') return refuse(`"${where}" is a string; compare it with a string`);
      const wanted = lower(literal, def);
      return (value) => {
        if (typeof value !== 'string') return false;
        const stored = lower(value, def);
        if (op === 'co') return stored.includes(wanted);
        if (op === 'sw') return stored.startsWith(wanted);
        if (op === 'ew') return stored.endsWith(wanted);
        return order(op, stored < wanted ? -1 : stored > wanted ? 1 : 0);
      };
    }
    default:
      return refuse(`"${where}" cannot be compared`);
  }
};

// eq/ne/gt/ge/lt/le from a signed difference; ne is handled by the caller as "not eq".
const order = (op: string, difference: number): boolean => {
  switch (op) {
    case 'eq':
    case 'ne':
      return difference === 0;
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    default:
      return difference <= 0;
  }
};

const compileOperation = (
  filter: CompareFilter | PresentFilter,
  target: Target,
): { filter: CompareFilter | PresentFilter; predicate: Predicate } => {
  if (filter.kind === 'present') {
    return { filter: { kind: 'present', path: target.path }, predicate: (node) => target.read(node).length > 0 };
  }
  const canonical: CompareFilter = { ...filter, path: target.path };
  const literal: Literal = filter.value;
  if (literal === null) {
    // `eq null` asks for an unassigned attribute, `ne null` for an assigned one.
    if (filter.op !== 'eq' && filter.op !== 'ne') return refuse(`"${filter.op}" does not apply to null`);
    const wantsPresent = filter.op === 'ne';
    return { filter: canonical, predicate: (node) => target.read(node).length > 0 === wantsPresent };
  }
  const test = comparator(canonical, target.leaf);
  // Multi-valued: any value may match; `ne` is "no value equals", so an absent attribute is "not equal".
  const predicate: Predicate =
    filter.op === 'ne' ? (node) => !target.read(node).some(test) : (node) => target.read(node).some(test);
  return { filter: canonical, predicate };
};

const compile = (
  filter: Filter,
  resolve: (path: AttrPath, forPresence: boolean) => Target,
  type: ResourceTypeName | undefined,
): { filter: Filter; predicate: Predicate } => {
  switch (filter.kind) {
    case 'compare':
    case 'present':
      return compileOperation(filter, resolve(filter.path, filter.kind === 'present'));
    case 'not': {
      const inner = compile(filter.filter, resolve, type);
      return { filter: { kind: 'not', filter: inner.filter }, predicate: (node) => !inner.predicate(node) };
    }
    case 'and':
    case 'or': {
      const left = compile(filter.left, resolve, type);
      const right = compile(filter.right, resolve, type);
      const predicate: Predicate =
        filter.kind === 'and'
          ? (node) => left.predicate(node) && right.predicate(node)
          : (node) => left.predicate(node) || right.predicate(node);
      return { filter: { kind: filter.kind, left: left.filter, right: right.filter }, predicate };
    }
    case 'valuePath': {
      if (type === undefined) return refuse('A value path cannot be nested inside another');
      if (filter.path.sub !== undefined) return refuse(`"${printPath(filter.path)}[" must name a complex attribute`);
      const resolved = resolvePath(type, filter.path.urn, filter.path.attribute, undefined);
      if (resolved?.attribute.type !== 'complex') {
        return refuse(`"${printPath(filter.path)}" is not a complex attribute of ${type}`);
      }
      const parent = resolved.attribute;
      const inScope = (path: AttrPath) => innerTarget(parent, path);
      const inner = compile(filter.filter, inScope, undefined);
      const after = filter.after ? compileOperation(filter.after, inScope(filter.after.path)) : undefined;
      const path: AttrPath = { ...(resolved.extension ? { urn: resolved.extension } : {}), attribute: parent.name };
      const read = readAt(resolved.extension, parent.name, undefined);
      const predicate: Predicate = (node) =>
        read(node).some(
          (element) => isObject(element) && inner.predicate(element) && (!after || after.predicate(element)),
        );
      return {
        filter: { kind: 'valuePath', path, filter: inner.filter, ...(after ? { after: after.filter } : {}) },
        predicate,
      };
    }
  }
};

/**
 * Checks a parsed filter against a resource type's schema and turns it into
 * a predicate with RFC 7643 semantics: caseExact per attribute (userName
 * and emails case-insensitive, id and externalId exact), any value of a
 * multi-valued attribute may match, dateTimes compared as instants, `pr`
 * false for null, "" and []. An unknown attribute is a 400 `invalidFilter`
 * rather than a silent empty answer, so a typo in a provider's mapping shows.
 *
 * @example
 * const parsed = parseFilter('userName eq "Ana@Example.com"');
 * const compiled = parsed.ok && compileFilter(parsed.value, 'User');
 * compiled && compiled.ok && compiled.value.matches({ userName: 'ana@example.com' }); // true
 */
const compileFilter = (filter: Filter, type: ResourceTypeName): CompileResult => {
  try {
    const compiled = compile(filter, (path, forPresence) => topTarget(type, path, forPresence), type);
    return { ok: true, value: { filter: compiled.filter, matches: compiled.predicate } };
  } catch (error) {
    if (error instanceof Refuse) return { ok: false, error: error.error };
    throw error;
  }
};

/**
 * Whether an element of a multi-valued attribute matches a value-path filter
 * (`members[value eq "42"]`); PATCH uses it to pick its targets.
 *
 * @example
 * compileElementFilter(membersDef, parsed).ok; // true
 */
const compileElementFilter = (
  parent: AttributeDef,
  filter: Filter,
): { readonly ok: true; readonly value: Predicate } | { readonly ok: false; readonly error: ScimError } => {
  try {
    return { ok: true, value: compile(filter, (path) => innerTarget(parent, path), undefined).predicate };
  } catch (error) {
    if (error instanceof Refuse) return { ok: false, error: error.error };
    throw error;
  }
};

export type { CompiledFilter, CompileResult };
export { compileElementFilter, compileFilter, isAssigned };
