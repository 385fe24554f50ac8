/**
 * Human-readable output of `npm run sync`: columns padded to their widest
 * cell, one row a line, so a listing reads at a glance in a terminal and
 * still greps line by line. `--json` bypasses it.
 */

/** One column: its header and how a row shows in it. */
export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => unknown;
}

/** How a value shows in a cell: nothing for absent, JSON for objects. */
const cellText = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\s+/g, ' ');
};

/**
 * The rows as a table with a header line; `empty` when there are none.
 *
 * @example
 * table([{ id: 'a', n: 1 }], [{ header: 'ID', cell: (r) => r.id }, { header: 'N', cell: (r) => r.n }], 'none');
 * // 'ID  N\na   1\n'
 */
const table = <T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): string => {
  if (rows.length === 0) return `${empty}\n`;
  const cells = [columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => cellText(c.cell(row))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  return cells
    .map((line) =>
      line
        .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
};

/**
 * `key: value` lines, the keys aligned; absent values left out.
 *
 * @example
 * fields([['id', 'a'], ['version', 3]]); // 'id       a\nversion  3\n'
 */
const fields = (pairs: readonly (readonly [string, unknown])[]): string => {
  const shown = pairs.filter(([, value]) => value !== undefined && value !== null);
  const width = Math.max(0, ...shown.map(([key]) => key.length));
  return shown.map(([key, value]) => `${key.padEnd(width)}  ${cellText(value)}\n`).join('');
};

export { cellText, fields, table };
