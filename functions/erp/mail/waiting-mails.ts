import { type QueryCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../../kernel/aws/condition-failure.js';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import type { ErpMailIntent } from './erp-mail-intents.js';

/**
 * Mails waiting for their order or customer, as items of the `erp` table
 * (pk `mail#<mail id>`, sk `MAIL`, which the follow-up's stream filter
 * leaves out). While waiting an item carries `waits_for` (the key of the
 * missing entity, index `mailsByWait`: the follow-up retries the mails
 * when that entity is written) and `waiting` with `wait_until` (index
 * `mailsDue`: the sweep takes those whose wait is over). Both are removed
 * when the mail is sent or given up, so the indexes hold waiting mails only.
 */
export interface WaitingMail {
  readonly pk: string;
  readonly sk: typeof MAIL_SK;
  /** The intent, JSON: the mail's snapshot of the item that triggered it. */
  readonly intent: string;
  readonly waits_for?: string;
  readonly waiting?: typeof WAITING;
  readonly wait_until: string;
  readonly reason: string;
  readonly created_at: string;
  /** `sent` or `skipped` once resolved, with why. */
  readonly outcome?: string;
  readonly resolved_at?: string;
}

const MAIL_SK = 'MAIL' as const;
const WAITING = 'mail' as const;
const BY_WAIT_INDEX = 'mailsByWait';
const DUE_INDEX = 'mailsDue';

const queryAll = async (input: ConstructorParameters<typeof QueryCommand>[0]): Promise<WaitingMail[]> => {
  const items: WaitingMail[] = [];
  for await (const page of paginateQuery({ client: dynamo() }, input)) {
    items.push(...((page.Items ?? []) as WaitingMail[]));
  }
  return items;
};

/** The mails waiting for an entity (`salesOrder#SO-1`, `customer#C-1`). */
const mailsWaitingFor = (key: string): Promise<WaitingMail[]> =>
  queryAll({
    TableName: tableName('erp'),
    IndexName: BY_WAIT_INDEX,
    KeyConditionExpression: 'waits_for = :key',
    ExpressionAttributeValues: { ':key': key },
  });

/** The mails whose wait is over at `now`. */
const mailsDue = (now: Date): Promise<WaitingMail[]> =>
  queryAll({
    TableName: tableName('erp'),
    IndexName: DUE_INDEX,
    KeyConditionExpression: 'waiting = :waiting AND wait_until <= :now',
    ExpressionAttributeValues: { ':waiting': WAITING, ':now': now.toISOString() },
  });

/**
 * Ends a mail's wait: sent or skipped, with why. Conditional on it still
 * waiting, so of two racing resolvers (the stream and the sweep) one wins.
 *
 * @returns whether this call resolved it.
 */
const resolveMail = async (mail: WaitingMail, outcome: 'sent' | 'skipped', reason: string, now: Date) => {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('erp'),
        Key: { pk: mail.pk, sk: mail.sk },
        UpdateExpression: 'SET outcome = :outcome, reason = :reason, resolved_at = :now REMOVE waits_for, waiting',
        ConditionExpression: 'attribute_exists(waiting)',
        ExpressionAttributeValues: { ':outcome': outcome, ':reason': reason, ':now': now.toISOString() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Moves a waiting mail to wait for something else (its order came, its customer has not); same deadline. */
const rewaitMail = async (mail: WaitingMail, waitsFor: string, reason: string): Promise<void> => {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('erp'),
        Key: { pk: mail.pk, sk: mail.sk },
        UpdateExpression: 'SET waits_for = :key, reason = :reason',
        ConditionExpression: 'attribute_exists(waiting)',
        ExpressionAttributeValues: { ':key': waitsFor, ':reason': reason },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

const intentOf = (mail: WaitingMail): ErpMailIntent => JSON.parse(mail.intent) as ErpMailIntent;

export { MAIL_SK, WAITING, BY_WAIT_INDEX, DUE_INDEX, mailsWaitingFor, mailsDue, resolveMail, rewaitMail, intentOf };
