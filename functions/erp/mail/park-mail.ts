import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../../kernel/aws/condition-failure.js';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { logger } from '../../kernel/observability.js';
import type { ErpMailIntent } from './erp-mail-intents.js';
import { logMailEvent } from './mail-sync-events.js';
import type { MailDecision } from './render-erp-mail.js';
import { MAIL_SK, WAITING, type WaitingMail } from './waiting-mails.js';

/**
 * Parking a mail that cannot go yet (its order or customer is not known):
 * the follow-up's part of a mail's wait; the retries and the sweep are in
 * `mail-waits.ts`. Apart so that the sweep's bundle holds no PutItem.
 */

const DEFAULT_WAIT_MINUTES = 60;

/**
 * How long a mail waits for its order or customer: `ERP_MAIL_WAIT_MINUTES`
 * (tests shorten it), else an hour.
 *
 * @example
 * mailWaitMinutes(); // 60
 */
const mailWaitMinutes = (): number => {
  const raw = process.env.ERP_MAIL_WAIT_MINUTES;
  const minutes = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  return Number.isFinite(minutes) && minutes >= 0 ? minutes : DEFAULT_WAIT_MINUTES;
};

/**
 * Parks a mail to wait; a mail already parked (a redelivery) is left as it
 * is, so its wait is not extended.
 *
 * @returns the parked item, or undefined when it was parked already.
 */
const parkMail = async (
  intent: ErpMailIntent,
  waitsFor: string,
  reason: string,
  now: Date,
  waitMinutes: number,
): Promise<WaitingMail | undefined> => {
  const item: WaitingMail = {
    pk: `mail#${intent.id}`,
    sk: MAIL_SK,
    intent: JSON.stringify(intent),
    waits_for: waitsFor,
    waiting: WAITING,
    wait_until: new Date(now.getTime() + waitMinutes * 60_000).toISOString(),
    reason,
    created_at: now.toISOString(),
  };
  try {
    await dynamo().send(
      new PutCommand({ TableName: tableName('erp'), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return item;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

/**
 * Parks a mail the follow-up could not send yet, and logs that it waits
 * (once: a redelivery finds it parked).
 *
 * @returns the parked item, when parked now: the caller looks once more
 * for what it waits for, as that may have been written between the first
 * look and the parking, its own retry then missing the mail.
 *
 * @example
 * const parked = await parkWaitingMail(intent, decision, new Date());
 */
const parkWaitingMail = async (
  intent: ErpMailIntent,
  decision: Extract<MailDecision, { kind: 'wait' }>,
  now: Date,
): Promise<WaitingMail | undefined> => {
  const parked = await parkMail(intent, decision.waits_for, decision.reason, now, mailWaitMinutes());
  if (parked) {
    await logMailEvent(
      intent,
      'waiting',
      { reason: decision.reason, waits_for: decision.waits_for },
      intent.source.updated_at,
    );
    logger.info('ERP mail waits', { mail_id: intent.id, waits_for: decision.waits_for });
  }
  return parked;
};

export { mailWaitMinutes, parkWaitingMail };
