import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aLambdaContext, anHttpApiEvent } from '../helpers/lambda-events.js';

/**
 * The schedule routes of the admin API through its real handler (routing,
 * validation, error answers), with the DynamoDB and Lambda clients replaced
 * by scripts. The offline runtime runs them for real in
 * test/integration/admin-schedules.test.ts.
 */
const dynamoSend = vi.hoisted(() => vi.fn());
const lambdaSend = vi.hoisted(() => vi.fn());
vi.mock('../../functions/kernel/aws/dynamo-client.js', () => ({ dynamo: () => ({ send: dynamoSend }) }));
vi.mock('../../functions/kernel/aws/lambda-client.js', () => ({ lambda: () => ({ send: lambdaSend }) }));

const { handler } = await import('../../functions/platform/admin/handler.js');

const CATALOGUE = [
  { name: 'tick', expression: 'rate(1 hour)', function: 'SyncTools-FunctionsTickHandler-AbC123' },
  { name: 'sync-monitor', expression: 'rate(5 minutes)', function: 'SyncTools-FunctionsMonitorHandler-XyZ789' },
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Command = { constructor: { name: string }; input: Record<string, unknown> };
const sent = (send: typeof dynamoSend): Command[] => send.mock.calls.map((call) => call[0] as Command);

const call = async (
  method: 'GET' | 'POST',
  path: string,
  routeKey: string,
  pathParameters: Record<string, string> = {},
) => {
  const response = (await handler(
    anHttpApiEvent({ method, path, routeKey, pathParameters }),
    aLambdaContext(),
  )) as APIGatewayProxyStructuredResultV2;
  return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') as Record<string, unknown> };
};
const runNow = (name: string) =>
  call('POST', `/admin/schedules/${encodeURIComponent(name)}/run`, 'POST /admin/schedules/{name}/run', { name });

const savedEnv = { ...process.env };

describe('Admin routes: schedules', () => {
  beforeEach(() => {
    process.env.SCHEDULES = JSON.stringify(CATALOGUE);
    process.env.CONTROL_TABLE = 'control-test';
    dynamoSend.mockReset();
    dynamoSend.mockResolvedValue({});
    lambdaSend.mockReset();
    lambdaSend.mockResolvedValue({ StatusCode: 202 });
  });

  afterEach(() => {
    process.env = { ...savedEnv };
  });

  it('runs a schedule now: 202 with a run id, the run recorded as queued, then the function invoked asynchronously', async () => {
    // Act
    const { status, body } = await runNow('tick');

    // Assess
    expect(status).toBe(202);
    expect(body).toEqual({ run_id: expect.stringMatching(UUID), schedule: 'tick' });
    const [queued] = sent(dynamoSend);
    expect(queued?.constructor.name).toBe('UpdateCommand');
    expect(queued?.input).toMatchObject({
      Key: { pk: 'SCHEDULE#tick', sk: 'LAST' },
      ExpressionAttributeValues: { ':outcome': 'queued', ':trigger': 'manual', ':run_id': body.run_id },
    });
    expect(dynamoSend.mock.invocationCallOrder[0]).toBeLessThan(lambdaSend.mock.invocationCallOrder[0] ?? 0);
    const [invoke] = sent(lambdaSend);
    expect(invoke?.constructor.name).toBe('InvokeCommand');
    expect(invoke?.input).toMatchObject({
      FunctionName: 'SyncTools-FunctionsTickHandler-AbC123',
      InvocationType: 'Event',
    });
    const event = JSON.parse(new TextDecoder().decode(invoke?.input.Payload as Uint8Array));
    expect(event).toMatchObject({
      id: body.run_id,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      region: 'us-east-1',
      detail: { schedule: 'tick', trigger: 'manual', run_id: body.run_id },
    });
  });

  it('answers 404 for a schedule that does not exist, invoking and recording nothing', async () => {
    // Act
    const { status, body } = await runNow('nightly');

    // Assess
    expect(status).toBe(404);
    expect(body).toEqual({ error: 'No schedule named nightly' });
    expect(lambdaSend).not.toHaveBeenCalled();
    expect(dynamoSend).not.toHaveBeenCalled();
  });

  it.each(['tick now', 'x'.repeat(65), 'a/b'])(
    'answers 400 naming the path field for the malformed name "%s"',
    async (name) => {
      // Act
      const { status, body } = await runNow(name);

      // Assess
      expect(status).toBe(400);
      expect(body.error).toMatch(/^Invalid path: name: must be 1 to 64 letters/);
      expect(lambdaSend).not.toHaveBeenCalled();
    },
  );

  it('answers 500 without details when Lambda refuses the invoke, and records the run as failed with the reason', async () => {
    // Prepare
    lambdaSend.mockRejectedValue(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));

    // Act
    const { status, body } = await runNow('tick');

    // Assess
    expect(status).toBe(500);
    expect(body).toEqual({ error: 'Internal error', correlation_id: expect.any(String) });
    const [, failed] = sent(dynamoSend);
    expect(failed?.input).toMatchObject({
      ConditionExpression: 'run_id = :run_id',
      ExpressionAttributeValues: { ':outcome': 'failed', ':error': 'The run could not be started: Rate exceeded' },
    });
  });

  it('lists every schedule with its expression, function and last run, null when it never ran', async () => {
    // Prepare
    const lastRun = {
      run_id: 'r-1',
      trigger: 'schedule',
      outcome: 'succeeded',
      run_at: '2026-11-24T12:00:00Z',
      started_at: '2026-11-24T12:00:00.120Z',
      finished_at: '2026-11-24T12:00:01.620Z',
      duration_ms: 1_500,
    };
    dynamoSend.mockImplementation(async (command: Command) => {
      const key = command.input.Key as { pk: string };
      return key.pk === 'SCHEDULE#sync-monitor'
        ? { Item: { pk: key.pk, sk: 'LAST', schedule: 'sync-monitor', ...lastRun } }
        : {};
    });

    // Act
    const { status, body } = await call('GET', '/admin/schedules', 'GET /admin/schedules');

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({
      items: [
        { name: 'tick', expression: 'rate(1 hour)', function: 'SyncTools-FunctionsTickHandler-AbC123', last_run: null },
        {
          name: 'sync-monitor',
          expression: 'rate(5 minutes)',
          function: 'SyncTools-FunctionsMonitorHandler-XyZ789',
          last_run: lastRun,
        },
      ],
    });
    expect(sent(dynamoSend).every((c) => c.constructor.name === 'GetCommand' && c.input.ConsistentRead === true)).toBe(
      true,
    );
  });

  it('answers 500 when the stack did not give the function its schedule catalogue', async () => {
    // Prepare
    delete process.env.SCHEDULES;

    // Act
    const { status } = await call('GET', '/admin/schedules', 'GET /admin/schedules');

    // Assess
    expect(status).toBe(500);
  });
});
