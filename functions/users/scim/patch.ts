import { compileElementFilter, isAssigned } from './filter-eval.js';
import { type Filter, type PatchPath, parsePatchPath, printPath } from './filter-parse.js';
import { type ScimError, type ScimType, badRequest } from './scim-error.js';
import {
  type AttributeDef,
  type ResourceTypeName,
  extensionOf,
  findAttribute,
  resolvePath,
  resourceTypes,
} from './schema.js';

const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Doc = Record<string, unknown>;

/** What a PATCH changed, for the sync log and the push to a downstream directory. */
interface PatchOutcome {
  readonly resource: Doc;
  /**
   * Top-level attributes whose value differs afterwards; extension attributes
   * as their full URN path (`urn:...:enterprise:2.0:User:department`).
   */
  readonly changed: readonly string[];
  /** Group member ids added and removed (empty for a User). */
  readonly members: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

type PatchResult =
  | { readonly ok: true; readonly value: PatchOutcome }
  | { readonly ok: false; readonly error: ScimError };

// Thrown inside the patch only; applyPatch turns it into a result.
class Refuse extends Error {
  constructor(readonly error: ScimError) {
    super(error.message);
  }
}
const fail = (scimType: ScimType, detail: string): Refuse => new Refuse(badRequest(scimType, detail));
const refuse = (scimType: ScimType, detail: string): never => {
  throw fail(scimType, detail);
};

const isObject = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);

const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, at) => deepEqual(item, b[at]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a).filter((key) => a[key] !== undefined);
    return (
      keys.length === Object.keys(b).filter((key) => b[key] !== undefined).length &&
      keys.every((key) => deepEqual(a[key], b[key]))
    );
  }
  return false;
};

// ---- values: one canonical form whatever the provider sends ------------------------------

/**
 * Coerces one (single) value to the attribute's type: `"False"` is false
 * (Entra's default), a string for a complex attribute with `value` is
 * `{value}` (Entra's manager), keys of complex values take canonical case and
 * read-only sub-attributes (a manager's displayName) are the server's to set.
 */
const coerceOne = (def: AttributeDef, value: unknown, where: string): unknown => {
  switch (def.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw fail('invalidValue', `"${where}" must be a boolean`);
    }
    case 'integer':
      return Number.isInteger(value) ? value : refuse('invalidValue', `"${where}" must be an integer`);
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value)
        ? value
        : refuse('invalidValue', `"${where}" must be a number`);
    case 'dateTime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
        ? value
        : refuse('invalidValue', `"${where}" must be an RFC 3339 date and time`);
    case 'complex': {
      if (typeof value === 'string' && findAttribute(def.subAttributes, 'value')) return { value };
      if (!isObject(value)) throw fail('invalidValue', `"${where}" must be an object`);
      const out: Doc = {};
      for (const [key, inner] of Object.entries(value)) {
        const sub = findAttribute(def.subAttributes, key);
        if (!sub) throw fail('invalidPath', `"${where}.${key}" is not a known sub-attribute`);
        if (sub.mutability === 'readOnly' || !isAssigned(inner)) continue;
        out[sub.name] = coerceOne(sub, inner, `${where}.${sub.name}`);
      }
      return out;
    }
    default:
      return typeof value === 'string' ? value : refuse('invalidValue', `"${where}" must be a string`);
  }
};

const coerceList = (def: AttributeDef, value: unknown, where: string): Doc[] =>
  (Array.isArray(value) ? value : [value])
    .filter(isAssigned)
    .map((item) => coerceOne(def, item, where))
    .filter((item): item is Doc => isObject(item) && Object.keys(item).length > 0);

// Members are one per id (their `value` is immutable); other multi-valued attributes one per whole value.
const byId = (def: AttributeDef): boolean => findAttribute(def.subAttributes, 'value')?.mutability === 'immutable';

const identityOf = (def: AttributeDef): ((element: Doc) => unknown) =>
  byId(def) ? (element) => element.value : (element) => element;

// Appends without duplicates; a Set on ids keeps a 10,000-member add linear.
const appendUnique = (def: AttributeDef, existing: readonly Doc[], incoming: readonly Doc[]): Doc[] => {
  const out = [...existing];
  if (byId(def)) {
    const seen = new Set(existing.map((element) => element.value));
    for (const element of incoming) {
      if (seen.has(element.value)) continue;
      seen.add(element.value);
      out.push(element);
    }
    return out;
  }
  for (const element of incoming) if (!out.some((present) => deepEqual(present, element))) out.push(element);
  return out;
};

// RFC 7643 §2.4: at most one `primary: true`; the value just written wins.
const settlePrimary = (list: Doc[], touched: ReadonlySet<Doc>): Doc[] => {
  const winner = [...touched].reverse().find((element) => element.primary === true);
  if (!winner) return list;
  return list.map((element) =>
    element !== winner && element.primary === true ? { ...element, primary: false } : element,
  );
};

