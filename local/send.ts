/**
 * `npm run send -- <target> ...`: an alias of `npm run sync -- send ...`
 * (local/cli-send.ts), kept for old habits and scripts.
 */
import { runCli } from './cli-run.js';

process.exitCode = await runCli(process.argv.slice(2), { prog: 'npm run send --', under: ['send'] });
