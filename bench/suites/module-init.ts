import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { bundleFunction } from '../../lib/bundle-function.js';
import { bundlingDefaults } from '../../lib/bundling.js';
import { median } from '../statistics.js';
import { type BenchRow, type BenchSuite, BenchInterrupted } from '../suite.js';

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

/** How the AWS SDK reaches a function: left to the runtime's copy, or bundled into it by esbuild. */
type SdkMode = 'external' | 'bundled';

/** The mode `lib/bundling.ts` deploys (and the offline runtime runs): the one the 1.15x budget is held in. */
const deployedMode: SdkMode = bundlingDefaults.external.some((p) => p.startsWith('@aws-sdk')) ? 'external' : 'bundled';

const externalFor: Readonly<Record<SdkMode, readonly string[]>> = { external: ['@aws-sdk/*'], bundled: [] };

/**
 * What a bundle built with the SDK external imports from it, as esbuild
 * writes it: `import{SQSClient as a,SendMessageCommand as b}from"@aws-sdk/client-sqs"`.
 * Package name -> the names imported (`*` for a namespace import).
 */
const sdkImportsOf = (bundle: string): Map<string, Set<string>> => {
  const imports = new Map<string, Set<string>>();
  const code = readFileSync(bundle, 'utf8');
  for (const m of code.matchAll(/import\s*(?:\{([^}]*)\}|\*\s*as\s*[\w$]+)\s*from\s*"(@aws-sdk\/[^"]+)"/g)) {
    const pkg = m[2] as string;
    const names = imports.get(pkg) ?? new Set<string>();
    imports.set(pkg, names);
    if (m[1] === undefined) names.add('*');
    else for (const part of m[1].split(',')) names.add((part.trim().split(/\s+as\s+/)[0] ?? '').trim());
    names.delete('');
  }
  for (const m of code.matchAll(/import\(\s*"(@aws-sdk\/[^"]+)"\s*\)/g)) {
    const pkg = m[1] as string;
    imports.set(pkg, (imports.get(pkg) ?? new Set<string>()).add('*'));
  }
  return imports;
};

/** The `@aws-sdk/client-*` packages esbuild put into a bundle, from its metafile: the clients the function imports. */
const sdkClientsIn = (metafile: Metafile): string[] =>
  [
    ...new Set(
      Object.keys(metafile.inputs).flatMap((input) => {
        const m = /node_modules\/@aws-sdk\/(client-[^/]+)\//.exec(input);
        return m ? [m[1] as string] : [];
      }),
    ),
  ].sort();

/**
 * The floor of a function in each mode, from the same imports it makes.
 * External: a module importing those packages from node_modules (as the
 * runtime's copy loads). Bundled: those same named imports bundled by
 * esbuild with the deployed settings, so tree-shaking keeps what the
 * function keeps of the SDK and nothing of ours.
 */
const floorSources = (imports: Map<string, Set<string>>): { external: string; bundled: string } => {
  const pkgs = [...imports.keys()].sort();
  const external = pkgs.map((pkg) => `import '${pkg}';\n`).join('');
  const bundled = pkgs
    .map((pkg, i) => {
      const names = [...(imports.get(pkg) ?? [])].sort();
      const star = names.includes('*') ? `export * as sdk${i} from '${pkg}';\n` : '';
      const named = names.filter((n) => n !== '*');
      return `${star}${named.length > 0 ? `export { ${named.join(', ')} } from '${pkg}';\n` : ''}`;
    })
    .join('');
  return { external, bundled };
};

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
  // Ctrl-C reaches the child and the bench alike (one process group), but the bench's handler runs only
  // once this synchronous loop yields: stop now, as it would, instead of timing the hundreds of modules left.
  if (child.signal === 'SIGINT' || child.signal === 'SIGTERM') throw new BenchInterrupted(child.signal);
  const ms = Number.parseFloat(child.stdout);
  if (child.status === 0 && Number.isFinite(ms)) return { ms };
  const firstLine = (child.stderr || child.error?.message || `exit ${child.status}`).trim().split('\n')[0];
  return { error: firstLine ?? 'unknown failure' };
};

