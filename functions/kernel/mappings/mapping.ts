import { DecimalText } from '../http/exact-json.js';
import { exactDecimal } from '../http/exact-decimal.js';
import { lazySchemas } from '../lazy-schemas.js';
import * as z from '../validation.js';
import type { RecordData } from '../records/record.js';

/** What a number field says of a number a double would change (see `exact-json.ts`); zod's own message otherwise. */
const inexactNumber = (issue: { readonly input?: unknown }) =>
  issue.input instanceof DecimalText
    ? 'has more digits than a number holds exactly; a field that keeps exact figures is a decimal'
    : undefined;

/**
 * Mappings are data: each module declares, for one outside system and one
 * record type, which vendor field becomes which local field, its type, and
 * whether it flows both ways or only inbound. This module validates such a
 * declaration and derives everything else from it: the zod schema that
 * checks a vendor payload, and the conversions in both directions.
 *
 * Adding a record type is adding one mapping module to `index.ts`.
 */
const fieldTypeBuilders = {
  string: () => z.string(),
  email: () => z.email(),
  number: () => z.number({ error: inexactNumber }),
  integer: () => z.int({ error: inexactNumber }),
  /** A figure stored exactly however large (a revenue): a number, or its decimal text beyond 2^53. */
  decimal: () => exactDecimal(),
  /** 0 to 100 (a probability). */
  percent: () => z.number({ error: inexactNumber }).check(z.gte(0), z.lte(100)),
  // Vendors send plain dates or full timestamps for the same field.
  date: () => z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
  datetime: () => z.iso.datetime({ offset: true }),
  url: () => z.url(),
  object: () => z.record(z.string(), z.unknown()),
} as const;
type FieldType = keyof typeof fieldTypeBuilders;

/**
 * Each field type's schema, built on first use and kept (lazySchemas): a
 * bundle reads a few of them, and building them at import is part of a cold
 * start's own init (issue 15).
 */
const fieldTypes = lazySchemas(fieldTypeBuilders);

const REMOTE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const SNAKE_CASE = /^[a-z][a-z0-9_]*$/;
const DIRECTIONS = ['both', 'inbound'] as const;

// The declaration's shape, for its types: built only if something parses with it (never at
// import, issue 15); defineMapping checks the same rules by hand.
const fieldMapping = z.lazy(() =>
  z.object({
    /** Dotted path in the vendor's record: `account.name`. */
    remote: z.string().check(z.regex(REMOTE_PATH)),
    /** Our field name, snake case. */
    local: z.string().check(z.regex(SNAKE_CASE)),
    type: z.enum(Object.keys(fieldTypeBuilders) as [FieldType, ...FieldType[]]),
    /** `inbound`: we take it from the vendor but never send it back (the vendor owns it). */
    direction: z._default(z.enum(DIRECTIONS), 'both'),
  }),
);

const recordMapping = z.lazy(() =>
  z.object({
    system: z.string().check(z.minLength(1)),
    recordType: z.string().check(z.regex(SNAKE_CASE)),
    fields: z.array(fieldMapping).check(z.minLength(1)),
    /** Present when local changes of this type are pushed to the system. */
    outbound: z.optional(
      z.object({
        createPath: z.string().check(z.startsWith('/')),
        /** `{external_id}` is replaced by the record's id at the vendor. */
        updatePath: z.string().check(z.includes('{external_id}')),
      }),
    ),
  }),
);

export type RecordMapping = z.infer<typeof recordMapping>;
export type FieldMapping = z.infer<typeof fieldMapping>;

/** A string `check` accepts, or an error naming the declaration and the field. */
const checked = (where: string, field: string, value: unknown, check: (text: string) => boolean): string => {
  if (typeof value !== 'string' || !check(value)) {
    throw new Error(`Mapping ${where}: ${field} ${JSON.stringify(value)} is not valid`);
  }
  return value;
};

/**
 * Validates a mapping declaration at load time; a bad module fails every
 * test that imports it. The rules of `recordMapping`, checked by hand: a
 * zod parse here would build and compile the schema in every cold start of
 * a function that maps (2 to 3 ms, issue 15). Like the parse, it returns
 * only the declared keys, `direction` defaulting to `both`.
 */
