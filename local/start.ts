/**
 * `npm start`: the whole stack on this machine. Starts DynamoDB Local,
 * fauxqs and aws-ses-v2-local, creates the topology's tables and queues,
 * and serves the API on PORT, with the stream and queue consumers and the
 * schedules running. Ctrl-C (or SIGTERM) stops everything, java included.
 *
 * Data is kept between runs (tables, items, stream positions, queues and
 * their messages) in OFFLINE_DATA_DIR, `.local-data/` by default; sent mail
 * is not. `npm start -- --in-memory` (or OFFLINE_IN_MEMORY=1) runs on
 * throw-away engines instead.
 *
 * Settings (environment or `.env`): PORT (3000), DYNAMODB_PORT (8000),
 * SQS_PORT (9324), SES_PORT (8005), OFFLINE_LOG_LEVEL (info),
 * OFFLINE_DATA_DIR (.local-data), OFFLINE_IN_MEMORY (off), and the
 * integration variables listed in the README.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadIntegration } from '../functions/kernel/config/secrets.js';
import { integrationNames } from '../functions/kernel/wiring/integrations.js';
import { logLevelFrom } from './log.js';
import { startPlayground, withoutPlaygroundFlag } from './playground/start-playground.js';
import { REPOSITORY_ROOT, startOfflineStack } from './runtime.js';

const portFrom = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${name} must be a port number, got "${raw}"`);
  }
  return port;
};

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);

/**
 * The folder `npm start` keeps its data in, or undefined for an in-memory
 * run (`--in-memory` or OFFLINE_IN_MEMORY=1). OFFLINE_DATA_DIR moves it;
 * relative paths are taken from the working directory.
 */
const dataDirFrom = (argv: readonly string[]): string | undefined => {
  const { values } = parseArgs({
    args: [...argv],
    options: { 'in-memory': { type: 'boolean', default: false } },
    strict: true,
  });
  const inMemory = values['in-memory'] || TRUE_WORDS.has((process.env.OFFLINE_IN_MEMORY ?? '').toLowerCase());
  if (inMemory) return undefined;
  const configured = process.env.OFFLINE_DATA_DIR;
  return configured ? resolve(configured) : resolve(REPOSITORY_ROOT, '.local-data');
};

/** Names each integration that is not configured and why; the stack starts anyway. */
const reportIntegrations = async (): Promise<string[]> => {
  const lines: string[] = [];
  for (const name of integrationNames) {
    const loaded = await loadIntegration(name);
    if (!loaded.ok) lines.push(`  ! ${name}: ${loaded.problems.join('; ')}`);
  }
  return lines;
};

const USAGE = `usage: npm start [-- --in-memory] [-- --no-playground]

The whole stack on this machine: DynamoDB Local, fauxqs (SQS), aws-ses-v2-local (SES), every route,
stream consumer, queue consumer and schedule, and stand-ins for the outside systems (the playground).

options:
  --in-memory      throw-away engines: nothing is kept when the stack stops (same as OFFLINE_IN_MEMORY=1)
  --no-playground  no stand-ins for the outside systems (same as OFFLINE_PLAYGROUND=0)
  -h, --help       show this help

environment (or .env; cp .env.example .env gives a working set):
  PORT (3000), DYNAMODB_PORT (8000), SQS_PORT (9324), SES_PORT (8005)
  OFFLINE_DATA_DIR (.local-data), OFFLINE_LOG_LEVEL (info), OFFLINE_PLAYGROUND (on), LOG_LEVEL, POWERTOOLS_DEV
  the integrations' settings (ADMIN_TOKEN, CRM_WEBHOOK_SECRET, CRM_API_URL, ...): see the README, Configuration

example:
  cp .env.example .env && npm start -- --in-memory
`;

const main = async (): Promise<void> => {
  if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const started = performance.now();
  const envFile = resolve(REPOSITORY_ROOT, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const dataDir = dataDirFrom(withoutPlaygroundFlag(process.argv.slice(2)));
  const playground = await startPlayground({ argv: process.argv.slice(2), env: process.env });

  const stack = await startOfflineStack({
    ...(dataDir ? { dataDir } : {}),
    port: portFrom('PORT', 3000),
    enginePorts: {
      dynamodb: portFrom('DYNAMODB_PORT', 8000),
      sqs: portFrom('SQS_PORT', 9324),
      ses: portFrom('SES_PORT', 8005),
    },
    logLevel: logLevelFrom(process.env.OFFLINE_LOG_LEVEL, 'info'),
  });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second Ctrl-C: leave now; the exit hook still kills java.
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the offline stack...\n`);
    Promise.all([stack.stop(), playground.stop()]).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stopping failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  const unconfigured = await reportIntegrations();
  const { plan } = stack;
  const lines = [
    '',
    `sync-tools offline stack ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    `  API              ${stack.url}   (try ${stack.url}/health)`,
    `  Sent mail        ${stack.endpoints.ses}/   (SES v2 endpoint: ${stack.endpoints.ses})`,
    `  DynamoDB Local   ${stack.endpoints.dynamodb}`,
    `  SQS (fauxqs)     ${stack.endpoints.sqs}`,
    ...playground.bannerLines,
    dataDir
      ? `  Data kept in     ${dataDir}   (sent mail is not kept; npm start -- --in-memory for a throw-away run)`
      : '  Data in memory only (--in-memory): everything is gone when the stack stops',
    `  ${plan.routes.length} routes, ${plan.tables.length} tables, ${plan.queues.length} queues (+ DLQs), ` +
      `${plan.streamConsumers.length} stream consumers, ${plan.queueConsumers.length} queue consumers, ${plan.schedules.length} schedules`,
    ...(unconfigured.length > 0
      ? [
          '',
          'Integrations not configured (their routes answer 503 until set in the environment or .env):',
          ...unconfigured,
        ]
      : []),
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`\nThe offline stack could not start:\n${(error as Error).message}\n`);
  process.exit(1);
});
