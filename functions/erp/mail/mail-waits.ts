import { handleMailIntent } from './handle-mail-intent.js';
import type { MailDecision } from './render-erp-mail.js';
import { type WaitingMail, intentOf, mailsDue, mailsWaitingFor, resolveMail, rewaitMail } from './waiting-mails.js';

/**
 * The life of a mail that must wait for its order or customer: parked by
 * the follow-up, retried when the missing entity is written, and sent with
 * what is known (or given up, with the reason) by the sweep once its wait
 * is over. No mail is lost silently: each ends `queued` or `skipped` in the
 * sync log.
 */

/**
 * Tries a waiting mail again: sent or given up (and resolved), or left to
 * wait, for something else if that is what it misses now.
 *
 * @example
 * await retryWaitingMail(parked, false, new Date());
 */
const retryWaitingMail = async (mail: WaitingMail, final: boolean, now: Date): Promise<MailDecision> => {
  const decision = await handleMailIntent(intentOf(mail), { final, at: now.toISOString() });
  if (decision.kind === 'wait') {
    if (decision.waits_for !== mail.waits_for) await rewaitMail(mail, decision.waits_for, decision.reason);
  } else {
    await resolveMail(
      mail,
      decision.kind === 'send' ? 'sent' : 'skipped',
      decision.kind === 'send' ? 'sent' : decision.reason,
      now,
    );
  }
  return decision;
};

/**
 * Retries the mails waiting for an entity that was just written
 * (`salesOrder#SO-1`, `customer#C-1`).
 *
 * @returns how many were sent or given up.
 */
const retryMailsWaitingFor = async (key: string, now: Date): Promise<number> => {
  const mails = await mailsWaitingFor(key);
  const decisions = await Promise.all(mails.map((mail) => retryWaitingMail(mail, false, now)));
  return decisions.filter((d) => d.kind !== 'wait').length;
};

/**
 * The sweep: mails whose wait is over go out with what is known, or are
 * recorded as not sent with the reason.
 *
 * @returns how many were sent and skipped.
 */
const sweepDueMails = async (now: Date): Promise<{ sent: number; skipped: number }> => {
  const decisions = [];
  for (const mail of await mailsDue(now)) decisions.push(await retryWaitingMail(mail, true, now));
  return {
    sent: decisions.filter((d) => d.kind === 'send').length,
    skipped: decisions.filter((d) => d.kind === 'skip').length,
  };
};

export { retryWaitingMail, retryMailsWaitingFor, sweepDueMails };