// ---- one operation at one path --------------------------------------------------------------

type Op = 'add' | 'replace' | 'remove';

interface Context {
  readonly type: ResourceTypeName;
  readonly doc: Doc;
}

const containerFor = (doc: Doc, extension: string | undefined, create: boolean): Doc | undefined => {
  if (extension === undefined) return doc;
  const existing = doc[extension];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const made: Doc = {};
  doc[extension] = made;
  return made;
};

const guard = (def: AttributeDef, where: string, op: Op, current: unknown, next: unknown): boolean => {
  if (def.mutability === 'readOnly') {
    // An echo of the current value (Okta sends `id` back) changes nothing and is not an error.
    if (op !== 'remove' && deepEqual(current, next)) return false;
    throw fail('mutability', `"${where}" is read-only`);
  }
  if (def.mutability === 'immutable' && isAssigned(current) && !deepEqual(current, next)) {
    throw fail('mutability', `"${where}" is immutable`);
  }
  return true;
};

// The eq terms of an AND-only filter, to build the element a value path names when none exists yet.
const seedOf = (filter: Filter, def: AttributeDef): Doc | undefined => {
  if (filter.kind === 'and') {
    const left = seedOf(filter.left, def);
    const right = seedOf(filter.right, def);
    return left && right ? { ...left, ...right } : undefined;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null) return undefined;
  const sub = findAttribute(def.subAttributes, filter.path.attribute);
  return sub ? { [sub.name]: filter.value } : undefined;
};

const applyAt = (context: Context, op: Op, target: PatchPath, value: unknown, hasValue: boolean): void => {
  const { type, doc } = context;
  const where = printPath(target.path) + (target.filter ? '[...]' : '') + (target.sub ? `.${target.sub}` : '');
  const resolved = resolvePath(type, target.path.urn, target.path.attribute, target.path.sub);
  if (!resolved) throw fail('invalidPath', `"${where}" is not an attribute of ${type}`);
  const { attribute: def, extension } = resolved;
  const subName = target.sub ?? target.path.sub;
  const sub = subName === undefined ? undefined : findAttribute(def.subAttributes, subName);
  if (subName !== undefined && !sub) throw fail('invalidPath', `"${where}" names an unknown sub-attribute`);
  if (def.mutability === 'readOnly' && !(op !== 'remove' && target.filter === undefined && sub === undefined)) {
    throw fail('mutability', `"${where}" is read-only`);
  }
  if (sub?.mutability === 'readOnly') throw fail('mutability', `"${where}" is read-only`);
  if (op !== 'remove' && !hasValue) throw fail('invalidValue', `"${op}" of "${where}" needs a value`);
  const container = containerFor(doc, extension, op !== 'remove');
  if (!container) return; // removing from an extension the resource does not carry: nothing to do
  const current = container[def.name];

  if (target.filter) {
    if (!def.multiValued) throw fail('invalidPath', `"${where}": only a multi-valued attribute takes a filter`);
    const predicate = compileElementFilter(def, target.filter);
    if (!predicate.ok) throw fail('invalidPath', predicate.error.message);
    const list = (Array.isArray(current) ? current : []).filter(isObject);
    const matched = new Set(list.filter((element) => predicate.value(element)));
    if (op === 'remove') {
      // Removing what is not there is done already (Entra retries); no error.
      const kept = sub
        ? list.map((element) => (matched.has(element) ? withoutKey(element, sub.name) : element))
        : list.filter((element) => !matched.has(element));
      setList(container, def.name, kept);
      return;
    }
    const patchValue = sub ? coerceOne(sub, value, where) : coerceOne(def, value, where);
    if (sub)
      guardEach(
        sub,
        where,
        op,
        [...matched].map((element) => element[sub.name]),
        patchValue,
      );
    const touched = new Set<Doc>();
    let next = list.map((element) => {
      if (!matched.has(element)) return element;
      const updated = sub ? { ...element, [sub.name]: patchValue } : { ...element, ...(patchValue as Doc) };
      touched.add(updated);
      return updated;
    });
    if (matched.size === 0) {
      // Entra replaces `emails[type eq "work"].value` on a user with no work email: that adds one.
      const seed = seedOf(target.filter, def);
      if (!seed) throw fail('noTarget', `"${where}" matches no value`);
      const created = sub ? { ...seed, [sub.name]: patchValue } : { ...seed, ...(patchValue as Doc) };
      touched.add(created);
      next = [...next, created];
    }
    setList(container, def.name, settlePrimary(next, touched));
    return;
  }

  if (sub) {
    if (def.multiValued) {
      const list = (Array.isArray(current) ? current : []).filter(isObject);
      if (op === 'remove') {
        setList(
          container,
          def.name,
          list.map((element) => withoutKey(element, sub.name)),
        );
        return;
      }
      const patchValue = coerceOne(sub, value, where);
      guardEach(
        sub,
        where,
        op,
        list.map((element) => element[sub.name]),
        patchValue,
      );
      const next =
        list.length > 0
          ? list.map((element) => ({ ...element, [sub.name]: patchValue }))
          : [{ [sub.name]: patchValue }];
      setList(container, def.name, next);
      return;
    }
    const object = isObject(current) ? { ...current } : {};
    if (op === 'remove' || !isAssigned(value)) delete object[sub.name];
    else {
      const patchValue = coerceOne(sub, value, where);
      guard(sub, where, op, object[sub.name], patchValue);
      object[sub.name] = patchValue;
    }
    setValue(container, def.name, object);
    return;
  }

  if (op === 'remove') {
    if (def.required) throw fail('invalidValue', `"${where}" is required and cannot be removed`);
    // An empty value array removes nothing; only a remove without a value clears the attribute.
    if (def.multiValued && hasValue && (isAssigned(value) || Array.isArray(value))) {
      // Entra removes members as `{"path":"members","value":[{"value":"id"}]}`.
      const doomed = coerceList(def, value, where);
      const identity = identityOf(def);
      const ids = new Set(doomed.map((element) => JSON.stringify(identity(element))));
      const list = (Array.isArray(current) ? current : []).filter(isObject);
      setList(
        container,
        def.name,
        list.filter((element) => !ids.has(JSON.stringify(identity(element)))),
      );
      return;
    }
    delete container[def.name];
    return;
  }

  if (!isAssigned(value)) {
    // Adding nothing changes nothing.
    if (op === 'add') return;
    // RFC 7643 §2.5: null, "" and [] unassign; Entra clears a manager with "".
    if (def.required) throw fail('invalidValue', `"${where}" is required`);
    if (!guard(def, where, op, current, undefined)) return;
    delete container[def.name];
    return;
  }
  if (def.multiValued) {
    const incoming = coerceList(def, value, where);
    const existing = (Array.isArray(current) ? current : []).filter(isObject);
    const next = op === 'add' ? appendUnique(def, existing, incoming) : appendUnique(def, [], incoming);
    if (!guard(def, where, op, current, next)) return;
    setList(container, def.name, settlePrimary(next, new Set(next.filter((element) => incoming.includes(element)))));
    return;
  }
  const coerced = coerceOne(def, value, where);
  // A complex value merges: sub-attributes it does not name stay (RFC 7644 §3.5.2.1, §3.5.2.3).
  const next = def.type === 'complex' && isObject(current) ? { ...current, ...(coerced as Doc) } : coerced;
  if (!guard(def, where, op, current, next)) return;
  setValue(container, def.name, next);
};

