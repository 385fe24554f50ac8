import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundlingDefaults } from '../../lib/bundling.js';
import { topology } from '../../lib/topology.js';
import { serviceName } from '../../functions/kernel/wiring/service-name.js';
import { MEMORY_BENCH_SECRETS, representativeEvent } from '../memory-events.js';
import { lambdaWarmEstimateMs, recommendMemory } from '../memory-rule.js';
import { median } from '../statistics.js';
import type { BenchRow, BenchSuite, FunctionBundle } from '../suite.js';

/** Warm invocations after the cold one; the duration is their median. */
const WARM_RUNS = 10;
/** A function's process that has not answered by then is reported as such, not waited for. */
const PROCESS_TIMEOUT_MS = 30_000;
const MB = 1024 * 1024;

/**
 * Run in a fresh `node` per function, as a Lambda environment: imports the
 * bundle (init), invokes the handler once cold and WARM_RUNS times warm with
 * the events it is given, and prints peak RSS (the kernel's high-water
 * mark, so no peak between samples is missed: `VmHWM` of /proc/self/status
 * on Linux), the heap used after the last invocation, and the timings.
 * Exits at once, so a socket the SDK keeps alive does not hold the bench up.
 */
const MEASURE = `import { readFileSync } from 'node:fs';
// Not resourceUsage().maxRSS on Linux: the kernel carries the high-water mark over exec, so a child
// spawned by the bench (100 MB and more after a few suites) reported the bench's own RSS as its peak.
// VmHWM belongs to this process image alone. Without /proc (macOS), maxRSS is what there is.
const peakKb = () => {
  try {
    const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
};
const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const started = performance.now();
const module = await import(input.bundleUrl);
const initMs = performance.now() - started;
const afterInitKb = peakKb();
const context = () => {
  const deadline = Date.now() + input.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true, functionName: input.functionName, functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:' + input.functionName,
    memoryLimitInMB: String(input.memoryMb), awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/' + input.functionName, logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {}, fail() {}, succeed() {},
  };
};
const outcome = (value) => {
  if (value && typeof value === 'object') {
    if ('statusCode' in value) return 'HTTP ' + value.statusCode;
    if (Array.isArray(value.batchItemFailures)) return value.batchItemFailures.length + ' batch item failures';
    if ('isAuthorized' in value) return 'isAuthorized ' + value.isAuthorized;
  }
  return value === undefined ? 'ok' : 'ok (' + typeof value + ')';
};
const runs = [];
for (const event of input.events) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let result;
  try { result = outcome(await module.handler(event, context())); }
  catch (error) { result = 'threw ' + (error?.name ?? 'Error') + ': ' + String(error?.message ?? error).split('\\n')[0].slice(0, 80); }
  const spent = process.cpuUsage(cpu);
  runs.push({ ms: performance.now() - start, cpuMs: (spent.user + spent.system) / 1000, result });
}
const answer = { initMs, afterInitKb, peakKb: peakKb(), heapUsed: process.memoryUsage().heapUsed, runs };
process.stdout.write(JSON.stringify(answer), () => process.exit(0));
`;

interface Measured {
  readonly initMs: number;
  readonly afterInitKb: number;
  readonly peakKb: number;
  readonly heapUsed: number;
  readonly runs: readonly { readonly ms: number; readonly cpuMs: number; readonly result: string }[];
}

/**
 * Deployed functions run with `--enable-source-maps` when bundles carry
 * maps (lib/constructs/sync-function.ts); node then holds the map in memory,
 * which is part of what the function needs.
 */
const nodeOptions = bundlingDefaults.sourcemap ? '--enable-source-maps' : '';

/** The environment of one function's process: the bench engines' variables, Lambda's, and the bench's credentials. */
const functionEnvironment = (name: string, memoryMb: number, extra: Readonly<Record<string, string>>) => {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[0] !== 'NODE_OPTIONS',
    ),
  );
  return {
    ...inherited,
    ...MEMORY_BENCH_SECRETS,
    ...extra,
    NODE_OPTIONS: nodeOptions,
    LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    POWERTOOLS_SERVICE_NAME: serviceName(name),
  };
};

const runNode = (args: readonly string[], env: NodeJS.ProcessEnv): Promise<Measured> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(stderr.trim().split('\n')[0] || `exit ${code}`);
        resolve(JSON.parse(stdout) as Measured);
      } catch (error) {
        reject(error);
      }
    });
  });

/** Answers 200 `{}` to every request: the CRM and ERP the dispatcher delivers to. */
const startFakeApi = async (): Promise<Server> => {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};

const summarise = (results: readonly string[]): string => {
  const counts = new Map<string, number>();
  for (const result of results) counts.set(result, (counts.get(result) ?? 0) + 1);
  return [...counts].map(([result, count]) => (count > 1 ? `${count}x ${result}` : result)).join(', ');
};

/**
 * Memory: every function of the topology run from its bundle in a fresh
 * node with a representative event (bench/memory-events.ts) against the
 * bench engines: peak RSS, heap after, init, warm duration (median of
 * WARM_RUNS) and its CPU share, and the setting the rule of
 * bench/memory-rule.ts recommends (1.5x peak plus the Node baseline, an
 * empty node measured in the same run; CPU-bound functions keep their CPU).
 * Two rows per function: peak RSS against the configured memory as its
 * budget, and the recommended setting with the reasoning in its note.
 */
