import type { ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduleRun } from '../../functions/kernel/schedules/schedule-run.js';
import { type Topology, topology } from '../../lib/topology.js';
import { FIXTURE_JOB_FAILURE } from '../helpers/fixtures/failing-scheduled-handler.js';
import { recordedEvents } from '../helpers/fixtures/recorder.js';
import { TEST_ADMIN_TOKEN } from '../helpers/http-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * Schedules an operator can run now, offline and for real: the project's
 * admin API (routes, authorizer, its Lambda client) against DynamoDB Local
 * and the runtime's Lambda Invoke API, with two fixture jobs that record
 * their runs as every scheduled job does.
 */
const fixtures = 'test/helpers/fixtures';
const withJobs: Topology = {
  ...topology,
  functions: {
    ...topology.functions,
    tick: {
      description: 'Test: a job that succeeds.',
      entry: `${fixtures}/scheduled-handler.ts`,
      memoryMb: 256,
      timeoutSeconds: 5,
      tables: { control: ['UpdateItem'] },
    },
    broken: {
      description: 'Test: a job that fails.',
      entry: `${fixtures}/failing-scheduled-handler.ts`,
      memoryMb: 256,
      timeoutSeconds: 5,
      tables: { control: ['UpdateItem'] },
    },
  },
  schedules: [
    { name: 'tick', function: 'tick', expression: 'rate(1 hour)' },
    { name: 'broken-job', function: 'broken', expression: 'cron(0 3 * * ? *)' },
  ],
};

interface Listing {
  readonly items: { name: string; expression: string; function: string; last_run: ScheduleRun | null }[];
}

let stack: TestStack;

