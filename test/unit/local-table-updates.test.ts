import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { PlannedTable } from '../../local/plan.js';
import { planTableUpdates } from '../../local/table-updates.js';

const RECORDS: PlannedTable = {
  name: 'records',
  envName: 'RECORDS_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  billingMode: 'PAY_PER_REQUEST',
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [
    { name: 'byExternalId', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
    {
      name: 'byType',
      partitionKey: 'record_type',
      sortKey: 'record_id',
      projection: 'INCLUDE',
      nonKeyAttributes: ['deleted_at'],
    },
  ],
};

/** A table kept from before `byType` was added to the topology. */
const keptTable = (overrides: Partial<TableDescription> = {}): TableDescription => ({
  TableStatus: 'ACTIVE',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
    { AttributeName: 'gsi1sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'byExternalId',
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  ...overrides,
});

const BY_TYPE_KEPT = {
  IndexName: 'byType',
  KeySchema: [
    { AttributeName: 'record_type', KeyType: 'HASH' as const },
    { AttributeName: 'record_id', KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: ['deleted_at'] },
};

describe('Function: planTableUpdates()', () => {
  it('plans nothing for a kept table that matches the topology', () => {
    // Prepare
    const kept = keptTable({
      GlobalSecondaryIndexes: [...(keptTable().GlobalSecondaryIndexes ?? []), BY_TYPE_KEPT],
    });

    // Act
    const plan = planTableUpdates(RECORDS, kept);

    // Assess
    expect(plan).toEqual({ refusals: [], updates: [] });
  });

  it('creates an index the topology added, with the attribute definitions its keys need', () => {
    // Act
    const plan = planTableUpdates(RECORDS, keptTable());

    // Assess
    expect(plan.refusals).toEqual([]);
    expect(plan.updates).toEqual([
      {
        action: 'create',
        index: {
          IndexName: 'byType',
          KeySchema: BY_TYPE_KEPT.KeySchema,
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['deleted_at'] },
        },
        attributeDefinitions: [
          ...(keptTable().AttributeDefinitions ?? []),
          { AttributeName: 'record_type', AttributeType: 'S' },
          { AttributeName: 'record_id', AttributeType: 'S' },
        ],
      },
    ]);
  });

  it('plans one update per index, deletions of indexes the topology dropped first', () => {
    // Prepare
    const kept = keptTable({
      GlobalSecondaryIndexes: [{ IndexName: 'old', KeySchema: [{ AttributeName: 'x', KeyType: 'HASH' }] }],
    });

    // Act
    const plan = planTableUpdates(RECORDS, kept);

    // Assess
    expect(plan.refusals).toEqual([]);
    expect(
      plan.updates.map((u) => (u.action === 'create' ? `create ${u.index.IndexName}` : `delete ${u.indexName}`)),
    ).toEqual(['delete old', 'create byExternalId', 'create byType']);
  });

  describe.each([
    {
      change: 'another key schema',
      kept: keptTable({ KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }),
      refusal: 'key schema is pk:HASH, the topology says pk:HASH,sk:RANGE',
    },
    {
      change: 'an index with other keys',
      kept: keptTable({
        GlobalSecondaryIndexes: [
          { ...BY_TYPE_KEPT, KeySchema: [{ AttributeName: 'record_type', KeyType: 'HASH' }] },
          ...(keptTable().GlobalSecondaryIndexes ?? []),
        ],
      }),
      refusal: 'index byType has keys record_type:HASH, the topology says record_type:HASH,record_id:RANGE',
    },
    {
      change: 'an index with another projection',
      kept: keptTable({
        GlobalSecondaryIndexes: [
          { ...BY_TYPE_KEPT, Projection: { ProjectionType: 'ALL' } },
          ...(keptTable().GlobalSecondaryIndexes ?? []),
        ],
      }),
      refusal: 'index byType projects ALL, the topology says INCLUDE(deleted_at)',
    },
    {
      change: 'another stream view type',
      kept: keptTable({ StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }),
      refusal: 'stream is NEW_IMAGE, the topology says NEW_AND_OLD_IMAGES',
    },
    {
      change: "a new index's key typed otherwise",
      kept: keptTable({
        AttributeDefinitions: [
          ...(keptTable().AttributeDefinitions ?? []),
          { AttributeName: 'record_type', AttributeType: 'N' },
        ],
      }),
      refusal: 'attribute record_type is typed N, index byType needs S',
    },
  ])('a kept table with $change', ({ kept, refusal }) => {
    it('is refused, naming the difference, and no update is planned (not even a fixable one)', () => {
      // Act
      const plan = planTableUpdates(RECORDS, kept);

      // Assess
      expect(plan.refusals).toEqual([refusal]);
      expect(plan.updates).toEqual([]);
    });
  });
});
