import { afterEach, describe, expect, it } from 'vitest';
import { checkJava, JAVA_REQUIRED } from '../../local/dynamodb-local.js';
import { assertPortFree, freePort } from '../../local/ports.js';
import { createServer } from 'node:net';

describe('Function: checkJava()', () => {
  const savedPath = process.env.PATH;

  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it('says how to install Java 17+ when there is no java on the PATH', () => {
    // Prepare
    process.env.PATH = '/nonexistent';

    // Act & Assess
    expect(() => checkJava()).toThrow(JAVA_REQUIRED);
    expect(JAVA_REQUIRED).toMatch(/apt-get install openjdk-17-jre-headless \/ brew install openjdk@17/);
  });
});

describe('Function: assertPortFree()', () => {
  it('names the setting to change when a fixed port is taken', async () => {
    // Prepare
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', () => resolve()));

    // Act & Assess
    await expect(assertPortFree(port, 'DYNAMODB_PORT')).rejects.toThrow(
      `Port ${port} is already in use; free it or choose another with DYNAMODB_PORT`,
    );
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    await expect(assertPortFree(port, 'DYNAMODB_PORT')).resolves.toBeUndefined();
  });
});
