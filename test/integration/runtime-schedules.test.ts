import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas';
import type { ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recorded, recordedEvents } from '../helpers/fixtures/recorder.js';
import { runtimeTestTopology } from '../helpers/fixtures/runtime-topology.js';
import { startTestStack, type TestStack } from '../helpers/test-stack.js';

let stack: TestStack;

beforeAll(async () => {
  // The fixture schedule is rate(1 hour); the test interval makes it fire every 200 ms instead.
  stack = await startTestStack({
    topology: runtimeTestTopology,
    scheduleEveryMs: 200,
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('Offline runtime: schedules', () => {
  it('fires a schedule with an EventBridge scheduled event Powertools parses', async () => {
    // Assess
    await expect.poll(() => recorded('scheduled').length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    const [event] = recordedEvents<ScheduledEvent>('scheduled');
    expect(EventBridgeSchema.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      // The schedule's name and the run, as the rule's target input carries them on AWS.
      detail: { schedule: 'tick', trigger: 'schedule', run_id: event?.id },
      resources: [expect.stringMatching(/^arn:aws:events:us-east-1:\d{12}:rule\/t[0-9a-f]{6}-tick$/)],
    });
  });

  it('fires a schedule on demand', async () => {
    // Prepare
    const before = recorded('scheduled').length;

    // Act
    const result = await stack.triggerSchedule('tick');

    // Assess
    expect(result.ok).toBe(true);
    expect(recorded('scheduled').length).toBeGreaterThan(before);
  });
});
