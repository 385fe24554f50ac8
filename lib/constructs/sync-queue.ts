import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../topology-spec.js';

export interface SyncQueueProps {
  /** The queue's key in the topology (`outbound`); names its environment variable. */
  readonly name: string;
  readonly spec: QueueSpec;
}

/**
 * An SQS queue built from its topology entry, always with its own
 * dead-letter queue: a message that fails `maxReceiveCount` times moves
 * there instead of blocking its group or being lost. Both queues refuse
 * plain-HTTP requests and are encrypted with SQS-managed keys (no KMS key
 * policy to maintain, no KMS grants in any role).
 *
 * A FIFO queue gets a FIFO DLQ (SQS requires it) and high-throughput mode,
 * since order only matters within a message group (one target record).
 * No physical names: CloudFormation generates them, with the `.fifo` suffix
 * where needed, and handlers get the URL from the environment.
 *
 * @example
 * const outbound = new SyncQueue(queues, 'Outbound', { name: 'outbound', spec: topology.queues.outbound });
 */
export class SyncQueue extends Construct {
  /** The queue's key in the topology. */
  public readonly topologyName: string;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  /** Receives before a message moves to the DLQ. */
  public readonly maxReceiveCount: number;

  public constructor(scope: Construct, id: string, props: SyncQueueProps) {
    super(scope, id);
    const { spec } = props;
    this.topologyName = props.name;
    this.maxReceiveCount = spec.maxReceiveCount;
    // `fifo: false` would reach CloudFormation as FifoQueue=false, which SQS
    // rejects for standard queues; leave it out instead.
    const kind = spec.fifo ? { fifo: true } : {};
    const shared = {
      ...kind,
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
    };

    this.deadLetterQueue = new sqs.Queue(this, 'Dlq', {
      ...shared,
      // The longest SQS allows, so a failure found late can still be redriven.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...shared,
      ...(spec.fifo
        ? {
            // We send explicit deduplication ids (a hash of the message id).
            contentBasedDeduplication: false,
            deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
            fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
          }
        : {}),
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(spec.retentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
    });
  }
}
