import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { resolveConflicts } from '../../functions/conflicts/resolver/resolve-conflicts.js';
import { dynamo } from '../../functions/kernel/aws/dynamo-client.js';
import { tableName } from '../../functions/kernel/aws/resource-names.js';
import { recordKey } from '../../functions/kernel/records/record.js';
import { setEnvironment } from '../environment.js';
import { runBurst } from '../load.js';
import type { BenchRow, BenchSuite } from '../suite.js';
import { benchLambdaContext } from '../webhook-events.js';

/**
 * The conflict resolver over CONFLICTS pending conflicts, all resolvable by
 * a rule (a local and a remote change to different fields within the
 * window: the merge, pushed), in one run of the job, next to a bare
 * UpdateItem loop over as many records on the same engine in the same run,
 * with the job's own concurrency. Issue 11's budget: at least 0.3x the bare
 * rate. Reads and writes per conflict are counted on the job's client.
 *
 * The records and conflicts are seeded (untimed) as the inbound flow
 * leaves them: a contact at version 2 with a pending local change and its
 * base, `sync_status: conflict`, and one conflict each carrying the remote
 * change. The job is called directly (not through the schedule recorder,
 * one write per run), with a context of 15 minutes.
 */
const CONFLICTS = 10_000;
const SEED_CONCURRENCY = 32;
/** The job's concurrency (resolve-conflicts.ts), for the baseline. */
const CONCURRENCY = 8;
const MIN_RATIO = 0.3;

const base = { first_name: 'Ana', last_name: 'Lima', phone: '111', title: 'CTO', source: 'web' };

const counted = (client: DynamoDBDocumentClient) => {
  const calls: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? '').replace(/Command$/, '');
      calls[name] = (calls[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );
  return { calls, remove: () => client.middlewareStack.remove('benchCallCounter') };
};

const conflictsSuite: BenchSuite = {
  name: 'conflicts',
  description: `Conflict resolver: one run over ${CONFLICTS} pending conflicts resolvable by a rule, vs a bare UpdateItem loop (DynamoDB Local)`,
  needs: ['dynamodb', 'sqs'],
  run: async (context) => {
    const restore = setEnvironment({ SETTINGS_CACHE_SECONDS: '0', LOG_LEVEL: 'WARN', POWERTOOLS_LOG_LEVEL: 'WARN' });
    const bare = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    try {
      const run = randomBytes(3).toString('hex');
      const now = Date.now();
      const at = new Date(now).toISOString();
      const id = (i: number) => `${run}-c${i}`;
      context.log(`conflicts: seeding ${CONFLICTS} records and conflicts`);
      const seed = Array.from({ length: CONFLICTS }, (_, i) => async () => {
        const conflictId = `crm-${run}-${i}`;
        await bare.send(
          new PutCommand({
            TableName: tableName('records'),
            Item: {
              pk: recordKey('contact', id(i)),
              record_type: 'contact',
              record_id: id(i),
              data: { ...base, phone: `222-${i}` },
              base_data: base,
              version: 2,
              synced_version: 1,
              origin: 'local',
              created_at: at,
              updated_at: at,
              external_id: `${run}-${i}`,
              external_source: 'crm',
              remote_updated_at: at,
              remote_ms: now,
              sync_status: 'conflict',
              conflict_id: conflictId,
            },
          }),
        );
        await bare.send(
          new PutCommand({
            TableName: tableName('conflicts'),
            Item: {
              pk: `CONFLICT#${conflictId}`,
              conflict_id: conflictId,
              record_id: id(i),
              record_type: 'contact',
              source: 'crm',
              local_timestamp: at,
              remote_timestamp: at,
              local_data: { ...base, phone: `222-${i}` },
              remote_data: { title: `CEO ${i}` },
              base_data: base,
              local_version: 2,
              status: 'pending',
              created_at: new Date(now + i).toISOString(),
              remote_event: 'updated',
            },
          }),
        );
      });
      await runBurst(seed, SEED_CONCURRENCY);
      const bareSeed = Array.from(
        { length: CONFLICTS },
        (_, i) => () =>
          bare.send(
            new PutCommand({
              TableName: tableName('records'),
              Item: { pk: recordKey('contact', `${run}-bare-${i}`), data: base, version: 1 },
            }),
          ),
      );
      await runBurst(bareSeed, SEED_CONCURRENCY);

      context.log('conflicts: bare UpdateItem loop');
      const bareBurst = await runBurst(
        Array.from(
          { length: CONFLICTS },
          (_, i) => () =>
            bare.send(
              new UpdateCommand({
                TableName: tableName('records'),
                Key: { pk: recordKey('contact', `${run}-bare-${i}`) },
                ConditionExpression: '#version = :v',
                UpdateExpression: 'SET #data = :data, base_data = :data, #version = #version + :one',
                ExpressionAttributeNames: { '#data': 'data', '#version': 'version' },
                ExpressionAttributeValues: { ':v': 1, ':one': 1, ':data': { ...base, title: `CEO ${i}` } },
              }),
            ),
        ),
        CONCURRENCY,
      );

      context.log('conflicts: resolver run');
      const counter = counted(dynamo());
      const started = performance.now();
      const summary = await resolveConflicts({}, benchLambdaContext('conflictResolver', 900));
      const seconds = (performance.now() - started) / 1000;
      counter.remove();
      const resolved = Object.values(summary.resolved).reduce((a, b) => a + b, 0);
      const reads = (counter.calls.GetItem ?? 0) + (counter.calls.Query ?? 0);
      const writes = (counter.calls.UpdateItem ?? 0) + (counter.calls.PutItem ?? 0);
      const calls = Object.entries(counter.calls)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ');
      return [
        {
          name: 'bare UpdateItem loop',
          value: bareBurst.perSecond,
          unit: 'req/s',
          baseline: true,
          note: `${CONFLICTS} conditional UpdateItems of a record's data and base, ${CONCURRENCY} in flight`,
        },
        {
          name: 'conflicts resolved/s, one run',
          value: resolved / seconds,
          // The baseline's unit, so the report shows the ratio: here one "request" is one conflict resolved.
          unit: 'req/s',
          compare: true,
          ratioTarget: { min: MIN_RATIO },
          note: `${resolved} of ${summary.loaded} resolved (${JSON.stringify(summary.resolved)}), ${summary.failed} failed, ${summary.left} left, in ${seconds.toFixed(1)} s`,
        },
        {
          name: 'reads per conflict',
          value: reads / Math.max(1, resolved),
          unit: 'calls',
          note: `the record, the status index pages, settings; calls in the run: ${calls}`,
        },
        {
          name: 'writes per conflict',
          value: writes / Math.max(1, resolved),
          unit: 'calls',
          note: 'the record (one conditional UpdateItem) and the conflict (one conditional UpdateItem)',
        },
      ] satisfies BenchRow[];
    } finally {
      bare.destroy();
      restore();
    }
  },
};

export { conflictsSuite };
