import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Playground, startPlayground } from '../../local/playground/start-playground.js';
import { freePort } from '../../local/ports.js';

/**
 * The playground's starter on real sockets (no engines): which systems it
 * plays, what it prints per call, and how it steps aside.
 */
let playground: Playground | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  await playground?.stop();
  playground = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

const occupy = async (port: number): Promise<Server> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
};

describe('playground starter', () => {
  it('plays a system whose URL is on this machine and prints each call as one line', async () => {
    // Prepare
    const port = await freePort();
    const lines: string[] = [];
    playground = await startPlayground({
      argv: [],
      env: { CRM_API_URL: `http://127.0.0.1:${port}`, CRM_API_KEY: 'crm-local-key' },
      print: (line) => lines.push(line),
    });
    // Act
    const answer = await fetch(`http://127.0.0.1:${port}/api/contacts`, {
      method: 'POST',
      headers: { authorization: 'Bearer crm-local-key', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@example.com' }),
    });
    // Assess
    expect(answer.status).toBe(201);
    expect(playground.running.map((r) => r.name)).toEqual(['crm']);
    expect(lines).toEqual([
      expect.stringMatching(/^playground crm +POST \/api\/contacts {2}201 {2}\{"email":"ana@example.com"\}$/),
    ]);
    expect(playground.bannerLines.join('\n')).toContain(`crm        http://127.0.0.1:${port}`);
  });

  it('answers 500 to a request its system cannot read, and keeps serving', async () => {
    // Prepare
    const port = await freePort();
    const lines: string[] = [];
    playground = await startPlayground({
      argv: [],
      env: { CRM_API_URL: `http://127.0.0.1:${port}`, CRM_API_KEY: 'crm-local-key' },
      print: (line) => lines.push(line),
    });
    const headers = { authorization: 'Bearer crm-local-key' };
    // Act
    const broken = await fetch(`http://127.0.0.1:${port}/api/contacts/%E0%A4%A`, { headers });
    const after = await fetch(`http://127.0.0.1:${port}/api/contacts`, { headers });
    // Assess
    expect(broken.status).toBe(500);
    expect(await broken.json()).toMatchObject({ error: 'playground_error' });
    expect(after.status).toBe(200);
    expect(lines).toHaveLength(2);
  });

  it('reports a port already in use in one banner line and plays the others', async () => {
    // Prepare
    const [busy, free] = [await freePort(), await freePort()];
    blocker = await occupy(busy);
    // Act
    playground = await startPlayground({
      argv: [],
      env: { ERP_API_URL: `http://127.0.0.1:${busy}`, WMS_API_URL: `http://localhost:${free}` },
      print: () => undefined,
    });
    // Assess
    expect(playground.running.map((r) => r.name)).toEqual(['wms']);
    const erpLines = playground.bannerLines.filter((line) => line.includes('erp'));
    expect(erpLines).toEqual([expect.stringContaining(`port ${busy} is in use`)]);
  });

  it('does not play a system whose URL is elsewhere, nor one with no URL', async () => {
    // Act
    playground = await startPlayground({
      argv: [],
      env: { CRM_API_URL: 'https://crm.example.com', CRM_API_KEY: 'k' },
      print: () => undefined,
    });
    // Assess
    expect(playground.running).toEqual([]);
    expect(playground.bannerLines).toEqual([expect.stringContaining('nothing to play')]);
  });

  it.each([
    ['OFFLINE_PLAYGROUND=0', [], { OFFLINE_PLAYGROUND: '0' }],
    ['OFFLINE_PLAYGROUND=off', [], { OFFLINE_PLAYGROUND: 'off' }],
    ['--no-playground', ['--in-memory', '--no-playground'], {}],
  ])('starts nothing when turned off with %s, and leaves the port free', async (_how, argv, switches) => {
    // Prepare
    const port = await freePort();
    // Act
    playground = await startPlayground({
      argv,
      env: { ...switches, POS_API_URL: `http://127.0.0.1:${port}`, POS_API_KEY: 'k' },
      print: () => undefined,
    });
    // Assess
    expect(playground.running).toEqual([]);
    expect(playground.bannerLines).toEqual([expect.stringContaining('off')]);
    blocker = await occupy(port);
  });
});
