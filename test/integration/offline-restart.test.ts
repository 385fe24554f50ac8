import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHttpServer, type RecordedRequest, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { admin, postSignedWebhook, TEST_ADMIN_TOKEN, TEST_CRM_SECRET } from '../helpers/http-client.js';
import {
  type OfflineProcess,
  type OfflineProcessPorts,
  pickPorts,
  startOfflineProcess,
} from '../helpers/offline-process.js';

/**
 * `npm start` as a user runs it, stopped the hard way: a burst of signed CRM
 * webhooks and local contact edits, `kill -9` of the whole process group
 * (node and java) while answers are still coming, and a start on the same
 * data folder. Every change answered 2xx before the kill must be there, and
 * every local edit acknowledged must reach the CRM after the restart.
 */

const emailOf = (id: string): string => `${id}@example.com`;
const pushedEmail = (r: RecordedRequest): string | undefined => (r.body as { email?: string } | undefined)?.email;

/** Runs `jobs` with `concurrency` in flight; a job that throws (the stack was killed) counts as not answered. */
const runBurst = async (jobs: readonly (() => Promise<void>)[], concurrency: number): Promise<void> => {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next] as () => Promise<void>;
      next += 1;
      await job().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
};

/** Polls until `probe` holds, or throws `what` with the stack's output after `timeoutMs`. */
const until = async (probe: () => Promise<boolean> | boolean, what: string, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('npm start: durable offline data', () => {
  let dataDir: string;
  let ports: OfflineProcessPorts;
  let crm: FakeHttpServer;
  let env: Record<string, string>;
  let running: OfflineProcess | undefined;
  /** Acknowledged before the kill: CRM ids sent by webhook, local contact ids written through the admin API. */
  const ackedInbound: string[] = [];
  const ackedLocal: string[] = [];
  let restartedInMs = 0;
  /** Before the kill the CRM answers slowly, so pushes are in flight (received from the queue, not deleted) when it comes. */
  let crmDelayMs = 3_000;

  const start = async (args: readonly string[] = []): Promise<OfflineProcess> => {
    running = await startOfflineProcess({ ports, env, args });
    return running;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sync-tools-offline-'));
    ports = await pickPorts();
    crm = await startFakeHttpServer((request) =>
      request.method === 'POST'
        ? { status: 201, body: { id: `crm-${pushedEmail(request)}` }, delayMs: crmDelayMs }
        : { status: 200, body: {}, delayMs: crmDelayMs },
    );
    env = {
      OFFLINE_DATA_DIR: dataDir,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      CRM_WEBHOOK_SECRET: TEST_CRM_SECRET,
      CRM_API_URL: crm.url,
      CRM_API_KEY: 'crm-test-key',
    };
  });

  afterAll(async () => {
    await running?.kill9();
    await crm?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every change answered 2xx before a kill -9, and delivers every acknowledged push after the restart', async () => {
    // Prepare
    const stack = await start();
    expect(stack.output()).toContain(`Data kept in     ${dataDir}`);
    const run = randomUUID().slice(0, 6);
    const inbound = Array.from({ length: 300 }, (_, i) => `in${run}x${i}`);
    const local = Array.from({ length: 150 }, (_, i) => `lo${run}x${i}`);
    let killing: Promise<void> | undefined;
    const pushesStarted = (): boolean => crm.requests.some((r) => r.method === 'POST');
    const acknowledged = (): void => {
      // Killed mid-burst: answers still coming, edits in the stream, pushes queued and in flight at the slow CRM.
      if (!killing && ackedInbound.length + ackedLocal.length >= 45 && pushesStarted()) killing = stack.kill9();
    };
    const jobs = inbound.flatMap((id, i) => {
      const webhook = async (): Promise<void> => {
        const answer = await postSignedWebhook(
          `${stack.url}/webhooks/crm`,
          {
            event: 'created',
            type: 'contact',
            id,
            data: { firstName: 'In', lastName: id, email: emailOf(id) },
            timestamp: new Date().toISOString(),
          },
          { secret: TEST_CRM_SECRET },
        );
        if (answer.status >= 200 && answer.status < 300) {
          ackedInbound.push(id);
          acknowledged();
        }
      };
      const localId = local[i / 2];
      if (i % 2 !== 0 || localId === undefined) return [webhook];
      const edit = async (): Promise<void> => {
        const answer = await admin(stack.url, 'PUT', `/admin/records/contact/${localId}`, {
          first_name: 'Lo',
          email: emailOf(localId),
        });
        if (answer.status >= 200 && answer.status < 300) {
          ackedLocal.push(localId);
          acknowledged();
        }
      };
      return [webhook, edit];
    });

    // Act
    await runBurst(jobs, 8);
    if (!killing) await until(pushesStarted, 'no push reached the CRM during the burst', 15_000);
    await (killing ?? stack.kill9());
    const pushedBeforeRestart = crm.requests.length;
    crmDelayMs = 20;
    const restarted = await start();
    restartedInMs = restarted.startedInMs;

    // Assess: every acknowledged change is there.
    expect(ackedInbound.length + ackedLocal.length).toBeGreaterThanOrEqual(45);
    expect(ackedInbound.length + ackedLocal.length).toBeLessThan(jobs.length);
    const missing: string[] = [];
    for (const id of ackedInbound) {
      const found = await admin(restarted.url, 'GET', `/admin/records/contact/crm-${id}`);
      if (found.status !== 200) missing.push(`crm-${id} (${found.status})`);
    }
    for (const id of ackedLocal) {
      const found = await admin<{ data?: { email?: string } }>(restarted.url, 'GET', `/admin/records/contact/${id}`);
      if (found.status !== 200 || found.body.data?.email !== emailOf(id)) missing.push(`${id} (${found.status})`);
    }
    expect(missing).toEqual([]);
    // And every acknowledged local edit is delivered: the CRM answered its create and the CRM id was written
    // back, whether the edit was still in the stream, queued, or in flight when the stack died.
    let notSynced: string[] = [...ackedLocal];
    await until(
      async () => {
        const states = await Promise.all(
          notSynced.map(async (id) => {
            const found = await admin<{ external_id?: string }>(restarted.url, 'GET', `/admin/records/contact/${id}`);
            return found.body.external_id === `crm-${emailOf(id)}` ? undefined : id;
          }),
        );
        notSynced = states.filter((id): id is string => id !== undefined);
        return notSynced.length === 0;
      },
      'acknowledged edits not delivered to the CRM after the restart',
      40_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${notSynced.join(', ')}`);
    });
    expect(crm.requests.length).toBeGreaterThan(pushedBeforeRestart);
    process.stdout.write(
      `crash test: ${ackedInbound.length} webhooks and ${ackedLocal.length} local edits acknowledged before kill -9, ` +
        `all there after the restart; ${pushedBeforeRestart} CRM calls before, ${crm.requests.length - pushedBeforeRestart} after\n`,
    );
  }, 150_000);

  it('keeps the data through a clean stop (SIGINT) and restart; --in-memory neither reads nor writes the folder', async () => {
    // Prepare
    const marker = `mark-${randomUUID().slice(0, 8)}`;
    const scratch = `scratch-${randomUUID().slice(0, 8)}`;
    const durable = running as OfflineProcess;
    expect((await admin(durable.url, 'PUT', `/admin/records/contact/${marker}`, { first_name: 'Kept' })).status).toBe(
      200,
    );

    // Act
    await durable.interrupt();
    const throwAway = await start(['--in-memory']);
    const markerInMemory = await admin(throwAway.url, 'GET', `/admin/records/contact/${marker}`);
    const scratchWritten = await admin(throwAway.url, 'PUT', `/admin/records/contact/${scratch}`, {
      first_name: 'Gone',
    });
    await throwAway.interrupt();
    const again = await start();
    const markerAgain = await admin(again.url, 'GET', `/admin/records/contact/${marker}`);
    const scratchAgain = await admin(again.url, 'GET', `/admin/records/contact/${scratch}`);
    const crashSurvivor = await admin(again.url, 'GET', `/admin/records/contact/crm-${ackedInbound[0]}`);

    // Assess
    expect(throwAway.output()).toContain('Data in memory only (--in-memory)');
    expect(markerInMemory.status).toBe(404);
    expect(scratchWritten.status).toBe(200);
    expect(markerAgain.status).toBe(200);
    expect(markerAgain.body).toMatchObject({ data: { first_name: 'Kept' } });
    expect(scratchAgain.status).toBe(404);
    expect(crashSurvivor.status).toBe(200);
    expect(readdirSync(dataDir).sort()).toEqual(['dynamodb', 'sqs', 'streams']);
    // Reported in the test output: what a restart on kept data costs.
    process.stdout.write(`offline restart on kept data: ready in ${(restartedInMs / 1000).toFixed(1)} s\n`);
  }, 150_000);
});
