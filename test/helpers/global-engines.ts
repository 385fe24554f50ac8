import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { type RunningEngines, startEngines } from '../../local/engines.js';

/**
 * Vitest globalSetup: one set of offline engines (DynamoDB Local, fauxqs,
 * aws-ses-v2-local) for the whole test run, shared by every integration
 * test file; each file keeps to its own resources through a name prefix
 * (see `startTestStack`).
 *
 * The engines start lazily, on the first request from a test file, through
 * a tiny broker on 127.0.0.1: a run of unit tests alone never starts java
 * (nor needs it installed), and concurrent files wait on the same start.
 * Teardown stops whatever was started, java included.
 *
 * Wire it in vitest.config.ts: `test: { globalSetup: ['test/helpers/global-engines.ts'] }`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let engines: Promise<RunningEngines> | undefined;
  const broker = createServer((req, res) => {
    if (req.url !== '/engines') {
      res.writeHead(404).end();
      return;
    }
    engines ??= startEngines();
    engines.then(
      (running) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ endpoints: running.endpoints, javaPid: running.javaPid }));
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: (error as Error).message }));
      },
    );
  });
  await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', () => resolve()));
  const { port } = broker.address() as AddressInfo;
  project.provide('offlineEngineBroker', `http://127.0.0.1:${port}`);

  return async () => {
    broker.close();
    broker.closeAllConnections();
    const running = await engines?.catch(() => undefined);
    await running?.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the engine broker started by test/helpers/global-engines.ts. */
    offlineEngineBroker: string;
  }
}
