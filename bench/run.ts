/**
 * `npm run bench [-- name ...]`: runs the bench suites (all, or those whose
 * name contains one of the arguments), prints one table per suite and writes
 * every row to .bench/results.json (gitignored) for comparing runs.
 *
 * Budgets are shown, not enforced: the exit code is non-zero only when a
 * suite fails to run.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Before any function code loads: the logger and metrics read these once.
// Quiet, so the handlers measured do not spend the run writing logs.
process.env.LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_REGION ??= 'us-east-1';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { suites } = await import('./suites.js');
const { startBenchEngines } = await import('./engines.js');
const { buildFunctionBundles } = await import('./function-bundles.js');
const { formatReport, reportRows } = await import('./report.js');
const { COST_SUITES, pathUsages } = await import('./cost-usage.js');
const { costRows, formatCostTable } = await import('./cost.js');
const { usPrices } = await import('./prices.js');
const { BenchInterrupted } = await import('./suite.js');
type SuiteResult = import('./report.js').SuiteResult;
type FunctionBundle = import('./suite.js').FunctionBundle;
type BenchEngines = import('./engines.js').BenchEngines;

const filters = process.argv.slice(2);
if (filters.some((arg) => arg === '--help' || arg === '-h')) {
  process.stdout.write(
    'usage: npm run bench [-- <suite> ...]\n\n' +
      'Runs the bench suites (all, or those whose name contains an argument) and prints one table per suite,\n' +
      'each measurement as a ratio against a baseline taken in the same run; every row goes to .bench/results.json.\n\n' +
      `suites: ${suites.map((s) => s.name).join(', ')}\n` +
      `cost: the table of US dollars per million changes, printed last; \`-- cost\` runs only the suites it reads (${COST_SUITES.join(', ')})\n\n` +
      'example:\n  npm run bench -- bulk\n',
  );
  process.exit(0);
}
// `cost` names no suite: it asks for the cost table, and so for the suites it reads (bench/cost-usage.ts).
const wantsCost = filters.length === 0 || filters.includes('cost');
const nameFilters = filters.flatMap((f) => (f === 'cost' ? COST_SUITES : [f]));
const selected = filters.length === 0 ? suites : suites.filter((s) => nameFilters.some((f) => s.name.includes(f)));
if (selected.length === 0) {
  console.error(`no suite matches ${filters.join(', ')}; suites: ${suites.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const benchDir = join(root, '.bench');
mkdirSync(benchDir, { recursive: true });
const workDir = mkdtempSync(join(benchDir, 'run-'));

// Engines are started per suite, fresh: DynamoDB Local slows down as earlier suites fill it
// (a CRM suite run after the inventory ones measured bare PutItem at a quarter of its fresh rate).
let engines: BenchEngines | undefined;
// Ctrl-C or SIGTERM skips the `finally` below: stop the engines here, so no java is left behind.
const stopAndExit = (signal: 'SIGINT' | 'SIGTERM'): Promise<never> => {
  log(`${signal}: stopping the engines`);
  return (engines?.stop() ?? Promise.resolve()).finally(() => {
    rmSync(workDir, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }) as Promise<never>;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAndExit(signal));

let built: Promise<FunctionBundle[]> | undefined;
const bundles = () => {
  built ??= buildFunctionBundles(root, join(workDir, 'bundles'));
  return built;
};

const startedAt = new Date().toISOString();
const results: SuiteResult[] = [];
try {
  for (const suite of selected) {
    engines = await startBenchEngines(suite.needs ?? [], log);
    try {
      const missing = (suite.needs ?? []).filter((engine) => !engines?.endpoints[engine]);
      if (missing.length > 0) {
        results.push({
          name: suite.name,
          description: suite.description,
          rows: [],
          skipped: `needs ${missing.join(', ')}: ${engines.unavailable ?? 'not started'}`,
        });
        continue;
      }
      log(`${suite.name}: running`);
      const rows = await suite.run({ root, workDir, engines: engines.endpoints, bundles, log });
      results.push({ name: suite.name, description: suite.description, rows: reportRows(rows) });
    } catch (error) {
      if (error instanceof BenchInterrupted) await stopAndExit(error.signal);
      results.push({ name: suite.name, description: suite.description, rows: [], error: (error as Error).message });
    } finally {
      await engines.stop();
      engines = undefined;
    }
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const machine = {
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
};
process.stdout.write(
  `\nsync-tools bench, ${startedAt}, node ${machine.node}, ${machine.cores} cores (${machine.cpu})\n\n`,
);
process.stdout.write(formatReport(results));
// Last, as it reads the other suites' rows: dollars per million changes, from this run's measurements.
const cost = wantsCost ? costRows(pathUsages(results), usPrices) : undefined;
if (cost) process.stdout.write(`\n${formatCostTable(cost, usPrices)}`);
const resultsFile = join(benchDir, 'results.json');
writeFileSync(
  resultsFile,
  `${JSON.stringify({ startedAt, machine, suites: results, ...(cost ? { cost, prices: usPrices } : {}) }, null, 2)}\n`,
);
process.stdout.write(`\nresults written to ${resultsFile}\n`);
if (results.some((result) => result.error)) process.exitCode = 1;
