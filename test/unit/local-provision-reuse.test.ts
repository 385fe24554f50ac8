import {
  CreateTableCommand,
  DescribeTableCommand,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { EngineClients } from '../../local/engine-clients.js';
import { createRuntimeLog } from '../../local/log.js';
import type { PlannedTable } from '../../local/plan.js';
import { provisionResources } from '../../local/provision.js';
import { planWithTable } from '../helpers/table-plan.js';

const RECORDS: PlannedTable = {
  name: 'records',
  envName: 'RECORDS_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  billingMode: 'PAY_PER_REQUEST',
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [{ name: 'byExternalId', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' }],
};

const KEPT_AS_PLANNED: TableDescription = {
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
    },
  ],
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
};

/** DynamoDB Local holding the table already (a kept data folder): CreateTable says so, DescribeTable shows `kept`. */
const clientsHolding = (kept: TableDescription): EngineClients =>
  ({
    dynamodb: {
      send: async (command: unknown) => {
        if (command instanceof CreateTableCommand) {
          throw Object.assign(new Error('Cannot create preexisting table'), { name: 'ResourceInUseException' });
        }
        if (command instanceof UpdateTimeToLiveCommand) return {};
        if (command instanceof DescribeTableCommand) return { Table: kept };
        throw new Error(`unexpected command ${(command as object).constructor.name}`);
      },
    },
  }) as unknown as EngineClients;

const provision = (kept: TableDescription) =>
  provisionResources(planWithTable(RECORDS), {
    clients: clientsHolding(kept),
    endpoints: { dynamodb: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:2', ses: 'http://127.0.0.1:3' },
    namePrefix: '',
    log: createRuntimeLog('silent'),
    dataDir: '/home/ana/sync-tools/.local-data',
  });

describe('Function: provisionResources() on kept data', () => {
  it('reuses a kept table whose keys, indexes and stream match the topology', async () => {
    // Act
    const resources = await provision(KEPT_AS_PLANNED);

    // Assess
    expect(resources.tables.records).toEqual({ name: 'records', physicalName: 'records', created: false });
  });

  describe.each([
    {
      change: 'another sort key',
      kept: { ...KEPT_AS_PLANNED, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }] },
      named: 'key schema is pk:HASH, the topology says pk:HASH,sk:RANGE',
    },
    {
      change: 'an index with other keys',
      kept: {
        ...KEPT_AS_PLANNED,
        GlobalSecondaryIndexes: [
          { IndexName: 'byExternalId', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' as const }] },
        ],
      },
      named: 'index byExternalId has keys gsi1pk:HASH, the topology says gsi1pk:HASH,gsi1sk:RANGE',
    },
    {
      change: 'no stream',
      kept: { ...KEPT_AS_PLANNED, StreamSpecification: undefined },
      named: 'stream is off, the topology says NEW_AND_OLD_IMAGES',
    },
  ])('a kept table with $change', ({ kept, named }) => {
    it('refuses to start, naming the table, the difference and the folder to delete', async () => {
      // Act
      const started = provision(kept);

      // Assess
      await expect(started).rejects.toThrow(
        `Table records kept in the data folder /home/ana/sync-tools/.local-data no longer matches the topology: ${named}. ` +
          'A deployment could not change this in place either. ' +
          'Delete /home/ana/sync-tools/.local-data (its data goes with it) and start again.',
      );
    });
  });
});
