import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundlingDefaults } from '../../lib/bundling.js';
import { median } from '../statistics.js';
import type { BenchRow, BenchSuite } from '../suite.js';

/** Budget of issue 2 for the init a bundle adds to a cold start, on this machine: kept for functions without an SDK client. */
const MAX_ADDED_MS = 80;
/**
 * Budget of issue 15: a bundle's added init at most this multiple of the
 * import of the SDK clients it uses, measured in the same run. A ratio holds
 * on a slow machine and a fast one alike, where milliseconds do not: our own
 * code and libraries stay within 15 % of the floor the SDK sets.
 */
const MAX_SDK_RATIO = 1.15;
const RUNS = 20;

/**
 * Run in a fresh `node` each time: times the `import()` of one module and
 * prints the milliseconds. Exits at once, so a module that leaves a timer or
 * socket open does not hold the bench up.
 */
const TIMER = `const target = process.argv[2];
const start = performance.now();
await import(target);
const ms = performance.now() - start;
process.stdout.write(String(ms), () => process.exit(0));
`;

/**
 * Deployed functions run with `NODE_OPTIONS=--enable-source-maps` when
 * bundles carry source maps (lib/constructs/sync-function.ts), which makes
 * node read the map as the bundle loads: measure under the same option.
 */
const nodeOptions = bundlingDefaults.sourcemap ? '--enable-source-maps' : '';

type Sample = { readonly ms: number } | { readonly error: string };

/**
 * The AWS SDK packages a bundle leaves external (they ship with the Lambda
 * runtime), as esbuild writes their imports: `from"@aws-sdk/client-sqs"`.
 */
const sdkImportsOf = (bundle: string): string[] => [
  ...new Set(
    [...readFileSync(bundle, 'utf8').matchAll(/(?:from\s*|import\(\s*)"(@aws-sdk\/[^"]+)"/g)].map(
      (m) => m[1] as string,
    ),
  ),
];

const timeImport = (timer: string, module: string): Sample => {
  const child = spawnSync(process.execPath, [timer, pathToFileURL(module).href], {
    encoding: 'utf8',
    timeout: 30_000,
    // A clean environment as on Lambda: no tsx loader inherited from the bench's own NODE_OPTIONS.
    env: {
      PATH: process.env.PATH,
      NODE_OPTIONS: nodeOptions,
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  });
  const ms = Number.parseFloat(child.stdout);
  if (child.status === 0 && Number.isFinite(ms)) return { ms };
  const firstLine = (child.stderr || child.error?.message || `exit ${child.status}`).trim().split('\n')[0];
  return { error: firstLine ?? 'unknown failure' };
};

/**
 * Module init: how long `import()` of each bundle takes in a fresh node,
 * minus the same for an empty module, median of {@link RUNS} runs each.
 * Runs are interleaved (every module once per round) so a slow moment of the
 * machine spreads over all modules instead of skewing one.
 */
const moduleInitSuite: BenchSuite = {
  name: 'module-init',
  description: `Added init: import() of each bundle minus an empty module, fresh node, median of ${RUNS}; value = added init / import of the SDK clients it uses (budget ${MAX_SDK_RATIO}x; ${MAX_ADDED_MS} ms without SDK)`,
  run: async (context) => {
    const dir = join(context.workDir, 'init');
    mkdirSync(dir, { recursive: true });
    const timer = join(dir, 'import-timer.mjs');
    const empty = join(dir, 'empty.mjs');
    writeFileSync(timer, TIMER);
    writeFileSync(empty, 'export {};\n');

    const bundles = await context.bundles();
    // Beside each bundle, a module importing only the SDK clients it uses: how much of the init is the SDK's.
    const sdkOnly = (name: string): string => `${name} (SDK only)`;
    const sdkTargets = bundles.flatMap((bundle) => {
      if (!bundle.file) return [];
      const packages = sdkImportsOf(bundle.file);
      if (packages.length === 0) return [];
      const file = join(dir, `sdk-${bundle.name}.mjs`);
      writeFileSync(file, packages.map((pkg) => `import '${pkg}';\n`).join(''));
      return [{ name: sdkOnly(bundle.name), file, packages }];
    });
    const targets = [
      { name: 'empty module', file: empty },
      ...bundles.flatMap((bundle) => (bundle.file ? [{ name: bundle.name, file: bundle.file }] : [])),
      ...sdkTargets,
    ];
    const samples = new Map<string, number[]>(targets.map((target) => [target.name, []]));
    const failures = new Map<string, string>();
    for (let round = 0; round < RUNS; round++) {
      for (const target of targets) {
        if (failures.has(target.name)) continue;
        const sample = timeImport(timer, target.file);
        if ('error' in sample) failures.set(target.name, sample.error);
        else samples.get(target.name)?.push(sample.ms);
      }
      context.log(`module-init: round ${round + 1}/${RUNS}`);
    }

    const emptySamples = samples.get('empty module') ?? [];
    if (emptySamples.length === 0) throw new Error(`an empty module does not import: ${failures.get('empty module')}`);
    const emptyMs = median(emptySamples);
    const rows: BenchRow[] = [
      { name: 'empty module', value: emptyMs, unit: 'ms', baseline: true, note: 'import() of the baseline' },
    ];
    for (const bundle of bundles) {
      const failure = failures.get(bundle.name) ?? bundle.problem;
      const measured = samples.get(bundle.name) ?? [];
      if (failure !== undefined || measured.length === 0) {
        rows.push({ name: bundle.name, value: undefined, unit: 'ms', note: failure ?? 'not measured' });
        continue;
      }
      const importMs = median(measured);
      const sdk = sdkTargets.find((target) => target.name === sdkOnly(bundle.name));
      const sdkSamples = sdk ? (samples.get(sdk.name) ?? []) : [];
      const sdkMs = sdkSamples.length > 0 ? median(sdkSamples) - emptyMs : undefined;
      const addedMs = importMs - emptyMs;
      if (!sdk || sdkMs === undefined || sdkMs <= 0) {
        rows.push({
          name: bundle.name,
          value: addedMs,
          unit: 'ms',
          target: { max: MAX_ADDED_MS },
          note: sdk
            ? `import ${importMs.toFixed(1)} ms; SDK clients not measured`
            : `import ${importMs.toFixed(1)} ms; no SDK client`,
        });
        continue;
      }
      // The row's value is the ratio itself, so the status column is the target.
      rows.push({
        name: bundle.name,
        value: addedMs / sdkMs,
        unit: 'x SDK',
        target: { max: MAX_SDK_RATIO },
        note: `added ${addedMs.toFixed(1)} ms, SDK floor ${sdkMs.toFixed(1)} ms (${sdk.packages.map((p) => p.replace('@aws-sdk/', '')).join(', ')}), ours ${(addedMs - sdkMs).toFixed(1)} ms`,
      });
    }
    return rows;
  },
};

export { moduleInitSuite };
