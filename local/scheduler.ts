import { randomUUID } from 'node:crypto';
import { type ScheduleEvent, scheduleEvent } from '../functions/kernel/schedules/schedule-event.js';
import type { InvocationResult, Invoker } from './invoke.js';
import type { RuntimeLog } from './log.js';
import type { PlannedSchedule } from './plan.js';
import { nextRunAfter } from '../lib/schedule-expression.js';

interface SchedulerOptions {
  readonly schedules: readonly PlannedSchedule[];
  readonly invoker: Invoker;
  readonly region: string;
  readonly accountId: string;
  readonly namePrefix: string;
  readonly log: RuntimeLog;
  /** The clock; tests pass a fake one. */
  readonly now?: () => Date;
  /**
   * Test and demo aid: fire every schedule at this interval instead of its
   * expression, so a `rate(1 hour)` job can be watched without waiting.
   */
  readonly everyMs?: number;
  /**
   * Whether schedules fire on their own. Off, a run happens only when
   * triggered (`trigger`, or the admin route through the Lambda API): test
   * stacks use that, so a real `cron(0/15 ...)` job cannot fire in the
   * middle of a test that watches the data it works on. Default true.
   */
  readonly fireOnSchedule?: boolean;
}

interface Scheduler {
  /** Fires a schedule now, as if its time had come (what `aws events put-events` would do by hand). */
  trigger(name: string): Promise<InvocationResult>;
  stop(): Promise<void>;
}

/** setTimeout's ceiling (about 24.8 days); longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The event a schedule's rule sends its function on AWS (`lib/stack.ts`
 * builds it from EventBridge's own fields): a "Scheduled Event" whose
 * detail names the schedule and the run, the run id being the event id.
 * `time` is the scheduled minute, without milliseconds, as EventBridge
 * writes it.
 *
 * @example
 * scheduledEvent('t1a2b-nightly-reconcile', new Date(), 'us-east-1', '000000000000', 'nightly-reconcile');
 */
const scheduledEvent = (
  ruleName: string,
  at: Date,
  region: string,
  accountId: string,
  schedule: string = ruleName,
): ScheduleEvent =>
  scheduleEvent({
    schedule,
    trigger: 'schedule',
    runId: randomUUID(),
    at,
    region,
    account: accountId,
    resources: [`arn:aws:events:${region}:${accountId}:rule/${ruleName}`],
  });

/**
 * Runs the plan's schedules in this process. Each run invokes its function
 * asynchronously, as EventBridge does: a slow run does not delay the next
 * one, and a failure is logged (EventBridge's own async retries are not
 * imitated offline).
 *
 * @example
 * const scheduler = startScheduler({ schedules: plan.schedules, invoker, region, accountId, namePrefix: '', log });
 * await scheduler.stop();
 */
const startScheduler = (options: SchedulerOptions): Scheduler => {
  const now = options.now ?? (() => new Date());
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<InvocationResult>>();
  const byName = new Map(options.schedules.map((s) => [s.name, s]));
  let stopped = false;

  const fire = (schedule: PlannedSchedule, at: Date): Promise<InvocationResult> => {
    const ruleName = `${options.namePrefix}${schedule.name}`;
    const event = scheduledEvent(ruleName, at, options.region, options.accountId, schedule.name);
    const run = options.invoker.invoke(schedule.function, event, 'schedule');
    running.add(run);
    void run.finally(() => running.delete(run));
    return run;
  };

  const arm = (schedule: PlannedSchedule, anchor: Date): void => {
    if (stopped) return;
    const from = now();
    const next = options.everyMs
      ? new Date(from.getTime() + options.everyMs)
      : nextRunAfter(schedule.schedule, from, anchor);
    if (!next) {
      options.log.info('schedule will not fire again', { schedule: schedule.name, expression: schedule.expression });
      return;
    }
    const wait = next.getTime() - from.getTime();
    const timer = setTimeout(
      () => {
        if (wait > MAX_TIMER_MS) {
          arm(schedule, anchor);
          return;
        }
        void fire(schedule, next);
        arm(schedule, anchor);
      },
      Math.min(Math.max(0, wait), MAX_TIMER_MS),
    );
    timer.unref();
    timers.set(schedule.name, timer);
  };

  const startedAt = now();
  if (options.fireOnSchedule !== false) for (const schedule of options.schedules) arm(schedule, startedAt);

  return {
    trigger: (name) => {
      const schedule = byName.get(name);
      if (!schedule) return Promise.reject(new Error(`No schedule named "${name}"`));
      return fire(schedule, now());
    },
    stop: async () => {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
};

export { scheduledEvent, startScheduler };
export type { Scheduler, SchedulerOptions };
