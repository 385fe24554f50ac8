import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * What a conditional write or a transaction that DynamoDB refused tells us.
 * Every store in the project decides on these, so they are read here and
 * nowhere else: no other module looks at an error's name or at a
 * transaction's `CancellationReasons`.
 */

/** A single conditional write refused because its condition did not hold. */
const isConditionFailure = (error: unknown): boolean =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

/**
 * A write DynamoDB did not make, as a whole: which of its items failed their
 * condition. A single write has one item, index 0. A transaction lists the
 * index (in `TransactItems` order) of each item whose condition failed; none
 * when it was cancelled for another reason (another transaction held one of
 * its items, throttling), which a caller may treat as "moved" or let fail and
 * be retried.
 */
export interface Refusal {
  readonly failedItems: readonly number[];
}

/**
 * The refusal an error stands for, or undefined when the error is no refusal
 * (a network failure, a validation error: ours to fail on).
 *
 * @example
 * const refusal = refusalOf(error);
 * if (refusal?.failedItems.includes(1)) return 'alias';
 */
const refusalOf = (error: unknown): Refusal | undefined => {
  if (isConditionFailure(error)) return { failedItems: [0] };
  if ((error as Error | undefined)?.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  const failedItems = reasons.flatMap((reason, index) => (reason?.Code === 'ConditionalCheckFailed' ? [index] : []));
  return { failedItems };
};

/**
 * A write DynamoDB refused: its condition failed, or (a transaction) it was
 * cancelled. Nothing of it was written, so reading again and deciding again
 * is safe.
 *
 * @example
 * catch (error) { if (isRefused(error)) throw new RecordMovedError('...'); throw error; }
 */
const isRefused = (error: unknown): boolean => refusalOf(error) !== undefined;

/**
 * A write that lost to a concurrent transaction on the same item
 * (`TransactionConflictException`, or a transaction cancelled with reason
 * `TransactionConflict`): nothing was wrong with it, and trying again after
 * a fresh read is right.
 *
 * @example
 * catch (error) { if (refusalOf(error)?.failedItems.length || isTransactionConflict(error)) continue; throw error; }
 */
const isTransactionConflict = (error: unknown): boolean => {
  const name = (error as Error | undefined)?.name;
  if (name === 'TransactionConflictException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((reason) => reason?.Code === 'TransactionConflict');
};

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

export { isConditionFailure, isRefused, isTransactionConflict, itemOfFailure, refusalOf };
