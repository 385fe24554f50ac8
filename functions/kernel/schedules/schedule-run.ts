import type { ScheduleTrigger } from '../wiring/schedules.js';

/**
 * How a schedule's last run is kept in the `control` table: one summary
 * item per schedule, overwritten by each run, so listing the schedules is
 * one GetItem each and needs no index. The key is shared by the module that
 * writes it (`run-writes.ts`) and the one that reads it (`run-reads.ts`),
 * kept apart so a function is granted only what it calls.
 */

/** Where a run stands: asked for (manual runs), running, or over. */
type RunOutcome = 'queued' | 'running' | 'succeeded' | 'failed';

/** The last run of a schedule, as stored and as `GET /admin/schedules` shows it. */
interface ScheduleRun {
  readonly run_id: string;
  readonly trigger: ScheduleTrigger;
  readonly outcome: RunOutcome;
  /** When the run was due (a rule) or asked for (a manual run): the event's `time`. */
  readonly run_at: string;
  readonly started_at?: string;
  readonly finished_at?: string;
  readonly duration_ms?: number;
  /** The error's message only: a stack trace belongs in the function's log, not in an API answer. */
  readonly error?: string;
}

/**
 * The key of a schedule's summary item in the `control` table, whose other
 * items (run-time settings) use other `pk` prefixes.
 *
 * @example
 * lastRunKey('tick'); // { pk: 'SCHEDULE#tick', sk: 'LAST' }
 */
const lastRunKey = (schedule: string): { pk: string; sk: string } => ({ pk: `SCHEDULE#${schedule}`, sk: 'LAST' });

export { lastRunKey };
export type { RunOutcome, ScheduleRun };
