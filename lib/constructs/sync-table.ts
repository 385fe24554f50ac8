import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { TableSpec } from '../topology-spec.js';

export interface SyncTableProps {
  /** The table's key in the topology (`records`); names its environment variable. */
  readonly name: string;
  readonly spec: TableSpec;
}

/**
 * A DynamoDB table built from its topology entry, with the settings every
 * table of sync-tools shares: on-demand billing (sync traffic comes in
 * bursts), point-in-time recovery, AWS-managed encryption, a stream when a
 * consumer reads it, TTL when its items expire, and the indexes its access
 * patterns need.
 *
 * It is stateful: it is retained when the stack is deleted, protected from
 * deletion, and has no physical name, so CloudFormation can never clash
 * with an existing table and handlers get the name from the environment.
 * Its construct id fixes its logical id; changing either replaces the table
 * (`test/unit/stack.test.ts` guards the logical ids).
 *
 * @example
 * const records = new SyncTable(tables, 'Records', { name: 'records', spec: topology.tables.records });
 */
export class SyncTable extends dynamodb.Table {
  /** The table's key in the topology. */
  public readonly topologyName: string;
  /** Names of the global secondary indexes. */
  public readonly indexNames: readonly string[];

  public constructor(scope: Construct, id: string, props: SyncTableProps) {
    const { spec } = props;
    super(scope, id, {
      partitionKey: { name: spec.partitionKey, type: dynamodb.AttributeType.STRING },
      ...(spec.sortKey ? { sortKey: { name: spec.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      ...(spec.stream ? { stream: dynamodb.StreamViewType[spec.stream] } : {}),
      ...(spec.ttlAttribute ? { timeToLiveAttribute: spec.ttlAttribute } : {}),
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    this.topologyName = props.name;
    this.indexNames = (spec.indexes ?? []).map((index) => index.name);
    for (const index of spec.indexes ?? []) {
      this.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
        ...(index.include
          ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] }
          : { projectionType: dynamodb.ProjectionType.ALL }),
      });
    }
  }
}