const asAdmin = async <T>(method: 'GET' | 'POST', path: string): Promise<{ status: number; body: T }> => {
  const response = await stack.fetch(path, { method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return { status: response.status, body: (await response.json()) as T };
};

const lastRunOf = async (schedule: string): Promise<ScheduleRun | null | undefined> => {
  const { body } = await asAdmin<Listing>('GET', '/admin/schedules');
  return body.items.find((item) => item.name === schedule)?.last_run;
};

/** The last run of a schedule once it has ended (succeeded or failed), polled through the API. */
const finishedRun = async (schedule: string, runId: string): Promise<ScheduleRun> => {
  let run: ScheduleRun | null | undefined;
  await expect
    .poll(
      async () => {
        run = await lastRunOf(schedule);
        return run?.run_id === runId && (run.outcome === 'succeeded' || run.outcome === 'failed');
      },
      { timeout: 10_000, interval: 50 },
    )
    .toBe(true);
  if (!run) throw new Error('unreachable');
  return run;
};

beforeAll(async () => {
  stack = await startTestStack({ topology: withJobs, env: { ADMIN_TOKEN: TEST_ADMIN_TOKEN } });
});

afterAll(async () => {
  await stack?.stop();
});

describe('Admin API: schedules', () => {
  it('lists every schedule with its expression and function, and no last run before it first runs', async () => {
    // Act
    const { status, body } = await asAdmin<Listing>('GET', '/admin/schedules');

    // Assess
    expect(status).toBe(200);
    expect(body.items).toEqual([
      { name: 'tick', expression: 'rate(1 hour)', function: `${stack.namePrefix}tick`, last_run: null },
      { name: 'broken-job', expression: 'cron(0 3 * * ? *)', function: `${stack.namePrefix}broken`, last_run: null },
    ]);
  });

  it('runs a schedule now: 202 with a run id, then the job runs and its run shows as succeeded', async () => {
    // Prepare
    const before = Date.now();

    // Act
    const { status, body } = await asAdmin<{ run_id: string; schedule: string }>('POST', '/admin/schedules/tick/run');
    const run = await finishedRun('tick', body.run_id);

    // Assess
    expect(status).toBe(202);
    expect(body).toEqual({ run_id: expect.any(String), schedule: 'tick' });
    expect(run).toMatchObject({ run_id: body.run_id, trigger: 'manual', outcome: 'succeeded' });
    expect(run.error).toBeUndefined();
    expect(Date.parse(run.started_at ?? '')).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(run.finished_at ?? '')).toBeGreaterThanOrEqual(Date.parse(run.started_at ?? ''));
    expect(run.duration_ms).toBeGreaterThanOrEqual(0);
    const event = recordedEvents<ScheduledEvent>('scheduled').find((e) => e.id === body.run_id);
    expect(event).toMatchObject({
      'detail-type': 'Scheduled Event',
      detail: { schedule: 'tick', trigger: 'manual', run_id: body.run_id },
    });
  });

  it('shows a failing job as failed, with its message and no stack trace', async () => {
    // Act
    const { status, body } = await asAdmin<{ run_id: string }>('POST', '/admin/schedules/broken-job/run');
    const run = await finishedRun('broken-job', body.run_id);

    // Assess
    expect(status).toBe(202);
    expect(run).toMatchObject({
      run_id: body.run_id,
      trigger: 'manual',
      outcome: 'failed',
      error: FIXTURE_JOB_FAILURE,
    });
  });

  it('records a run the scheduler fires with the schedule name and trigger schedule', async () => {
    // Act
    const result = await stack.triggerSchedule('tick');
    const event =
      recordedEvents<ScheduledEvent<{ schedule: string; trigger: string; run_id: string }>>('scheduled').at(-1);

    // Assess
    expect(result.ok).toBe(true);
    expect(event?.detail).toEqual({ schedule: 'tick', trigger: 'schedule', run_id: event?.id });
    expect(event?.resources).toEqual([expect.stringMatching(new RegExp(`:rule/${stack.namePrefix}tick$`))]);
    expect(await lastRunOf('tick')).toMatchObject({ run_id: event?.id, trigger: 'schedule', outcome: 'succeeded' });
  });

  it('answers 404 for a schedule that does not exist', async () => {
    // Act
    const { status, body } = await asAdmin<{ error: string }>('POST', '/admin/schedules/nightly/run');

    // Assess
    expect(status).toBe(404);
    expect(body).toEqual({ error: 'No schedule named nightly' });
  });

  it('answers 400 for a malformed schedule name', async () => {
    // Act
    const { status, body } = await asAdmin<{ error: string }>('POST', `/admin/schedules/${'x'.repeat(65)}/run`);

    // Assess
    expect(status).toBe(400);
    expect(body.error).toMatch(/^Invalid path: name:/);
  });

  it.each([
    ['GET', '/admin/schedules'],
    ['POST', '/admin/schedules/tick/run'],
  ])('answers 401 to %s %s without a token, running nothing', async (method, path) => {
    // Prepare
    const runsBefore = recordedEvents('scheduled').length;

    // Act
    const response = await stack.fetch(path, { method });

    // Assess
    expect(response.status).toBe(401);
    expect(recordedEvents('scheduled').length).toBe(runsBefore);
  });
});

describe('Offline Lambda API', () => {
  it('answers an unknown function with ResourceNotFoundException, as Lambda does', async () => {
    // Act
    const response = await fetch(`${stack.environment.AWS_ENDPOINT_URL_LAMBDA}/2015-03-31/functions/nope/invocations`, {
      method: 'POST',
      headers: { 'x-amz-invocation-type': 'Event' },
      body: '{}',
    });

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });

  it('answers a synchronous invoke of a failing function with its error and X-Amz-Function-Error: Unhandled', async () => {
    // Act
    const response = await fetch(
      `${stack.environment.AWS_ENDPOINT_URL_LAMBDA}/2015-03-31/functions/${stack.namePrefix}broken/invocations`,
      {
        method: 'POST',
        body: '{}',
      },
    );

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await response.json()).toMatchObject({ errorType: 'Error', errorMessage: FIXTURE_JOB_FAILURE });
  });
});
