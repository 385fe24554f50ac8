import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStreamCheckpoints } from '../../local/stream-checkpoints.js';

const STREAM = 'arn:aws:dynamodb:ddblocal:000000000000:table/records/stream/2026-01-01T00:00:00.000';

describe('Function: fileStreamCheckpoints()', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stream-checkpoints-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a later run the position the earlier one kept, per shard', () => {
    // Prepare
    const first = fileStreamCheckpoints(dir, 'crmPush', STREAM);
    first.set('shard-1', '000000000000000000042');
    first.set('shard-2', '000000000000000000007');

    // Act
    const second = fileStreamCheckpoints(dir, 'crmPush', STREAM);

    // Assess
    expect(second.get('shard-1')).toBe('000000000000000000042');
    expect(second.get('shard-2')).toBe('000000000000000000007');
    expect(second.get('shard-3')).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['crmPush.json']);
  });

  it('ignores positions kept for another stream of the same name (a table made again)', () => {
    // Prepare
    fileStreamCheckpoints(dir, 'crmPush', STREAM).set('shard-1', '000000000000000000042');

    // Act
    const other = fileStreamCheckpoints(dir, 'crmPush', `${STREAM}-new`);

    // Assess
    expect(other.get('shard-1')).toBeUndefined();
  });

  it('starts from nothing when the file is damaged, rather than failing the start', () => {
    // Prepare
    writeFileSync(join(dir, 'crmPush.json'), '{"streamArn": "arn:aws:dyn');

    // Act
    const checkpoints = fileStreamCheckpoints(dir, 'crmPush', STREAM);

    // Assess
    expect(checkpoints.get('shard-1')).toBeUndefined();
  });
});
