import { Cron } from 'croner';

/** A parsed EventBridge schedule expression. Plain data, so it can sit in the offline plan. */
type ParsedSchedule =
  | {
      readonly kind: 'rate';
      readonly value: number;
      readonly unit: 'minute' | 'hour' | 'day';
      readonly everyMs: number;
    }
  | {
      readonly kind: 'cron';
      /** The croner pattern (seconds, minutes, hours, day of month, month, day of week, year). */
      readonly pattern: string;
    };

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * Croner options that make it read EventBridge cron the way AWS does:
 * weekdays numbered 1-7 from Sunday (Quartz style), day of month AND day of
 * week (one of them is always `?`, i.e. everything, so AND gives AWS's
 * meaning, where croner's default OR would fire every day), `0/15` steps,
 * and UTC, the only time zone of EventBridge rules.
 */
const CRONER_OPTIONS = {
  timezone: 'UTC',
  mode: '7-part',
  alternativeWeekdays: true,
  domAndDow: true,
  sloppyRanges: true,
  paused: true,
} as const;

const RATE = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/;
const CRON = /^cron\((.*)\)$/;

const parseRate = (expression: string, match: RegExpExecArray): ParsedSchedule => {
  const value = Number(match[1]);
  const word = match[2] as string;
  const unit = word.replace(/s$/, '') as 'minute' | 'hour' | 'day';
  // EventBridge refuses `rate(1 minutes)` and `rate(5 minute)`; so do we, so a
  // typo fails here and not at deploy time.
  if (value < 1) throw new Error(`Invalid schedule ${expression}: the rate must be a positive whole number`);
  if ((value === 1) !== (word === unit)) {
    throw new Error(`Invalid schedule ${expression}: use "${unit}" for a value of 1 and "${unit}s" otherwise`);
  }
  return { kind: 'rate', value, unit, everyMs: value * UNIT_MS[unit] };
};

const parseCron = (expression: string, body: string): ParsedSchedule => {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `Invalid schedule ${expression}: EventBridge cron has 6 fields (minutes hours day-of-month month day-of-week year)`,
    );
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new Error(`Invalid schedule ${expression}: exactly one of day-of-month and day-of-week must be "?"`);
  }
  if ([minutes, hours, month, year].includes('?')) {
    throw new Error(`Invalid schedule ${expression}: "?" is only allowed in day-of-month or day-of-week`);
  }
  const wild = (field: string): string => (field === '?' ? '*' : field);
  const pattern = ['0', minutes, hours, wild(dayOfMonth), month, wild(dayOfWeek), year].join(' ');
  try {
    new Cron(pattern, CRONER_OPTIONS).stop();
  } catch (error) {
    throw new Error(`Invalid schedule ${expression}: ${(error as Error).message}`);
  }
  return { kind: 'cron', pattern };
};

/**
 * Parses an EventBridge schedule expression, `rate(N unit)` or
 * `cron(minutes hours day-of-month month day-of-week year)`, and rejects what
 * EventBridge would reject.
 *
 * @example
 * parseScheduleExpression('rate(15 minutes)'); // { kind: 'rate', value: 15, unit: 'minute', everyMs: 900000 }
 * parseScheduleExpression('cron(0/15 * * * ? *)'); // { kind: 'cron', pattern: '0 0/15 * * * * *' }
 */
const parseScheduleExpression = (expression: string): ParsedSchedule => {
  const trimmed = expression.trim();
  const rate = RATE.exec(trimmed);
  if (rate) return parseRate(expression, rate);
  const cron = CRON.exec(trimmed);
  if (cron) return parseCron(expression, cron[1] as string);
  throw new Error(`Invalid schedule ${expression}: expected rate(N minutes|hours|days) or cron(...)`);
};

/**
 * When a schedule next fires strictly after `from`, or `undefined` when it
 * never will again (a cron whose year has passed).
 *
 * A rate schedule counts from `anchor`, the time it was started, as
 * EventBridge counts from the rule's creation.
 *
 * @example
 * nextRunAfter(parseScheduleExpression('cron(0 8 ? * MON-FRI *)'), new Date());
 */
const nextRunAfter = (schedule: ParsedSchedule, from: Date, anchor: Date = from): Date | undefined => {
  if (schedule.kind === 'rate') {
    const elapsed = Math.max(0, from.getTime() - anchor.getTime());
    const periods = Math.floor(elapsed / schedule.everyMs) + 1;
    return new Date(anchor.getTime() + periods * schedule.everyMs);
  }
  const cron = new Cron(schedule.pattern, CRONER_OPTIONS);
  const next = cron.nextRun(from) ?? undefined;
  cron.stop();
  return next;
};

export { parseScheduleExpression, nextRunAfter };
export type { ParsedSchedule };
