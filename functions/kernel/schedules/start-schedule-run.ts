import { InvokeCommand } from '@aws-sdk/client-lambda';
import { lambda } from '../aws/lambda-client.js';
import type { ScheduleEvent } from './schedule-event.js';

/**
 * Invokes a scheduled function once, asynchronously, with a scheduled event,
 * as its EventBridge rule would: Lambda queues the event and answers at
 * once, and a failing run gets the same asynchronous retries and DLQ as a
 * rule-fired one. Offline, `AWS_ENDPOINT_URL_LAMBDA` points the client at
 * the runtime's Lambda API, which does the same.
 *
 * @example
 * await startScheduleRun(entry.function, scheduleEvent({ schedule: 'tick', trigger: 'manual', runId, ... }));
 */
const startScheduleRun = async (functionName: string, event: ScheduleEvent): Promise<void> => {
  const answer = await lambda().send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  // Lambda answers 202 when it has queued the event; anything else means it has not.
  if (answer.StatusCode !== 202)
    throw new Error(`Lambda answered ${answer.StatusCode} instead of 202 to an asynchronous invoke`);
};

export { startScheduleRun };
