/**
 * `npm run redrive -- [--list] ...`: an alias of `npm run sync -- redrive
 * ...` (local/cli-dlq.ts), kept for old habits and scripts.
 */
import { runCli } from './cli-run.js';

process.exitCode = await runCli(process.argv.slice(2), { prog: 'npm run redrive --', under: ['redrive'] });
