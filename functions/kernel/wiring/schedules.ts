/**
 * The contract between the infrastructure (the CDK stack on AWS, the offline
 * runtime on a laptop) and the code that lists, runs and records schedules:
 * what a schedule's name may look like, the detail every scheduled event
 * carries, and the variable through which the schedule runner learns the
 * schedules. Plain data that imports nothing (see `env-names.ts`), so
 * `lib/` builds the EventBridge input from it and Lambda code reads the
 * same shapes without bundling the topology.
 *
 * @example
 * scheduleDetail('conflict-resolver', 'manual', runId);
 * // { schedule: 'conflict-resolver', trigger: 'manual', run_id: runId }
 */

/**
 * What a schedule's name may hold: it travels in URLs
 * (`POST /admin/schedules/{name}/run`) and in DynamoDB keys, and EventBridge
 * rule names allow the same characters and length.
 */
const SCHEDULE_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The variable that carries the schedule catalogue (JSON) to the schedule runner. */
const SCHEDULES_ENV = 'SCHEDULES';

/** Who started a run: the schedule's own clock, or an operator through the admin API. */
type ScheduleTrigger = 'schedule' | 'manual';

/**
 * The `detail` of every scheduled event, on AWS and offline alike. EventBridge
 * names the rule only by its generated physical name, so the rule's target
 * input carries the topology name here; `run_id` ties the event to its
 * recorded run (EventBridge's event id for a rule, a fresh id for a manual run).
 */
interface ScheduleDetail<RunId = string> {
  readonly schedule: string;
  readonly trigger: ScheduleTrigger;
  readonly run_id: RunId;
}

/**
 * One entry of the catalogue in {@link SCHEDULES_ENV}: the schedule's name
 * and expression and the function to invoke, by physical name (a name and
 * not an ARN: Lambda accepts either within the account, and names are
 * shorter in a 4 KB environment).
 */
interface ScheduleCatalogueEntry {
  readonly name: string;
  readonly expression: string;
  readonly function: string;
}

/**
 * The detail of a scheduled event. Generic in the run id so the CDK stack
 * can pass an EventBridge field placeholder (`events.EventField.eventId`).
 *
 * @example
 * scheduleDetail('tick', 'schedule', event.id);
 */
const scheduleDetail = <RunId = string>(
  schedule: string,
  trigger: ScheduleTrigger,
  runId: RunId,
): ScheduleDetail<RunId> => ({
  schedule,
  trigger,
  run_id: runId,
});

export { SCHEDULE_NAME_PATTERN, SCHEDULES_ENV, scheduleDetail };
export type { ScheduleCatalogueEntry, ScheduleDetail, ScheduleTrigger };
