import { describe, expect, it } from 'vitest';
import { countOutcomes } from '../../functions/bulk/domain/counts.js';
import { csvField, toCsv } from '../../functions/bulk/domain/csv.js';
import { jobView } from '../../functions/bulk/domain/job.js';
import type { BulkJob } from '../../functions/bulk/domain/job.js';

describe('Function: csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=SUM(A1)', "'=SUM(A1)"],
    ['-1', "'-1"],
    [3, '3'],
    [null, ''],
  ])('writes %j as %j', (value, expected) => {
    // Act / Assess
    expect(csvField(value)).toBe(expected);
  });
});

describe('Function: toCsv', () => {
  it('writes a header row and one CRLF-ended row per item', () => {
    // Act
    const csv = toCsv(['record_id', 'reason'], [{ record_id: '1', reason: 'email: bad, really' }]);
    // Assess
    expect(csv).toBe('record_id,reason\r\n1,"email: bad, really"\r\n');
  });
});

describe('Function: countOutcomes', () => {
  it('counts each outcome and all records as processed', () => {
    // Act
    const counts = countOutcomes(['created', 'created', 'updated', 'errors', 'skipped', 'unchanged']);
    // Assess
    expect(counts).toEqual({ created: 2, updated: 1, unchanged: 1, skipped: 1, errors: 1, processed: 6 });
  });
});

describe('Function: jobView', () => {
  it('shows records per second from the start to the last update, without keys or the cursor', () => {
    // Prepare
    const job = {
      pk: 'job#1',
      sk: 'JOB',
      job_list: 'JOB',
      job_id: '1',
      status: 'running',
      processed: 500,
      started_at: '2026-12-03T10:00:00.000Z',
      updated_at: '2026-12-03T10:00:04.000Z',
      next_cursor: 'https://x',
    } as unknown as BulkJob;
    // Act
    const view = jobView(job);
    // Assess
    expect(view).toMatchObject({ job_id: '1', records_per_second: 125 });
    expect(view).not.toHaveProperty('pk');
    expect(view).not.toHaveProperty('next_cursor');
  });
});