const guardEach = (def: AttributeDef, where: string, op: Op, currents: readonly unknown[], next: unknown): void => {
  for (const current of currents) guard(def, where, op, current, next);
};

const withoutKey = (element: Doc, key: string): Doc => {
  const { [key]: _dropped, ...rest } = element;
  return rest;
};

const setList = (container: Doc, name: string, list: readonly Doc[]): void => {
  const kept = list.filter((element) => Object.keys(element).length > 0);
  if (kept.length === 0) delete container[name];
  else container[name] = kept;
};

const setValue = (container: Doc, name: string, value: unknown): void => {
  if (isAssigned(value)) container[name] = value;
  else delete container[name];
};

// A path-less add/replace: each key of the value is a path of its own.
const applyPathless = (context: Context, op: Op, value: unknown): void => {
  if (!isObject(value)) throw fail('invalidValue', `A "${op}" without a path needs an object value`);
  const core = resourceTypes[context.type].schema.id;
  for (const [key, inner] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas') continue;
    const extension = extensionOf(context.type, key);
    if ((extension || key.toLowerCase() === core.toLowerCase()) && isObject(inner)) {
      // `{"urn:...:enterprise:2.0:User": {"department": "x"}}`: each attribute inside is a path.
      for (const [name, nested] of Object.entries(inner)) {
        const urn = extension ? extension.id : undefined;
        applyAt(context, op, { path: { ...(urn ? { urn } : {}), attribute: name } }, nested, true);
      }
      continue;
    }
    // `"name.givenName"` and `"urn:...:User:department"` keys, as Entra sends them.
    const parsed = parsePatchPath(key);
    if (!parsed.ok || parsed.value.filter) throw fail('invalidPath', `"${key}" is not an attribute path`);
    applyAt(context, op, parsed.value, inner, true);
  }
};

const OPS: ReadonlySet<string> = new Set(['add', 'replace', 'remove']);

