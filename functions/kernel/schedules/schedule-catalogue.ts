import * as z from '../validation.js';
import { SCHEDULE_NAME_PATTERN, SCHEDULES_ENV, type ScheduleCatalogueEntry } from '../wiring/schedules.js';

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
/**
 * The schedules the schedule runner may list and run, from the `SCHEDULES`
 * variable the CDK stack (or the offline runtime) sets on it from the
 * topology: Lambda code never imports the topology itself.
 */
const catalogueSchema = z.lazy(() =>
  z.array(
    z.object({
      name: z.string().check(z.regex(SCHEDULE_NAME_PATTERN)),
      expression: z.string().check(z.minLength(1)),
      function: z.string().check(z.minLength(1)),
    }),
  ),
);

/** The last value parsed, so a warm container parses it once (offline, the variable may change between stacks). */
let cached: { readonly raw: string; readonly entries: readonly ScheduleCatalogueEntry[] } | undefined;

/**
 * Every schedule, in topology order. Throws when the variable is missing or
 * malformed: that is a wiring fault of the stack, not the caller's.
 *
 * @example
 * const tick = scheduleCatalogue().find((entry) => entry.name === 'tick');
 */
const scheduleCatalogue = (): readonly ScheduleCatalogueEntry[] => {
  const raw = process.env[SCHEDULES_ENV];
  if (raw === undefined) {
    throw new Error(
      `Environment variable ${SCHEDULES_ENV} is not set; the stack (or the offline runtime) sets it on the schedule runner`,
    );
  }
  if (cached?.raw === raw) return cached.entries;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error(`Environment variable ${SCHEDULES_ENV} is not JSON`);
  }
  const parsed = z.safeParse(catalogueSchema, value);
  if (!parsed.success)
    throw new Error(`Environment variable ${SCHEDULES_ENV} is not a schedule catalogue: ${parsed.error.message}`);
  cached = { raw, entries: parsed.data };
  return parsed.data;
};

export { scheduleCatalogue };
