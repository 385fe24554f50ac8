import { randomBytes } from 'node:crypto';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClients, type EngineClients } from '../../local/engine-clients.js';
import { type EngineEndpoints, type RunningEngines, startEngines } from '../../local/engines.js';
import { createRuntimeLog } from '../../local/log.js';
import type { PlannedTable } from '../../local/plan.js';
import { provisionResources } from '../../local/provision.js';
import { planWithTable } from '../helpers/table-plan.js';

/**
 * A data folder kept across an upgrade: the table was provisioned from an
 * older topology, and `npm start` on the newer one must add (or drop) the
 * global secondary indexes in place, keeping the data, as a deployment
 * would; and still refuse what a deployment could not change.
 */

const BY_EXTERNAL_ID = { name: 'byExternalId', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' } as const;
const BY_TYPE = {
  name: 'byType',
  partitionKey: 'record_type',
  sortKey: 'record_id',
  projection: 'INCLUDE',
  nonKeyAttributes: ['deleted_at'],
} as const;

/** The records table as an older topology had it: no `byType` yet. */
const OLDER_RECORDS: PlannedTable = {
  name: 'records',
  envName: 'RECORDS_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  billingMode: 'PAY_PER_REQUEST',
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [BY_EXTERNAL_ID],
};

/**
 * Engines of its own, not the run's shared ones: an index is built in the
 * background by DynamoDB Local, and on the shared engine, busy with every
 * other test file, one stayed CREATING past 20 s on a loaded CI machine.
 */
const ownEngines = async (): Promise<{ endpoints: EngineEndpoints; own: RunningEngines }> => {
  const own = await startEngines();
  return { endpoints: own.endpoints, own };
};

describe('npm start on kept data: tables updated to a newer topology', { timeout: 120_000 }, () => {
  let endpoints: EngineEndpoints;
  let own: RunningEngines | undefined;
  let clients: EngineClients;
  const namePrefix = `u${randomBytes(3).toString('hex')}-`;
  const tableName = `${namePrefix}records`;
  const lines: string[] = [];

  const provision = (table: PlannedTable) =>
    provisionResources(planWithTable(table), {
      clients,
      endpoints,
      namePrefix,
      log: createRuntimeLog('info', (line) => lines.push(line)),
      dataDir: '/tmp/kept-data',
      indexWaitMs: 90_000,
    });

  const indexNames = async (): Promise<string[]> => {
    const described = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    return (described.Table?.GlobalSecondaryIndexes ?? []).map((i) => `${i.IndexName}:${i.IndexStatus}`).sort();
  };

  beforeAll(async () => {
    ({ endpoints, own } = await ownEngines());
    clients = createEngineClients(endpoints, 'us-east-1');
    // Prepare: the table as the older topology made it, with a record in it.
    const first = await provision(OLDER_RECORDS);
    expect(first.tables.records?.created).toBe(true);
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: { S: 'contact#c1' },
          sk: { S: 'record' },
          record_type: { S: 'contact' },
          record_id: { S: 'c1' },
          first_name: { S: 'Ana' },
        },
      }),
    );
  });

  afterAll(async () => {
    await clients?.dynamodb.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    clients?.destroy();
    await own?.stop();
  });

  it('adds the index a newer topology has, keeps the data, logs it, and the index answers a Query', async () => {
    // Act
    const again = await provision({ ...OLDER_RECORDS, indexes: [BY_EXTERNAL_ID, BY_TYPE] });

    // Assess
    expect(again.tables.records).toEqual({ name: 'records', physicalName: tableName, created: false });
    expect(await indexNames()).toEqual(['byExternalId:ACTIVE', 'byType:ACTIVE']);
    const kept = await clients.dynamodb.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'contact#c1' }, sk: { S: 'record' } } }),
    );
    expect(kept.Item?.first_name).toEqual({ S: 'Ana' });
    const byType = await clients.dynamodb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'byType',
        KeyConditionExpression: 'record_type = :type',
        ExpressionAttributeValues: { ':type': { S: 'contact' } },
      }),
    );
    expect(byType.Items?.map((item) => item.record_id)).toEqual([{ S: 'c1' }]);
    const added = lines.map((line) => JSON.parse(line)).filter((l) => l.index === 'byType');
    expect(added).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'kept table: index the topology added created, data kept',
        table: tableName,
      }),
    ]);
  });

  it('starts on the updated table again without any change', async () => {
    // Prepare
    const before = lines.length;

    // Act
    await provision({ ...OLDER_RECORDS, indexes: [BY_EXTERNAL_ID, BY_TYPE] });

    // Assess
    expect(lines.slice(before).filter((line) => line.includes('kept table'))).toEqual([]);
    expect(await indexNames()).toEqual(['byExternalId:ACTIVE', 'byType:ACTIVE']);
  });

  it('deletes an index the topology no longer has, logged, and keeps the data', async () => {
    // Act
    await provision({ ...OLDER_RECORDS, indexes: [BY_TYPE] });

    // Assess
    expect(await indexNames()).toEqual(['byType:ACTIVE']);
    const kept = await clients.dynamodb.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'contact#c1' }, sk: { S: 'record' } } }),
    );
    expect(kept.Item?.first_name).toEqual({ S: 'Ana' });
    const deleted = lines.map((line) => JSON.parse(line)).filter((l) => l.index === 'byExternalId');
    expect(deleted).toEqual([
      expect.objectContaining({ message: 'kept table: index the topology no longer has deleted', table: tableName }),
    ]);
  });

  it('still refuses a key-schema change, naming it and the folder to delete, and changes nothing', async () => {
    // Act
    const started = provision({ ...OLDER_RECORDS, sortKey: 'other_sk', indexes: [BY_TYPE, BY_EXTERNAL_ID] });

    // Assess
    await expect(started).rejects.toThrow(
      `Table ${tableName} kept in the data folder /tmp/kept-data no longer matches the topology: ` +
        'key schema is pk:HASH,sk:RANGE, the topology says pk:HASH,other_sk:RANGE. ' +
        'A deployment could not change this in place either. ' +
        'Delete /tmp/kept-data (its data goes with it) and start again.',
    );
    expect(await indexNames()).toEqual(['byType:ACTIVE']);
  });
});
