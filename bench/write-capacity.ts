import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Write capacity consumed since the meter was installed or last read. */
export interface ConsumedWrites {
  /** Write capacity units, as DynamoDB reports them with `ReturnConsumedCapacity: TOTAL`. */
  readonly units: number;
  /** Write requests made (a transaction counts once). */
  readonly writes: number;
  /**
   * How many of them were multi-item (TransactWriteItems, BatchWriteItem):
   * DynamoDB Local has under-reported those (facts.md), so a reader should
   * cross-check them with AWS's rule; single-item writes it reports right.
   */
  readonly multiItem: number;
  /** Write requests by operation (`PutItem`, `UpdateItem`, ...), to say in a note what made up the units. */
  readonly byOperation: Readonly<Record<string, number>>;
}

export interface WriteCapacityMeter {
  /** What was consumed since the last call (or since install), and starts counting afresh. */
  take(): ConsumedWrites;
  /** Removes the middleware, so later calls on the client run unmetered. */
  remove(): void;
}

/** The document client sends the base client's commands, whose names these are. */
const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

const MULTI_ITEM_COMMANDS = new Set(['TransactWriteItemsCommand', 'BatchWriteItemCommand']);

const MIDDLEWARE_NAME = 'benchWriteCapacityMeter';

type Consumed = { CapacityUnits?: number } | readonly { CapacityUnits?: number }[] | undefined;

/**
 * Meters the write capacity a handler's writes consume, without changing
 * the handler: the handlers never ask for `ReturnConsumedCapacity` (it
 * costs response bytes for nothing on the hot path), so this middleware
 * sets `TOTAL` on every write the client sends and sums the
 * `ConsumedCapacity` DynamoDB answers with. `TOTAL` includes the writes to
 * global secondary indexes, which DynamoDB bills as well.
 *
 * Install it on the handlers' shared client (`dynamo()`) only while
 * measuring, and `remove()` it after: timed runs must not pay for it.
 *
 * @example
 * const meter = meterWriteCapacity(dynamo());
 * await handler(event, context);
 * const { units, writes } = meter.take();
 * meter.remove();
 */
const meterWriteCapacity = (client: DynamoDBDocumentClient): WriteCapacityMeter => {
  let units = 0;
  let writes = 0;
  let multiItem = 0;
  let byOperation: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (!WRITE_COMMANDS.has(command)) return next(args);
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      writes++;
      if (MULTI_ITEM_COMMANDS.has(command)) multiItem++;
      const operation = command.replace(/Command$/, '');
      byOperation[operation] = (byOperation[operation] ?? 0) + 1;
      // One object for single-item writes, one per table for transactions and batches.
      const consumed = (out.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity;
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        units += (entry as { CapacityUnits?: number }).CapacityUnits ?? 0;
      }
      return out;
    },
    { step: 'initialize', name: MIDDLEWARE_NAME },
  );
  return {
    take: () => {
      const taken = { units, writes, multiItem, byOperation };
      units = 0;
      writes = 0;
      multiItem = 0;
      byOperation = {};
      return taken;
    },
    remove: () => {
      client.middlewareStack.remove(MIDDLEWARE_NAME);
    },
  };
};

export { meterWriteCapacity };
