/**
 * One CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote
 * or a line break, inner quotes doubled. A field starting with `=`, `+`,
 * `-` or `@` is prefixed with `'` so a spreadsheet shows it instead of
 * running it as a formula (OWASP's CSV injection advice).
 *
 * @example
 * csvField('a,"b"'); // '"a,""b"""'
 */
const csvField = (value: unknown): string => {
  let text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * Rows as CSV with a header row, CRLF line ends.
 *
 * @example
 * toCsv(['record_id', 'reason'], [{ record_id: '1', reason: 'bad email' }]); // 'record_id,reason\r\n1,bad email\r\n'
 */
const toCsv = (columns: readonly string[], rows: readonly Record<string, unknown>[]): string =>
  [columns.join(','), ...rows.map((row) => columns.map((c) => csvField(row[c])).join(','))]
    .map((line) => `${line}\r\n`)
    .join('');

export { csvField, toCsv };