const memorySuite: BenchSuite = {
  name: 'memory',
  description: `Peak RSS of each function (fresh node, bundle, 1 cold + ${WARM_RUNS} warm representative invocations) and the memory setting it justifies`,
  needs: ['dynamodb', 'sqs', 'ses'],
  run: async (context) => {
    const dir = join(context.workDir, 'memory');
    mkdirSync(dir, { recursive: true });
    const measure = join(dir, 'measure.mjs');
    writeFileSync(measure, MEASURE);
    const empty = join(dir, 'empty.mjs');
    writeFileSync(empty, 'export const handler = async () => undefined;\n');

    const api = await startFakeApi();
    const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const extra = { CRM_API_URL: apiUrl, CRM_API_KEY: 'bench', ERP_API_URL: apiUrl, ERP_API_KEY: 'bench' };
    const rows: BenchRow[] = [];
    const table: string[] = [
      '| Function | Configured | Peak RSS | Headroom | Init | Warm (CPU) | Est. warm on Lambda, configured / recommended | Recommended | Why |',
      '| --- | --: | --: | --: | --: | --: | --: | --: | --- |',
    ];
    try {
      const measureOne = (name: string, file: string, memoryMb: number, timeoutSeconds: number, events: unknown[]) => {
        const inputFile = join(dir, `${name}.json`);
        writeFileSync(
          inputFile,
          JSON.stringify({ bundleUrl: pathToFileURL(file).href, functionName: name, memoryMb, timeoutSeconds, events }),
        );
        return runNode([measure, inputFile], functionEnvironment(name, memoryMb, extra));
      };

      const baseline = await measureOne('empty', empty, 128, 3, [{}]);
      const baselineMb = baseline.peakKb / 1024;
      rows.push({
        name: 'empty node (runtime baseline)',
        value: baselineMb,
        unit: 'MB',
        baseline: true,
        note: 'peak RSS of a node running an empty handler once; added to every recommendation',
      });

      const bundles: readonly FunctionBundle[] = await context.bundles();
      for (const bundle of bundles) {
        const spec = topology.functions[bundle.name];
        if (!spec) continue;
        if (!bundle.file) {
          rows.push({
            name: `${bundle.name} peak RSS`,
            value: undefined,
            unit: 'MB',
            note: bundle.problem ?? 'no bundle',
          });
          continue;
        }
        const event = representativeEvent(topology, bundle.name);
        const events = Array.from({ length: WARM_RUNS + 1 }, (_, i) => event.make(i));
        let measured: Measured;
        try {
          measured = await measureOne(bundle.name, bundle.file, spec.memoryMb, spec.timeoutSeconds, events);
        } catch (error) {
          rows.push({ name: `${bundle.name} peak RSS`, value: undefined, unit: 'MB', note: (error as Error).message });
          continue;
        }
        const warm = measured.runs.slice(1);
        const warmMs = median(warm.map((run) => run.ms));
        const warmCpuMs = median(warm.map((run) => run.cpuMs));
        const peakRssMb = measured.peakKb / 1024;
        const advice = recommendMemory({
          configuredMb: spec.memoryMb,
          peakRssMb,
          runtimeBaselineMb: baselineMb,
          warmMs,
          warmCpuMs,
        });
        rows.push({
          name: `${bundle.name} peak RSS`,
          value: peakRssMb,
          unit: 'MB',
          target: { max: spec.memoryMb },
          note:
            `configured ${spec.memoryMb} MB, headroom ${advice.headroomMb} MB; after init ${(measured.afterInitKb / 1024).toFixed(0)} MB, ` +
            `heap after ${(measured.heapUsed / MB).toFixed(1)} MB; init ${measured.initMs.toFixed(0)} ms, ` +
            `cold ${measured.runs[0]?.ms.toFixed(0)} ms, warm ${warmMs.toFixed(1)} ms (CPU ${warmCpuMs.toFixed(1)} ms); ` +
            `${event.kind}: ${summarise(measured.runs.map((run) => run.result))}`,
        });
        const atConfigured = lambdaWarmEstimateMs({ warmMs, warmCpuMs }, spec.memoryMb);
        const atRecommended = lambdaWarmEstimateMs({ warmMs, warmCpuMs }, advice.recommendedMb);
        table.push(
          `| ${bundle.name} | ${spec.memoryMb} MB | ${peakRssMb.toFixed(0)} MB | ${advice.headroomMb} MB | ` +
            `${measured.initMs.toFixed(0)} ms | ${warmMs.toFixed(1)} ms (${warmCpuMs.toFixed(1)}) | ` +
            `${atConfigured.toFixed(0)} / ${atRecommended.toFixed(0)} ms | ${advice.recommendedMb} MB | ${advice.reason} |`,
        );
        rows.push({
          name: `${bundle.name} recommended`,
          value: advice.recommendedMb,
          unit: 'MB',
          note:
            `${advice.reason} (1.5 x ${peakRssMb.toFixed(0)} + ${baselineMb.toFixed(0)} = ${advice.floorMb} MB); ` +
            `warm on Lambda about ${atConfigured.toFixed(0)} ms at ${spec.memoryMb} MB, ${atRecommended.toFixed(0)} ms at ${advice.recommendedMb} MB`,
        });
        context.log(`memory: ${bundle.name} peak ${peakRssMb.toFixed(0)} MB, recommended ${advice.recommendedMb} MB`);
      }
    } finally {
      await new Promise<void>((resolve) => api.close(() => resolve()));
    }
    // The same numbers as one Markdown table, for the README's Budgets section.
    const tableFile = join(context.root, '.bench', 'memory.md');
    writeFileSync(tableFile, `${table.join('\n')}\n`);
    context.log(`memory: table written to ${tableFile}`);
    return rows;
  },
};

export { memorySuite };
