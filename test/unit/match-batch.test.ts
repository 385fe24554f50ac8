import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The batched match lookup bulk pages use (kernel/records/match-batch.ts):
 * one PartiQL SELECT per 50 keys, every answer page followed, linked and
 * deleted records never offered. The SDK client is faked (a unit test);
 * the integration test `bulk-jobs` runs it on DynamoDB Local.
 */
const send = vi.hoisted(() => vi.fn());
vi.mock('../../functions/kernel/aws/dynamo-client.js', () => ({ dynamo: () => ({ send }) }));

const { unlinkedMatchIds } = await import('../../functions/kernel/records/match-batch.js');

type Statement = { input: { Statement: string; Parameters: string[]; NextToken?: string } };
const statementsSent = (): Statement['input'][] => send.mock.calls.map((call) => (call[0] as Statement).input);

const keyOf = (n: number) => `contact#email#p${n}@example.com`;

describe('Records: unlinked matches for many keys at once', () => {
  beforeEach(() => {
    send.mockReset();
    process.env.RECORDS_TABLE = 'records-test';
  });

  afterAll(() => {
    delete process.env.RECORDS_TABLE;
  });

  it('asks at most 50 keys a statement and answers every key asked, undefined where nothing matches', async () => {
    // Prepare
    send.mockImplementation(async (command: Statement) => ({
      Items: command.input.Parameters.includes(keyOf(70)) ? [{ match_key: keyOf(70), record_id: 'rec-70' }] : [],
    }));
    const keys = Array.from({ length: 120 }, (_, n) => keyOf(n));
    // Act
    const found = await unlinkedMatchIds([...keys, keyOf(3)]);
    // Assess
    expect(statementsSent().map((s) => s.Parameters.length)).toEqual([50, 50, 20]);
    expect(statementsSent()[0]?.Statement).toMatch(
      /FROM "records-test"\."byMatchKey" WHERE match_key IN \[\?(, \?){49}\]$/,
    );
    expect(found.size).toBe(120);
    expect(found.get(keyOf(70))).toBe('rec-70');
    expect(found.get(keyOf(3))).toBeUndefined();
  });

  it('follows the answer pages of one statement with its NextToken', async () => {
    // Prepare: DynamoDB answers an IN in pages of up to 10 items.
    send
      .mockResolvedValueOnce({ Items: [{ match_key: keyOf(1), record_id: 'rec-1' }], NextToken: 'page-2' })
      .mockResolvedValueOnce({ Items: [{ match_key: keyOf(2), record_id: 'rec-2' }] });
    // Act
    const found = await unlinkedMatchIds([keyOf(1), keyOf(2)]);
    // Assess
    expect(statementsSent().map((s) => s.NextToken)).toEqual([undefined, 'page-2']);
    expect(found.get(keyOf(1))).toBe('rec-1');
    expect(found.get(keyOf(2))).toBe('rec-2');
  });

  it('never offers a record linked to a vendor id or deleted, but the unlinked one holding the same key', async () => {
    // Prepare
    send.mockResolvedValueOnce({
      Items: [
        { match_key: keyOf(1), record_id: 'linked', external_id: '003A' },
        { match_key: keyOf(1), record_id: 'deleted', deleted_at: '2026-12-01T00:00:00.000Z' },
        { match_key: keyOf(1), record_id: 'free' },
        { match_key: keyOf(2), record_id: 'linked-only', external_id: '003B' },
      ],
    });
    // Act
    const found = await unlinkedMatchIds([keyOf(1), keyOf(2)]);
    // Assess
    expect(found.get(keyOf(1))).toBe('free');
    expect(found.get(keyOf(2))).toBeUndefined();
  });

  it('sends nothing when no key is asked', async () => {
    // Act
    const found = await unlinkedMatchIds([]);
    // Assess
    expect(found.size).toBe(0);
    expect(send).not.toHaveBeenCalled();
  });
});