const defineMapping = (declaration: z.input<typeof recordMapping>): RecordMapping => {
  const where = `${String(declaration.system)}/${String(declaration.recordType)}`;
  const system = checked(where, 'system', declaration.system, (text) => text.length > 0);
  const recordType = checked(where, 'recordType', declaration.recordType, (text) => SNAKE_CASE.test(text));
  if (!Array.isArray(declaration.fields) || declaration.fields.length === 0) {
    throw new Error(`Mapping ${where}: fields must list at least one field`);
  }
  const fields = declaration.fields.map(
    (field, i): FieldMapping => ({
      remote: checked(where, `fields[${i}].remote`, field.remote, (text) => REMOTE_PATH.test(text)),
      local: checked(where, `fields[${i}].local`, field.local, (text) => SNAKE_CASE.test(text)),
      type: checked(where, `fields[${i}].type`, field.type, (text) =>
        Object.hasOwn(fieldTypeBuilders, text),
      ) as FieldType,
      direction: checked(where, `fields[${i}].direction`, field.direction ?? 'both', (text) =>
        (DIRECTIONS as readonly string[]).includes(text),
      ) as FieldMapping['direction'],
    }),
  );
  const outbound = declaration.outbound && {
    createPath: checked(where, 'outbound.createPath', declaration.outbound.createPath, (text) => text.startsWith('/')),
    updatePath: checked(where, 'outbound.updatePath', declaration.outbound.updatePath, (text) =>
      text.includes('{external_id}'),
    ),
  };
  const mapping: RecordMapping = { system, recordType, fields, ...(outbound ? { outbound } : {}) };
  const locals = mapping.fields.map((f) => f.local);
  const duplicate = locals.find((name, i) => locals.indexOf(name) !== i);
  if (duplicate) throw new Error(`Mapping ${mapping.system}/${mapping.recordType} maps ${duplicate} twice`);
  return mapping;
};

/** Each mapping's schema, built once: zod builds a schema far more slowly than it checks a record against it. */
const remoteSchemas = new WeakMap<RecordMapping, z.Schema<RecordData>>();

/**
 * The nested zod object for the vendor's record: every field optional
 * (updates may be partial) and nullable. Built on first use per mapping
 * and kept (a bulk page checks hundreds of records against one).
 *
 * @example
 * const data = z.parse(remoteSchema(contactMapping), { FirstName: 'Ana' });
 */
const remoteSchema = (mapping: RecordMapping): z.Schema<RecordData> => {
  const known = remoteSchemas.get(mapping);
  if (known) return known;
  const schema = buildRemoteSchema(mapping);
  remoteSchemas.set(mapping, schema);
  return schema;
};

const buildRemoteSchema = (mapping: RecordMapping): z.Schema<RecordData> => {
  // A tree of the vendor's field paths: a leaf holds the field's type, a branch a nested object.
  interface Branch {
    readonly children: Map<string, Branch | FieldMapping['type']>;
  }
  const root: Branch = { children: new Map() };
  for (const f of mapping.fields) {
    const parts = f.remote.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node.children.get(part);
      if (next && typeof next !== 'string') node = next;
      else {
        const branch: Branch = { children: new Map() };
        node.children.set(part, branch);
        node = branch;
      }
    }
    node.children.set(parts.at(-1) as string, f.type);
  }
  const build = (branch: Branch): z.Schema =>
    z.looseObject(
      Object.fromEntries(
        [...branch.children].map(([key, child]) => [
          key,
          z.optional(z.nullable(typeof child === 'string' ? fieldTypes[child] : build(child))),
        ]),
      ),
    );
  return build(root) as z.Schema<RecordData>;
};

const readPath = (data: RecordData, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (value, key) => (value && typeof value === 'object' ? (value as RecordData)[key] : undefined),
      data,
    );

/**
 * Vendor record -> our fields. Only fields present in the payload appear in
 * the result, so a partial update changes only what it carries; `null`
 * clears a field.
 */
const toLocal = (mapping: RecordMapping, remote: RecordData): RecordData => {
  const local: RecordData = {};
  for (const f of mapping.fields) {
    const value = readPath(remote, f.remote);
    if (value !== undefined) local[f.local] = value;
  }
  return local;
};

/** Our fields -> vendor record, for fields that flow both ways. Top-level vendor paths only. */
const toRemote = (mapping: RecordMapping, local: RecordData): RecordData => {
  const remote: RecordData = {};
  for (const f of mapping.fields) {
    if (f.direction !== 'both' || f.remote.includes('.')) continue;
    const value = local[f.local];
    if (value !== undefined) remote[f.remote] = value;
  }
  return remote;
};

export { defineMapping, fieldTypes, remoteSchema, toLocal, toRemote };
