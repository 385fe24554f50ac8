import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * What a conditional write that DynamoDB refused tells us. Every store in
 * the project decides on these two, so they are written once here.
 */

/** A conditional write refused because its condition did not hold. */
const isConditionFailure = (error: unknown): boolean =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

/**
 * The item as it was when the condition failed, sent back with the refusal
 * when the write asked for it (`ReturnValuesOnConditionCheckFailure:
 * 'ALL_OLD'`); undefined when there was none. lib-dynamodb leaves it
 * marshalled, so it is converted here.
 *
 * @example
 * catch (error) { if (isConditionFailure(error)) return itemOfFailure<StockItem>(error); throw error; }
 */
const itemOfFailure = <T>(error: unknown): T | undefined => {
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  return item ? (unmarshall(item) as T) : undefined;
};

export { isConditionFailure, itemOfFailure };
