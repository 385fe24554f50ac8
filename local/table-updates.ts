import type {
  AttributeDefinition,
  GlobalSecondaryIndex,
  KeySchemaElement,
  TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { PlannedTable } from './plan.js';

type PlannedIndex = PlannedTable['indexes'][number];

/**
 * One UpdateTable call on a kept table, as a CloudFormation deployment would
 * make it: DynamoDB takes one index creation or deletion per call.
 */
type IndexUpdate =
  | {
      readonly action: 'create';
      readonly index: GlobalSecondaryIndex & { IndexName: string };
      /** The kept table's definitions plus the new index's keys: UpdateTable needs every key it names. */
      readonly attributeDefinitions: AttributeDefinition[];
    }
  | { readonly action: 'delete'; readonly indexName: string };

/** What to do with a kept table: refuse (with the reasons), or apply `updates` (possibly none) and go on. */
interface TableUpdatePlan {
  /** Differences no deployment could make in place either; any of them means no update is made. */
  readonly refusals: readonly string[];
  readonly updates: readonly IndexUpdate[];
}

const keySchemaOf = (partitionKey: string, sortKey?: string): KeySchemaElement[] => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
];

const describeKeys = (keys: readonly KeySchemaElement[] | undefined): string =>
  (keys ?? []).map((key) => `${key.AttributeName}:${key.KeyType}`).join(',');

const describeProjection = (type: string | undefined, nonKey: readonly string[] | undefined): string =>
  nonKey && nonKey.length > 0 ? `${type}(${[...nonKey].sort().join(',')})` : `${type}`;

/**
 * The index as the topology wants it, in UpdateTable's (and CreateTable's)
 * shape, so a kept table gains exactly what a fresh one would have.
 *
 * @example
 * plannedIndexDefinition({ name: 'byType', partitionKey: 'record_type', projection: 'ALL' });
 */
const plannedIndexDefinition = (index: PlannedIndex): GlobalSecondaryIndex & { IndexName: string } => ({
  IndexName: index.name,
  KeySchema: keySchemaOf(index.partitionKey, index.sortKey),
  Projection: {
    ProjectionType: index.projection,
    ...(index.nonKeyAttributes ? { NonKeyAttributes: [...index.nonKeyAttributes] } : {}),
  },
});

/** Refusals about a kept index the topology still has but defines otherwise (DynamoDB cannot alter an index). */
const changedIndex = (index: PlannedIndex, found: NonNullable<TableDescription['GlobalSecondaryIndexes']>[number]) => {
  const refusals: string[] = [];
  const keys = describeKeys(found.KeySchema);
  const wanted = describeKeys(keySchemaOf(index.partitionKey, index.sortKey));
  if (keys !== wanted) refusals.push(`index ${index.name} has keys ${keys}, the topology says ${wanted}`);
  // An engine that does not describe the projection gives nothing to compare.
  if (found.Projection?.ProjectionType) {
    const foundProjection = describeProjection(found.Projection.ProjectionType, found.Projection.NonKeyAttributes);
    const wantedProjection = describeProjection(index.projection, index.nonKeyAttributes);
    if (foundProjection !== wantedProjection) {
      refusals.push(`index ${index.name} projects ${foundProjection}, the topology says ${wantedProjection}`);
    }
  }
  return refusals;
};

/** The new index's key attributes added to the kept definitions, or the refusal when a kept one has another type. */
const definitionsFor = (
  index: PlannedIndex,
  kept: readonly AttributeDefinition[],
): { definitions: AttributeDefinition[]; refusals: string[] } => {
  const definitions = [...kept];
  const refusals: string[] = [];
  for (const name of [index.partitionKey, index.sortKey]) {
    if (name === undefined) continue;
    const existing = definitions.find((d) => d.AttributeName === name);
    if (!existing) definitions.push({ AttributeName: name, AttributeType: 'S' });
    else if (existing.AttributeType !== 'S') {
      refusals.push(`attribute ${name} is typed ${existing.AttributeType}, index ${index.name} needs S`);
    }
  }
  return { definitions, refusals };
};

/**
 * Compares a kept table with the topology the way a CloudFormation
 * deployment would: a global secondary index the topology added is created
 * and one it dropped is deleted (both in place, data kept); a changed key
 * schema, a changed index (keys or projection) or another stream are
 * refusals, since items written under other keys would be found by no query
 * of the code and a deployment could not make them in place either. Pure:
 * `createTable` applies the plan.
 *
 * @example
 * const { refusals, updates } = planTableUpdates(plannedRecords, described.Table);
 * // updates: [{ action: 'create', index: { IndexName: 'byType', ... }, attributeDefinitions: [...] }]
 */
const planTableUpdates = (table: PlannedTable, found: TableDescription | undefined): TableUpdatePlan => {
  const refusals: string[] = [];
  const updates: IndexUpdate[] = [];
  const wantedKeys = describeKeys(keySchemaOf(table.partitionKey, table.sortKey));
  if (describeKeys(found?.KeySchema) !== wantedKeys) {
    refusals.push(`key schema is ${describeKeys(found?.KeySchema) || 'none'}, the topology says ${wantedKeys}`);
  }
  const foundIndexes = new Map((found?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
  // Deletions first: the table then never carries both an old index and its replacement.
  const planned = new Set(table.indexes.map((index) => index.name));
  for (const name of foundIndexes.keys()) {
    if (name !== undefined && !planned.has(name)) updates.push({ action: 'delete', indexName: name });
  }
  for (const index of table.indexes) {
    const kept = foundIndexes.get(index.name);
    if (kept) {
      refusals.push(...changedIndex(index, kept));
      continue;
    }
    const { definitions, refusals: typeRefusals } = definitionsFor(index, found?.AttributeDefinitions ?? []);
    refusals.push(...typeRefusals);
    updates.push({ action: 'create', index: plannedIndexDefinition(index), attributeDefinitions: definitions });
  }
  const foundStream = found?.StreamSpecification?.StreamEnabled ? found.StreamSpecification.StreamViewType : undefined;
  if (foundStream !== table.stream) {
    refusals.push(`stream is ${foundStream ?? 'off'}, the topology says ${table.stream ?? 'off'}`);
  }
  return refusals.length > 0 ? { refusals, updates: [] } : { refusals, updates };
};

export { describeKeys, keySchemaOf, planTableUpdates, plannedIndexDefinition };
export type { IndexUpdate, TableUpdatePlan };
