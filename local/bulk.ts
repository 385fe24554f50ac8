/**
 * `npm run bulk -- <command> ...`: an alias of `npm run sync -- bulk ...`
 * (local/cli-bulk.ts), kept for old habits and scripts.
 */
import { runCli } from './cli-run.js';

process.exitCode = await runCli(process.argv.slice(2), { prog: 'npm run bulk --', under: ['bulk'] });
