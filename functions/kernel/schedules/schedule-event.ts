import type { ScheduledEvent } from 'aws-lambda';
import * as z from '../validation.js';
import {
  SCHEDULE_NAME_PATTERN,
  type ScheduleDetail,
  type ScheduleTrigger,
  scheduleDetail,
} from '../wiring/schedules.js';

/**
 * An EventBridge "Scheduled Event" whose detail names the schedule and the
 * run: what a scheduled function receives from its rule, from a manual run
 * and from the offline scheduler alike.
 */
type ScheduleEvent = ScheduledEvent<ScheduleDetail>;

interface ScheduleEventInput {
  readonly schedule: string;
  readonly trigger: ScheduleTrigger;
  /** Also the event's `id`, as for a rule-fired event (whose run id is its event id). */
  readonly runId: string;
  /** When the run was due (a rule) or asked for (a manual run). */
  readonly at: Date;
  readonly region: string;
  readonly account: string;
  /** The rule's ARN for a rule-fired event; a manual run has no rule. */
  readonly resources?: readonly string[];
}

/**
 * Builds the scheduled event for a run. `time` is written without
 * milliseconds, as EventBridge writes it.
 *
 * @example
 * const event = scheduleEvent({ schedule: 'tick', trigger: 'manual', runId, at: new Date(), region, account });
 */
const scheduleEvent = (input: ScheduleEventInput): ScheduleEvent => ({
  version: '0',
  id: input.runId,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: input.account,
  time: input.at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: input.region,
  resources: [...(input.resources ?? [])],
  detail: scheduleDetail(input.schedule, input.trigger, input.runId),
});

// Built on the first parse, not at import: every scheduled function imports this (issue 15).
const detailSchema = z.lazy(() =>
  z.object({
    schedule: z.string().check(z.regex(SCHEDULE_NAME_PATTERN)),
    trigger: z.enum(['schedule', 'manual']),
    run_id: z.string().check(z.minLength(1), z.maxLength(128)),
  }),
);

/**
 * The schedule and run an event names, or undefined when it names none (an
 * operator's `aws lambda invoke` with an event of their own): such a run
 * still runs, it just cannot be recorded.
 *
 * @example
 * const run = scheduleRunOf(event); // { schedule: 'tick', trigger: 'schedule', run_id: '...' }
 */
const scheduleRunOf = (event: unknown): ScheduleDetail | undefined => {
  const parsed = z.safeParse(detailSchema, (event as { detail?: unknown } | null)?.detail);
  return parsed.success ? parsed.data : undefined;
};

export { scheduleEvent, scheduleRunOf };
export type { ScheduleEvent, ScheduleEventInput };
