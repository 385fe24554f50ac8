import { fieldTypes } from '../mappings/mapping.js';
import { mappings } from '../mappings/crm/index.js';
import * as z from '../validation.js';
import type { RecordData } from './record.js';

/**
 * The record types a local write may create, and the fields each holds, in
 * our own names. The CRM mappings are the source for the types they sync
 * (a field a mapping does not know would never reach the CRM, and a typo
 * such as `firstName` would be pushed as an empty contact). `product` is
 * synced by no mapping: it is the inventory tool's product info (name and
 * reorder thresholds, read by its stock alerts), declared here because the
 * kernel may not import a tool.
 */

/** Numbers typed into an admin form sometimes arrive as strings; the inventory tool reads both. */
const amount = () =>
  z.union([z.number().check(z.gte(0)), z.string().check(z.regex(/^\d+(\.\d+)?$/, 'must be a number'))]);

const productFields = (): Readonly<Record<string, z.Schema>> => ({
  name: z.string().check(z.minLength(1)),
  reorder_point: amount(),
  reorder_quantity: amount(),
});

/**
 * Each known type's fields: local name -> schema of its value. The schemas
 * are built when a type's record schema is (recordDataSchema), not at
 * import: building zod schemas is most of our own cold start (issue 15).
 */
const fieldsByType: ReadonlyMap<string, () => Readonly<Record<string, z.Schema>>> = new Map([
  ...mappings
    .filter((m) => m.system === 'crm')
    .map(
      (m) =>
        [
          m.recordType,
          () => Object.fromEntries(m.fields.map((f) => [f.local, fieldTypes[f.type] as z.Schema])),
        ] as const,
    ),
  ['product', productFields],
]);

/** The types a local write may create, sorted, for the message that lists them. */
const knownRecordTypes: readonly string[] = [...fieldsByType.keys()].sort();

/** A record body's schemas, built once per type: zod builds far more slowly than it checks. */
const schemas = new Map<string, z.Schema<RecordData>>();

/**
 * The schema a local write's `data` must pass for its type: an object of the
 * type's fields only (an unknown field is refused by name), each optional
 * (a record may know only some) and nullable (`null` is how a field is
 * cleared, and what an inbound write stores for a vendor's empty value), and
 * at least one field set (an empty contact would be pushed as one).
 * Undefined for a type nobody declared.
 *
 * @example
 * const schema = recordDataSchema('contact');
 * z.safeParse(schema, { firstName: 'Ana' }).success; // false: firstName is no contact field (first_name is)
 */
const recordDataSchema = (type: string): z.Schema<RecordData> | undefined => {
  const known = schemas.get(type);
  if (known) return known;
  const fields = fieldsByType.get(type)?.();
  if (!fields) return undefined;
  const names = Object.keys(fields).sort();
  const schema = z
    .strictObject(Object.fromEntries(names.map((name) => [name, z.optional(z.nullable(fields[name] as z.Schema))])))
    .check(
      z.refine((data: RecordData) => Object.values(data).some((value) => value !== undefined && value !== null), {
        message: `is empty; a ${type} needs at least one of ${names.join(', ')}`,
      }),
    ) as unknown as z.Schema<RecordData>;
  schemas.set(type, schema);
  return schema;
};

/**
 * Why a record type cannot be written, or undefined when it can: the text of
 * a 400 that names the type and lists the known ones.
 *
 * @example
 * unknownTypeProblem('lead'); // 'unknown record type lead (known: account, contact, opportunity, product)'
 */
const unknownTypeProblem = (type: string): string | undefined =>
  fieldsByType.has(type) ? undefined : `unknown record type ${type} (known: ${knownRecordTypes.join(', ')})`;

export { knownRecordTypes, recordDataSchema, unknownTypeProblem };