/** One module timed by the suite: a function bundle in one mode, a floor, or the empty module. */
interface Target {
  readonly name: string;
  readonly file: string;
}

/** A function built both ways, with the floor of each way. */
interface Measured {
  readonly name: string;
  readonly built: Readonly<Record<SdkMode, Target>>;
  /** The floor of the deployed mode, timed right after the function in every round; none without an SDK client. */
  readonly floor: Target | undefined;
  readonly packages: readonly string[];
  readonly clients: readonly string[];
  readonly bundledBytes: number;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

/**
 * Module init: how long `import()` of each bundle takes in a fresh node,
 * minus the same for an empty module, median of {@link RUNS} runs each.
 * Every function is built and timed both ways in the same run: with the AWS
 * SDK external (resolved from node_modules, as the runtime's copy would be)
 * and with the SDK bundled in (esbuild, tree-shaken, the deployed settings
 * otherwise). The ratio, the row's value, is taken in the mode
 * `lib/bundling.ts` deploys, against the floor of that mode, timed right
 * after the function in each round: the median of the rounds' ratios. The
 * note gives both modes' added init and the difference, which is what
 * decided the mode. Runs are interleaved (every module once per round) so a slow
 * moment of the machine spreads over all modules instead of skewing one.
 */
const moduleInitSuite: BenchSuite = {
  name: 'module-init',
  description: `Added init: import() of each bundle minus an empty module, fresh node, median of ${RUNS}; value = median per round of added init with the SDK ${deployedMode} (as deployed) / floor = ${deployedMode === 'bundled' ? 'a bundle of only the SDK imports the function makes' : 'import of its SDK clients from node_modules'} (budget ${MAX_SDK_RATIO}x; ${MAX_ADDED_MS} ms without SDK); note: SDK external vs bundled`,
  run: async (context) => {
    const dir = join(context.workDir, 'init');
    mkdirSync(dir, { recursive: true });
    const timer = join(dir, 'import-timer.mjs');
    const empty = join(dir, 'empty.mjs');
    writeFileSync(timer, TIMER);
    writeFileSync(empty, 'export {};\n');

    const bundles = await context.bundles();
    /** The floor of a function in the deployed mode: its SDK imports alone, as the function gets them. */
    const floorFor = async (name: string, imports: Map<string, Set<string>>): Promise<Target> => {
      const source = floorSources(imports)[deployedMode];
      const entry = join(dir, 'floors', name, 'entry.mjs');
      mkdirSync(join(dir, 'floors', name), { recursive: true });
      writeFileSync(entry, source);
      if (deployedMode === 'external') return { name: `${name} (SDK floor)`, file: entry };
      const file = join(dir, 'floors', name, 'index.mjs');
      await bundleFunction(entry, file, { external: externalFor.bundled });
      return { name: `${name} (SDK floor)`, file };
    };

    const measured: Measured[] = [];
    const problems = new Map<string, string>();
    for (const bundle of bundles) {
      if (!bundle.file) {
        problems.set(bundle.name, bundle.problem ?? 'not built');
        continue;
      }
      try {
        const external = { name: `${bundle.name} [external]`, file: join(dir, 'external', bundle.name, 'index.mjs') };
        const bundled = { name: `${bundle.name} [bundled]`, file: join(dir, 'bundled', bundle.name, 'index.mjs') };
        const entry = join(context.root, bundle.entry);
        await bundleFunction(entry, external.file, { external: externalFor.external });
        const metafile = await bundleFunction(entry, bundled.file, { external: externalFor.bundled });
        const imports = sdkImportsOf(external.file);
        const floor = imports.size === 0 ? undefined : await floorFor(bundle.name, imports);
        measured.push({
          name: bundle.name,
          built: { external, bundled },
          floor,
          packages: [...imports.keys()].sort(),
          clients: sdkClientsIn(metafile),
          bundledBytes: statSync(bundled.file).size,
        });
      } catch (error) {
        problems.set(bundle.name, `build failed: ${(error as Error).message.split('\n')[0]}`);
      }
    }

    const targets: Target[] = [
      { name: 'empty module', file: empty },
      // The deployed build, then its floor at once, so a slow moment of the machine hits both alike.
      ...measured.flatMap((m) => [
        m.built[deployedMode],
        ...(m.floor ? [m.floor] : []),
        m.built[deployedMode === 'bundled' ? 'external' : 'bundled'],
      ]),
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
      context.log(`module-init: round ${round + 1}/${RUNS} (${targets.length} modules)`);
    }

    const emptySamples = samples.get('empty module') ?? [];
    if (emptySamples.length === 0) throw new Error(`an empty module does not import: ${failures.get('empty module')}`);
    const emptyMs = median(emptySamples);
    /** Added init of a target over the empty module, or why there is none. */
    const addedOf = (target: Target): number | string => {
      const failure = failures.get(target.name);
      const values = samples.get(target.name) ?? [];
      if (failure !== undefined || values.length === 0) return failure ?? 'not measured';
      return median(values) - emptyMs;
    };

    const rows: BenchRow[] = [
      { name: 'empty module', value: emptyMs, unit: 'ms', baseline: true, note: 'import() of the baseline' },
    ];
    let bundledWins = 0;
    let compared = 0;
    for (const bundle of bundles) {
      const problem = problems.get(bundle.name);
      const m = measured.find((each) => each.name === bundle.name);
      if (problem !== undefined || !m) {
        rows.push({ name: bundle.name, value: undefined, unit: 'ms', note: problem ?? 'not measured' });
        continue;
      }
      const added = { external: addedOf(m.built.external), bundled: addedOf(m.built.bundled) };
      const own = added[deployedMode];
      if (typeof own === 'string') {
        rows.push({ name: bundle.name, value: undefined, unit: 'ms', note: `${deployedMode}: ${own}` });
        continue;
      }
      let modes: string;
      if (typeof added.external === 'number' && typeof added.bundled === 'number') {
        const saved = added.external - added.bundled;
        compared++;
        if (saved > 0) bundledWins++;
        modes = `external ${added.external.toFixed(1)} ms, bundled ${added.bundled.toFixed(1)} ms (${saved >= 0 ? '-' : '+'}${Math.abs(saved).toFixed(1)} ms, ${((-saved / added.external) * 100).toFixed(0)} %), ${kb(m.bundledBytes)} bundled`;
      } else {
        modes = `external ${String(added.external)}, bundled ${String(added.bundled)}`;
      }
      const floorMs = m.floor ? addedOf(m.floor) : undefined;
      if (floorMs === undefined || typeof floorMs === 'string' || floorMs <= 0) {
        rows.push({
          name: bundle.name,
          value: own,
          unit: 'ms',
          target: { max: MAX_ADDED_MS },
          note: `${modes}; ${m.floor ? `SDK floor not measured: ${String(floorMs)}` : 'no SDK client'}`,
        });
        continue;
      }
      // The ratio of each round (the function and its floor timed one after the other), then their median:
      // steadier on a shared machine than the ratio of two medians taken at different moments.
      const ownSamples = samples.get(m.built[deployedMode].name) ?? [];
      const floorSamples = m.floor ? (samples.get(m.floor.name) ?? []) : [];
      const paired =
        ownSamples.length === floorSamples.length
          ? ownSamples.flatMap((ms, round) => {
              const floorRound = (floorSamples[round] as number) - emptyMs;
              return floorRound > 0 ? [(ms - emptyMs) / floorRound] : [];
            })
          : [];
      const ratio = paired.length > 0 ? median(paired) : own / floorMs;
      // The row's value is the ratio itself, so the status column is the issue's target.
      rows.push({
        name: bundle.name,
        value: ratio,
        unit: 'x SDK',
        target: { max: MAX_SDK_RATIO },
        note: `${modes}; ${deployedMode} floor ${floorMs.toFixed(1)} ms, ours ${(own - floorMs).toFixed(1)} ms; clients ${m.clients.map((c) => c.replace('client-', '')).join(', ') || 'none'} (${m.packages.map((p) => p.replace('@aws-sdk/', '')).join(', ')})`,
      });
    }
    rows.push({
      name: 'SDK bundled faster',
      value: bundledWins,
      unit: `of ${compared}`,
      note: 'functions whose added init is lower with the SDK bundled than external, in this run',
    });
    return rows;
  },
};

export { moduleInitSuite };
