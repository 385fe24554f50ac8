import type { MailRequestSpec, OutboundMessageInput } from '../../kernel/outbound/message.js';
import { escapeHtml } from '../../kernel/outbound/html-escape.js';
import { type BulkJob, jobView } from '../domain/job.js';

/**
 * What a finished job tells people: one mail to the `data_admin`
 * recipients and one Slack post, both with the counts, the job id and how
 * to read its errors. Pure. Each message's id derives from the job and its
 * final status and carries a `supersede` key of its own, so announcing the
 * same end twice (a redelivered last page, a crash after completing, a
 * cancel seen by the worker while a page was in flight) enqueues the same
 * message again, which the queue's deduplication or the dispatcher's
 * delivered version drops: sent once.
 *
 * A cancelled job says so, with its counts so far (the pages committed
 * before the cancel stay written), when it was cancelled and by whom when
 * the job names them (`cancelled_by`).
 */
export type FinishedStatus = 'completed' | 'failed' | 'cancelled';

const integer = (value: number): string => value.toLocaleString('en-US');

const durationOf = (job: BulkJob): string => {
  const start = job.started_at ? Date.parse(job.started_at) : Number.NaN;
  const end = Date.parse(job.completed_at ?? job.updated_at);
  const seconds = Math.max(0, Math.round((end - start) / 1000));
  if (!Number.isFinite(seconds)) return 'not started';
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
};

/** When a cancelled job was cancelled and, when the job names them, by whom. */
const cancelledWhenBy = (job: BulkJob): string => {
  const when = job.completed_at ?? job.updated_at;
  return job.cancelled_by === undefined ? `at ${when}` : `at ${when} by ${job.cancelled_by}`;
};

/** The facts every announcement carries, as label and value, in the order shown. */
const factsOf = (job: BulkJob): [string, string][] => [
  ['Job', job.job_id],
  ['Sync', `${job.source} -> ${job.target}, ${job.entity}`],
  ['Status', job.dry_run ? `${job.status} (dry run)` : job.status],
  ['Processed', integer(job.processed)],
  [job.dry_run ? 'Would create' : 'Created', integer(job.created)],
  [job.dry_run ? 'Would update' : 'Updated', integer(job.updated)],
  ['Unchanged', integer(job.unchanged)],
  ['Skipped', integer(job.skipped)],
  ['Errors', integer(job.errors)],
  ['Pages', integer(job.pages)],
  ['Duration', durationOf(job)],
  ['Rate', `${jobView(job).records_per_second} records/s`],
  ...(job.status === 'cancelled' ? ([['Cancelled', cancelledWhenBy(job)]] as [string, string][]) : []),
  ...(job.failure === undefined ? [] : ([['Failure', job.failure]] as [string, string][])),
];

const headlineOf = (job: BulkJob): string => {
  const what = `Bulk sync ${job.source} -> ${job.target} ${job.entity}`;
  const dry = job.dry_run ? ' (dry run: nothing was written)' : '';
  const ended = job.status === 'failed' || job.status === 'cancelled' ? job.status : 'completed';
  return `${what} ${ended}${dry}`;
};

/** A dry run says what would happen; a real run what did; a cancelled run that these are the counts so far. */
const summaryOf = (job: BulkJob): string => {
  const cancelled = job.status === 'cancelled';
  if (job.dry_run) {
    const lead = cancelled ? `Dry run cancelled (${cancelledWhenBy(job)}); so far` : 'Dry run:';
    return `${lead} ${integer(job.created)} would be created, ${integer(job.updated)} updated, ${integer(job.unchanged)} left unchanged, ${integer(job.skipped)} skipped and ${integer(job.errors)} refused. Nothing was written.`;
  }
  const counts = `${integer(job.processed)} records: ${integer(job.created)} created, ${integer(job.updated)} updated, ${integer(job.unchanged)} unchanged, ${integer(job.skipped)} skipped, ${integer(job.errors)} errors.`;
  return cancelled
    ? `Cancelled ${cancelledWhenBy(job)} after ${counts} The pages done before the cancel stay written; the rest was not synced.`
    : counts;
};

const errorsHint = (job: BulkJob): string =>
  `Errors: GET /admin/bulk-jobs/${job.job_id}/errors (add ?format=csv for CSV), or npm run bulk -- errors ${job.job_id} --csv`;

/**
 * The completion mail: text and HTML (every value escaped).
 *
 * @example
 * completionMail(job, ['data@example.com']).subject; // 'Bulk sync crm -> local contacts completed'
 */
const completionMail = (job: BulkJob, to: readonly string[]): Omit<MailRequestSpec, 'integration'> => {
  const facts = factsOf(job);
  const text = [summaryOf(job), '', ...facts.map(([label, value]) => `${label}: ${value}`), '', errorsHint(job)].join(
    '\n',
  );
  const rows = facts.map(([label, value]) => `<li><strong>${label}:</strong> ${escapeHtml(value)}</li>`).join('');
  const html = `<html><body><p>${escapeHtml(summaryOf(job))}</p><ul>${rows}</ul><p>${escapeHtml(errorsHint(job))}</p></body></html>`;
  return { kind: 'mail', to: [...to], subject: headlineOf(job), text, html };
};

/**
 * The Slack text: headline, summary, counts on one line, how to read errors.
 *
 * @example
 * completionSlackText(job); // ':white_check_mark: Bulk sync crm -> local contacts completed\n...'
 */
const completionSlackText = (job: BulkJob): string => {
  const icon =
    job.status === 'failed'
      ? ':x:'
      : job.status === 'cancelled'
        ? ':no_entry_sign:'
        : job.dry_run
          ? ':mag:'
          : ':white_check_mark:';
  const line = factsOf(job)
    .filter(([label]) => label !== 'Sync')
    .map(([label, value]) => `${label}: ${value}`)
    .join(' | ');
  return `${icon} ${headlineOf(job)}\n${summaryOf(job)}\n${line}\n${errorsHint(job)}`;
};

const idOf = (job: BulkJob, channel: string): string => `bulk#${job.job_id}#${job.status}#${channel}`;

/**
 * The outbound messages announcing a finished (completed, failed or
 * cancelled) job: the Slack post always, the mail when there is a recipient.
 *
 * @example
 * await enqueueOutbound(completionMessages(job, settings.recipients.data_admin));
 */
const completionMessages = (job: BulkJob, to: readonly string[]): OutboundMessageInput[] => {
  const context = { job_id: job.job_id, status: job.status, dry_run: job.dry_run };
  const slackId = idOf(job, 'slack');
  const messages: OutboundMessageInput[] = [
    {
      id: slackId,
      group: `bulk#${job.job_id}#slack`,
      request: { integration: 'slack', method: 'POST', path: '', body: { text: completionSlackText(job) } },
      supersede: { key: slackId, version: 1 },
      context: { ...context, channel: 'slack' },
    },
  ];
  if (to.length > 0) {
    const mailId = idOf(job, 'mail');
    messages.push({
      id: mailId,
      group: `bulk#${job.job_id}#mail`,
      request: completionMail(job, to),
      supersede: { key: mailId, version: 1 },
      context: { ...context, channel: 'mail' },
    });
  }
  return messages;
};

export { completionMail, completionSlackText, completionMessages };
