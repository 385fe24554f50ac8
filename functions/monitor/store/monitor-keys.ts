/**
 * Where the sync monitor keeps its items in the `control` table: keys only,
 * shared by the job (writes) and the admin routes (reads), so neither
 * bundles the other's calls.
 *
 * - reports: `pk = HEALTH#REPORTS`, `sk = <checked_at>`, the report as a JSON
 *   string, expiring after {@link REPORT_RETENTION_DAYS} days;
 * - state: `pk = HEALTH#STATE`, `sk = CURRENT`: the last status, the open
 *   incident, the last page, with a `version` for conditional writes.
 */
const REPORTS_PK = 'HEALTH#REPORTS';
const STATE_KEY = { pk: 'HEALTH#STATE', sk: 'CURRENT' } as const;
const REPORT_RETENTION_DAYS = 30;

export { REPORTS_PK, REPORT_RETENTION_DAYS, STATE_KEY };
