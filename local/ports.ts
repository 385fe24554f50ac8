import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port on 127.0.0.1.
 *
 * DynamoDB Local takes its port as a command-line argument and never reports
 * the one it bound, so "port 0" cannot be passed through: a free port is
 * picked here first. The short window between closing this probe and the
 * engine binding the port is acceptable for local runs and tests.
 *
 * @example
 * const port = await freePort();
 */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });

/**
 * Fails with a clear message when a fixed port is taken, before an engine
 * tries it: some engines report a busy port only as a crash or a hang.
 *
 * @example
 * await assertPortFree(8000, 'DYNAMODB_PORT');
 */
const assertPortFree = (port: number, setting: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () =>
      reject(new Error(`Port ${port} is already in use; free it or choose another with ${setting}`)),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });

export { assertPortFree, freePort };
