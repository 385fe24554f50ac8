import type { Context } from 'aws-lambda';
import type { Conflict } from '../../kernel/conflicts/conflict-store.js';
import { logger } from '../../kernel/observability.js';
import { readSettings } from '../../kernel/settings/read-settings.js';
import { decideConflict } from '../domain/resolution-rules.js';
import { listConflictPage } from '../store/conflict-reads.js';
import { escalate } from './escalation.js';
import { type RecordConflicts, groupByRecord } from './record-conflicts.js';
import { resolveRecord } from './resolve-record.js';

/**
 * The scheduled conflict resolver (`conflict-resolver`, every 15 minutes):
 * takes the open conflicts oldest first, record by record, and settles each
 * record's by the rules (`decideConflict`), or escalates it once.
 *
 * - All of them, across runs: the run stops taking records when less than
 *   {@link RESERVE_MS} of its time is left; what it did not reach stays
 *   pending, and the next run starts again from the oldest, so nothing
 *   waits forever behind newer conflicts.
 * - Escalated conflicts are read too (there are few: they wait for people),
 *   so a record's later remote changes are decided with them, and a setting
 *   changed since (a priority source) can still settle them.
 * - A record whose resolution fails is logged and skipped for this run, not
 *   retried in a loop; the others go on.
 */
const RESERVE_MS = 10_000;
/** Records resolved at once: DynamoDB round trips dominate, and records are independent. */
const CONCURRENCY = 8;
/** Pending conflicts read per run at most: memory stays bounded; the rest are reached by later runs. */
const MAX_LOADED = 20_000;
const PAGE = 500;

/** What one run did, logged at its end. */
export interface RunSummary {
  loaded: number;
  records: number;
  resolved: Record<string, number>;
  settled: number;
  folded: number;
  escalated: number;
  moved: number;
  failed: number;
  left: number;
}

const readOpen = async (context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<Conflict[]> => {
  const all: Conflict[] = [];
  for (const status of ['escalated', 'pending'] as const) {
    let after: Record<string, unknown> | undefined;
    do {
      const page = await listConflictPage(status, { limit: PAGE, ...(after ? { after } : {}) });
      all.push(...page.items);
      after = page.next;
    } while (after && all.length < MAX_LOADED && context.getRemainingTimeInMillis() > RESERVE_MS);
  }
  return all;
};

/**
 * @example
 * export const handler = middy(resolveConflicts, { timeoutEarlyInMillis: 1_000 }).use(recordScheduleRuns());
 */
const resolveConflicts = async (
  _event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<RunSummary> => {
  const settings = await readSettings();
  const rules = { windowSeconds: settings.conflict_window_seconds, prioritySource: settings.sync_priority_source };
  const conflicts = await readOpen(context);
  const groups = groupByRecord(conflicts);
  const summary: RunSummary = {
    loaded: conflicts.length,
    records: groups.length,
    resolved: {},
    settled: 0,
    folded: 0,
    escalated: 0,
    moved: 0,
    failed: 0,
    left: 0,
  };

  const handle = async (group: RecordConflicts): Promise<void> => {
    try {
      const outcome = await resolveRecord(group, (sides) => decideConflict(sides.case, rules), {
        type: 'automatic',
        onMoved: 'recompute',
      });
      if (outcome.kind === 'resolved') {
        summary.resolved[outcome.resolution.rule] = (summary.resolved[outcome.resolution.rule] ?? 0) + 1;
      } else if (outcome.kind === 'escalate') {
        const sent = await escalate(
          outcome.live,
          outcome.escalation,
          outcome.record,
          settings,
          new Date().toISOString(),
        );
        summary.escalated += sent.length;
      } else if (outcome.kind === 'moved') {
        summary.moved += 1;
      } else {
        summary[outcome.kind] += 1;
      }
    } catch (error) {
      summary.failed += 1;
      logger.error('could not resolve the conflicts of a record; skipped until the next run', {
        record_type: group.recordType,
        record_id: group.recordId,
        conflict_ids: group.conflicts.map((c) => c.conflict_id),
        error: error as Error,
      });
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < groups.length && context.getRemainingTimeInMillis() > RESERVE_MS) {
      const group = groups[next++] as RecordConflicts;
      await handle(group);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, groups.length) }, worker));
  summary.left = groups.length - next;
  logger.info('conflict resolver run finished', { ...summary });
  return summary;
};

export { resolveConflicts };
