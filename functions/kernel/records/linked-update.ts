import { TransactWriteCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import type { RecordAlias } from './record.js';

/** An update of one records item: what it has both alone and inside a transaction. */
export interface RecordUpdate {
  readonly TableName: string;
  readonly Key: Record<string, unknown>;
  readonly ConditionExpression: string;
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/** One item of a TransactWriteItems call, as lib-dynamodb takes it. */
export type TransactionItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The items of a linking write, for a caller that commits them together
 * with a write of its own (an inbound conflict: the record's claim and the
 * conflict, all or nothing): item 0 the update, item 1 the alias if any,
 * put on the same condition as {@link updateLinking}'s.
 *
 * @example
 * await recordConflictWith(linkingItems(update, alias), conflict, now);
 */
const linkingItems = (update: RecordUpdate, alias?: RecordAlias): TransactionItem[] => [
  { Update: update },
  ...(alias
    ? [
        {
          Put: {
            TableName: tableName('records'),
            Item: alias,
            ConditionExpression: 'attribute_not_exists(pk) OR alias_of = :self',
            ExpressionAttributeValues: { ':self': alias.alias_of },
          },
        },
      ]
    : []),
];

/**
 * Sends `update`; with `alias`, puts the alias in the same transaction, on
 * condition that its key is free or already points at the same record.
 * Both inbound linking (matched by email or name) and the outbound
 * write-back link a record this way. A refusal is read with `refusalOf()`
 * (`kernel/aws/condition-failure.ts`): item 0 is the update, item 1 the alias.
 *
 * @example
 * await updateLinking(update, aliasFor('contact', 'c-42', 'crm', '003A', now));
 */
const updateLinking = async (update: RecordUpdate, alias?: RecordAlias): Promise<void> => {
  if (!alias) {
    await dynamo().send(new UpdateCommand(update));
    return;
  }
  await dynamo().send(new TransactWriteCommand({ TransactItems: linkingItems(update, alias) }));
};

export { linkingItems, updateLinking };