const validateBody = (body: unknown): readonly Doc[] => {
  if (!isObject(body)) throw fail('invalidSyntax', 'The PATCH body must be a JSON object');
  const schemas = body.schemas;
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.includes(PATCH_OP_SCHEMA))) {
    throw fail('invalidSyntax', `"schemas" must contain "${PATCH_OP_SCHEMA}"`);
  }
  const key = Object.keys(body).find((name) => name.toLowerCase() === 'operations');
  const operations = key ? body[key] : undefined;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw fail('invalidSyntax', '"Operations" must be a non-empty array');
  }
  return operations.map((operation, at) =>
    isObject(operation) ? operation : refuse('invalidSyntax', `Operations[${at}] must be an object`),
  );
};

const field = (operation: Doc, name: string): unknown => {
  const key = Object.keys(operation).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : operation[key];
};

const memberIds = (doc: Doc): Set<string> =>
  new Set(
    (Array.isArray(doc.members) ? doc.members : [])
      .map((member) => (isObject(member) ? member.value : undefined))
      .filter((id): id is string => typeof id === 'string'),
  );

const changesBetween = (type: ResourceTypeName, before: Doc, after: Doc): string[] => {
  const extensions = new Set(resourceTypes[type].extensions.map((schema) => schema.id));
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'meta' || key === 'schemas' || key === 'id') continue;
    if (extensions.has(key)) {
      const old = isObject(before[key]) ? (before[key] as Doc) : {};
      const now = isObject(after[key]) ? (after[key] as Doc) : {};
      for (const name of new Set([...Object.keys(old), ...Object.keys(now)])) {
        if (!deepEqual(old[name], now[name])) changed.push(`${key}:${name}`);
      }
    } else if (!deepEqual(before[key], after[key])) changed.push(key);
  }
  return changed;
};

// `schemas` lists exactly the extensions the resource carries.
const settleSchemas = (type: ResourceTypeName, doc: Doc): void => {
  const resource = resourceTypes[type];
  const carried = resource.extensions.filter((schema) => isObject(doc[schema.id])).map((schema) => schema.id);
  for (const schema of resource.extensions) if (!carried.includes(schema.id)) delete doc[schema.id];
  doc.schemas = [resource.schema.id, ...carried];
};

/**
 * Applies a SCIM PATCH (RFC 7644 §3.5.2) to a stored resource document and
 * returns the new document, or a typed error (`invalidSyntax`, `invalidPath`,
 * `invalidValue`, `noTarget`, `mutability`). The input is never modified.
 * It accepts what Okta and Entra send: `Replace`/`Add`/`Remove` in any case,
 * `"False"` for booleans, path-less values with dotted or URN-qualified keys,
 * value-filtered paths, manager as an id string, member removal by filter or
 * by a value array; a member or value already there is not added twice, and
 * removing what is absent is not an error.
 *
 * @example
 * applyPatch(user, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }, 'User');
 * // { ok: true, value: { resource: { ...user, active: false }, changed: ['active'], members: { added: [], removed: [] } } }
 */
const applyPatch = (resource: Readonly<Doc>, body: unknown, type: ResourceTypeName): PatchResult => {
  try {
    const operations = validateBody(body);
    const doc = structuredClone(resource) as Doc;
    const context: Context = { type, doc };
    for (const [at, operation] of operations.entries()) {
      const rawOp = field(operation, 'op');
      const op = typeof rawOp === 'string' ? rawOp.toLowerCase() : '';
      if (!OPS.has(op)) refuse('invalidSyntax', `Operations[${at}].op must be add, replace or remove`);
      const path = field(operation, 'path');
      const hasValue = Object.keys(operation).some((key) => key.toLowerCase() === 'value');
      const value = field(operation, 'value');
      if (path === undefined || path === '') {
        if (op === 'remove') refuse('noTarget', `Operations[${at}]: "remove" needs a path`);
        applyPathless(context, op as Op, value);
        continue;
      }
      if (typeof path !== 'string') throw fail('invalidPath', `Operations[${at}].path must be a string`);
      const parsed = parsePatchPath(path);
      if (!parsed.ok) throw fail('invalidPath', `"${path}": ${parsed.error.detail}`);
      applyAt(context, op as Op, parsed.value, value, hasValue);
    }
    settleSchemas(type, doc);
    const before = memberIds(resource as Doc);
    const after = memberIds(doc);
    return {
      ok: true,
      value: {
        resource: doc,
        changed: changesBetween(type, resource as Doc, doc),
        members: {
          added: [...after].filter((id) => !before.has(id)),
          removed: [...before].filter((id) => !after.has(id)),
        },
      },
    };
  } catch (error) {
    if (error instanceof Refuse) return { ok: false, error: error.error };
    throw error;
  }
};

export type { PatchOutcome, PatchResult };
export { PATCH_OP_SCHEMA, applyPatch };
