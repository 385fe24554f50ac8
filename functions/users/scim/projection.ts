import { parsePatchPath } from './filter-parse.js';
import { type AttributeDef, type ResourceTypeName, extensionOf, resolvePath, resourceTypes } from './schema.js';

type Doc = Record<string, unknown>;

const isObject = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One name of an `attributes`/`excludedAttributes` list, resolved. */
interface Selected {
  /** Where the attribute lives: undefined for the core schema, else the extension URN. */
  readonly extension: string | undefined;
  /** undefined when the name is a whole extension. */
  readonly attribute: AttributeDef | undefined;
  readonly sub: string | undefined;
}

// Names the schema does not know are skipped: a projection narrows the answer, it never fails it.
const parseList = (type: ResourceTypeName, list: string | undefined): Selected[] =>
  (list ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
    .flatMap((name): Selected[] => {
      const extension = extensionOf(type, name);
      if (extension) return [{ extension: extension.id, attribute: undefined, sub: undefined }];
      const parsed = parsePatchPath(name);
      if (!parsed.ok || parsed.value.filter) return [];
      const { urn, attribute, sub } = parsed.value.path;
      const resolved = resolvePath(type, urn, attribute, sub);
      return resolved
        ? [{ extension: resolved.extension, attribute: resolved.attribute, sub: resolved.sub?.name }]
        : [];
    });

const containerOf = (doc: Doc, extension: string | undefined): Doc | undefined =>
  extension === undefined ? doc : isObject(doc[extension]) ? (doc[extension] as Doc) : undefined;

const pickSub = (value: unknown, sub: string, into: unknown): unknown => {
  if (Array.isArray(value)) {
    const previous = Array.isArray(into) ? into : [];
    return value.map((element, at) => ({
      ...(isObject(previous[at]) ? previous[at] : {}),
      ...(isObject(element) && element[sub] !== undefined ? { [sub]: element[sub] } : {}),
    }));
  }
  if (!isObject(value) || value[sub] === undefined) return into;
  return { ...(isObject(into) ? into : {}), [sub]: value[sub] };
};

const dropSub = (value: unknown, sub: string): unknown => {
  const drop = (element: unknown) => {
    if (!isObject(element)) return element;
    const { [sub]: _dropped, ...rest } = element;
    return rest;
  };
  return Array.isArray(value) ? value.map(drop) : drop(value);
};

// RFC 7643 §7: `returned: always` attributes (id, meta) and `schemas` are in every answer.
const ALWAYS = ['schemas', 'id', 'meta'] as const;

const neverReturned = (type: ResourceTypeName): readonly string[] =>
  resourceTypes[type].schema.attributes.filter((def) => def.returned === 'never').map((def) => def.name);

/**
 * Applies the `attributes` and `excludedAttributes` query parameters (RFC
 * 7644 §3.4.2.5) to a resource: comma-separated, case-insensitive names,
 * sub-attributes (`name.givenName`, `emails.value`), URN-qualified names and
 * whole extensions allowed. `id`, `schemas` and `meta` are always returned,
 * `password` never. Unknown names are ignored. Entra lists groups with
 * `excludedAttributes=members`.
 *
 * @example
 * projectResource(group, 'Group', undefined, 'members'); // the group without its members
 */
const projectResource = (
  resource: Readonly<Doc>,
  type: ResourceTypeName,
  attributes: string | undefined,
  excludedAttributes: string | undefined,
): Doc => {
  let out: Doc = { ...resource };
  for (const name of neverReturned(type)) delete out[name];
  // A list of unknown names still narrows the answer to what is always returned.
  if (attributes !== undefined && attributes.trim() !== '') {
    const wanted = parseList(type, attributes);
    const picked: Doc = {};
    for (const key of ALWAYS) if (out[key] !== undefined) picked[key] = out[key];
    for (const selected of wanted) {
      const source = containerOf(out, selected.extension);
      if (!source) continue;
      if (!selected.attribute) {
        picked[selected.extension as string] = source;
        continue;
      }
      if (selected.attribute.returned === 'never') continue;
      let target = picked;
      if (selected.extension !== undefined) {
        const existing = picked[selected.extension];
        target = isObject(existing) ? { ...existing } : {};
        picked[selected.extension] = target;
      }
      const name = selected.attribute.name;
      if (source[name] === undefined) continue;
      target[name] = selected.sub === undefined ? source[name] : pickSub(source[name], selected.sub, target[name]);
    }
    out = picked;
  }
  for (const selected of parseList(type, excludedAttributes)) {
    if (selected.attribute?.returned === 'always') continue;
    if (!selected.attribute) {
      delete out[selected.extension as string];
      continue;
    }
    const container = containerOf(out, selected.extension);
    if (!container) continue;
    const copy = selected.extension === undefined ? out : { ...container };
    const name = selected.attribute.name;
    if (selected.sub === undefined) delete copy[name];
    else if (copy[name] !== undefined) copy[name] = dropSub(copy[name], selected.sub);
    if (selected.extension !== undefined) out[selected.extension] = copy;
  }
  // An extension emptied by the projection is left out rather than answered as `{}`.
  for (const schema of resourceTypes[type].extensions) {
    const value = out[schema.id];
    if (isObject(value) && Object.keys(value).length === 0) delete out[schema.id];
  }
  return out;
};

export { projectResource };
