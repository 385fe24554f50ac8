import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  isConditionFailure,
  isRefused,
  isTransactionConflict,
  itemOfFailure,
  refusalOf,
} from '../../functions/kernel/aws/condition-failure.js';

/**
 * The one reader of DynamoDB's refusals. The errors are built as the SDK
 * throws them: the exception's `name`, and for a cancelled transaction its
 * `CancellationReasons`, one per item in `TransactItems` order.
 */
const anError = (name: string, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, ...fields });

const cancelled = (...codes: string[]) =>
  anError('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) });

describe('Function: refusalOf()', () => {
  it.each([
    ['a single write whose condition failed', anError('ConditionalCheckFailedException'), [0]],
    ['a transaction whose first item failed its condition', cancelled('ConditionalCheckFailed', 'None'), [0]],
    ['a transaction whose second item failed its condition', cancelled('None', 'ConditionalCheckFailed'), [1]],
    ['a transaction whose items both failed', cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'), [0, 1]],
    ['a transaction cancelled by a conflicting one', cancelled('TransactionConflict', 'None'), []],
    ['a transaction cancelled without reasons', anError('TransactionCanceledException'), []],
  ])('reads %s', (_name, error, failedItems) => {
    // Act
    const refusal = refusalOf(error);
    // Assess
    expect(refusal).toEqual({ failedItems });
    expect(isRefused(error)).toBe(true);
  });

  it.each([
    ['a validation error', anError('ValidationException')],
    ['a throttled request', anError('ProvisionedThroughputExceededException')],
    ['a network failure', new TypeError('fetch failed')],
    ['something that is not an error', undefined],
  ])('takes %s for no refusal', (_name, error) => {
    // Act / Assess
    expect(refusalOf(error)).toBeUndefined();
    expect(isRefused(error)).toBe(false);
  });

  it('tells a single failed condition from a cancelled transaction', () => {
    // Act / Assess
    expect(isConditionFailure(anError('ConditionalCheckFailedException'))).toBe(true);
    expect(isConditionFailure(cancelled('ConditionalCheckFailed'))).toBe(false);
  });
});

describe('Function: isTransactionConflict()', () => {
  it.each([
    ['a write that met a concurrent transaction', anError('TransactionConflictException'), true],
    ['a transaction cancelled by a conflicting one', cancelled('None', 'TransactionConflict'), true],
    ['a transaction whose condition failed', cancelled('ConditionalCheckFailed', 'None'), false],
    ['a single failed condition', anError('ConditionalCheckFailedException'), false],
    ['a throttled request', anError('ProvisionedThroughputExceededException'), false],
  ])('answers for %s', (_name, error, expected) => {
    // Act / Assess
    expect(isTransactionConflict(error)).toBe(expected);
  });
});

describe('Function: itemOfFailure()', () => {
  it('unmarshalls the item DynamoDB returned with the refusal', () => {
    // Prepare
    const error = anError('ConditionalCheckFailedException', { Item: marshall({ pk: 'contact#c-1', version: 3 }) });
    // Act / Assess
    expect(itemOfFailure(error)).toEqual({ pk: 'contact#c-1', version: 3 });
  });

  it('answers undefined when the refusal carried no item', () => {
    expect(itemOfFailure(anError('ConditionalCheckFailedException'))).toBeUndefined();
  });
});
