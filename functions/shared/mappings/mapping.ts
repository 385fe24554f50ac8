import { z } from 'zod';
import type { RecordData } from '../records/record.js';

/**
 * Mappings are data: each module declares, for one outside system and one
 * record type, which vendor field becomes which local field, its type, and
 * whether it flows both ways or only inbound. This module validates such a
 * declaration and derives everything else from it: the zod schema that
 * checks a vendor payload, and the conversions in both directions.
 *
 * Adding a record type is adding one mapping module to `index.ts`.
 */
const fieldTypes = {
  string: z.string(),
  email: z.email(),
  number: z.number(),
  integer: z.number().int(),
  // Vendors send plain dates or full timestamps for the same field.
  date: z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
  datetime: z.iso.datetime({ offset: true }),
  url: z.string().url(),
  object: z.record(z.string(), z.unknown()),
} as const;

const fieldMapping = z.object({
  /** Dotted path in the vendor's record: `account.name`. */
  remote: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/),
  /** Our field name, snake case. */
  local: z.string().regex(/^[a-z][a-z0-9_]*$/),
  type: z.enum(Object.keys(fieldTypes) as [keyof typeof fieldTypes, ...(keyof typeof fieldTypes)[]]),
  /** `inbound`: we take it from the vendor but never send it back (the vendor owns it). */
  direction: z.enum(['both', 'inbound']).default('both'),
});

const recordMapping = z.object({
  system: z.string().min(1),
  recordType: z.string().regex(/^[a-z][a-z0-9_]*$/),
  fields: z.array(fieldMapping).min(1),
  /** Present when local changes of this type are pushed to the system. */
  outbound: z
    .object({
      createPath: z.string().startsWith('/'),
      /** `{external_id}` is replaced by the record's id at the vendor. */
      updatePath: z.string().includes('{external_id}'),
    })
    .optional(),
});

export type RecordMapping = z.infer<typeof recordMapping>;
export type FieldMapping = z.infer<typeof fieldMapping>;

/** Validates a mapping declaration at load time; a bad module fails every test that imports it. */
const defineMapping = (declaration: z.input<typeof recordMapping>): RecordMapping => {
  const mapping = recordMapping.parse(declaration);
  const locals = mapping.fields.map((f) => f.local);
  const duplicate = locals.find((name, i) => locals.indexOf(name) !== i);
  if (duplicate) throw new Error(`Mapping ${mapping.system}/${mapping.recordType} maps ${duplicate} twice`);
  return mapping;
};

/** Builds the nested zod object for the vendor's record: every field optional (updates may be partial) and nullable. */
const remoteSchema = (mapping: RecordMapping): z.ZodType<RecordData> => {
  interface Node {
    [key: string]: Node | z.ZodType;
  }
  const tree: Node = {};
  for (const f of mapping.fields) {
    const parts = f.remote.split('.');
    let node = tree;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      node = next && !(next instanceof z.ZodType) ? next : (node[part] = {});
    }
    node[parts.at(-1) as string] = fieldTypes[f.type].nullable().optional();
  }
  const build = (node: Node): z.ZodType =>
    z.looseObject(
      Object.fromEntries(
        Object.entries(node).map(([key, value]) => [
          key,
          value instanceof z.ZodType ? value : build(value).nullable().optional(),
        ]),
      ),
    );
  return build(tree) as z.ZodType<RecordData>;
};

const readPath = (data: RecordData, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as RecordData)[key] : undefined), data);

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

export { defineMapping, remoteSchema, toLocal, toRemote };
