/**
 * `npm run sync -- <command> ...`: the one command line of sync-tools
 * (send, bulk, records, events, conflicts, dlq, redrive). `npm run sync --
 * --help` lists the commands; `help <command>` explains one. The command
 * table is local/cli-commands.ts.
 */
import { runCli } from './cli-run.js';

process.exitCode = await runCli(process.argv.slice(2));
