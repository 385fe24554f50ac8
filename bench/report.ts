import type { BenchRow, Target } from './suite.js';

/** A row with what the runner adds: the ratio to the baseline and the budget check. */
export interface ReportedRow extends BenchRow {
  readonly ratio?: number;
  readonly withinTarget?: boolean;
}

export interface SuiteResult {
  readonly name: string;
  readonly description: string;
  readonly rows: readonly ReportedRow[];
  /** Why the suite did not run (an engine it needs is not available). */
  readonly skipped?: string;
  /** Why the suite stopped; the other suites still run. */
  readonly error?: string;
}

const within = (value: number, { max, min }: Target): boolean =>
  (max === undefined || value <= max) && (min === undefined || value >= min);

/**
 * Adds ratios against the suite's baseline row and checks targets. Ratios
 * are only ever against a baseline of the same run, as numbers from another
 * machine or another day say little.
 */
const reportRows = (rows: readonly BenchRow[]): ReportedRow[] => {
  const baseline = rows.find((row) => row.baseline);
  return rows.map((row) => {
    const reported: { -readonly [K in keyof ReportedRow]: ReportedRow[K] } = { ...row };
    if (row.compare && row.value !== undefined && baseline?.value && baseline.unit === row.unit) {
      reported.ratio = row.value / baseline.value;
    }
    const checks: boolean[] = [];
    if (row.target && row.value !== undefined) checks.push(within(row.value, row.target));
    if (row.ratioTarget && reported.ratio !== undefined) checks.push(within(reported.ratio, row.ratioTarget));
    if (checks.length > 0) reported.withinTarget = checks.every(Boolean);
    return reported;
  });
};

const formatValue = (value: number | undefined, unit: string): string => {
  if (value === undefined) return '-';
  if (unit === 'req/s') return `${Math.round(value).toLocaleString('en')} ${unit}`;
  // Two decimals, so 3.04 WCU against a budget of 3 does not print as 3.0 and fail.
  if (unit === 'WCU') return `${value.toFixed(2)} ${unit}`;
  // A ratio (`x SDK`) against a budget of 1.15x needs two decimals as well.
  if (unit.startsWith('x')) return `${value.toFixed(2)} ${unit}`;
  return `${value.toFixed(1)} ${unit}`;
};

const formatTarget = (row: ReportedRow): string => {
  const parts = [];
  if (row.target?.max !== undefined) parts.push(`≤ ${row.target.max} ${row.unit}`);
  if (row.target?.min !== undefined) parts.push(`≥ ${row.target.min} ${row.unit}`);
  if (row.ratioTarget?.max !== undefined) parts.push(`≤ ${row.ratioTarget.max}x`);
  if (row.ratioTarget?.min !== undefined) parts.push(`≥ ${row.ratioTarget.min}x`);
  return parts.join(', ');
};

const formatStatus = (row: ReportedRow): string => {
  if (row.withinTarget === undefined) return '';
  // Not "OVER": a budget may be a floor (a ratio of at least 0.5) as well as a ceiling.
  return row.withinTarget ? 'ok' : 'MISSED';
};

/**
 * The results as one plain-text table per suite: measurement, value, ratio
 * to the baseline, target and whether it is met, and a note.
 */
const formatReport = (results: readonly SuiteResult[]): string => {
  const header = ['measurement', 'value', 'vs baseline', 'target', 'status', 'note'];
  const blocks = results.map((suite) => {
    const title = `${suite.name}: ${suite.description}`;
    if (suite.skipped) return `${title}\n  skipped: ${suite.skipped}`;
    const lines = suite.rows.map((row) => [
      row.baseline ? `${row.name} (baseline)` : row.name,
      formatValue(row.value, row.unit),
      row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`,
      formatTarget(row),
      formatStatus(row),
      row.note ?? '',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => (line[i] ?? '').length)));
    const render = (cells: readonly string[]) =>
      `  ${cells.map((cell, i) => (i === 1 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
    const table = [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
    return suite.error ? `${title}\n${table}\n  error: ${suite.error}` : `${title}\n${table}`;
  });
  return `${blocks.join('\n\n')}\n`;
};

export { reportRows, formatReport };
