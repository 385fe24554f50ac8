/**
 * The command table of `npm run sync`: every command a newcomer can type,
 * each with its help. Adding a command is adding an entry here (its help
 * is then tested with the others: test/unit/cli-spec.test.ts).
 */
import { bulkCommand } from './cli-bulk.js';
import { conflictsCommand } from './cli-conflicts.js';
import { dlqCommand, redriveCommand } from './cli-dlq.js';
import { eventsCommand, recordsCommand } from './cli-records.js';
import { sendCommand } from './cli-send.js';
import type { CommandSpec } from './cli-spec.js';

/**
 * The root of the table.
 *
 * @example
 * parseCommandLine(cliCommands, process.argv.slice(2), 'npm run sync --');
 */
const cliCommands: CommandSpec = {
  name: 'sync',
  summary: 'the sync-tools command line',
  description:
    'The sync-tools command line: send test webhooks, run bulk jobs, and look into records, sync events,\nconflicts and dead-letter queues of a running stack (`npm start`, or any SYNC_TOOLS_URL).\n`help <command>` or `<command> --help` explains each one.',
  examples: ['records list contact', 'help records list'],
  env: ['SYNC_TOOLS_URL', 'PORT', 'ADMIN_TOKEN'],
  commands: [sendCommand, bulkCommand, recordsCommand, eventsCommand, conflictsCommand, dlqCommand, redriveCommand],
};

export { cliCommands };
