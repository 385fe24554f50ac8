import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFunction } from '../lib/bundle-function.js';
import { type FunctionSpec, topology } from '../lib/topology.js';
import type { FunctionBundle } from './suite.js';

/**
 * Bundles every function of the topology with the settings the stack
 * deploys with (lib/bundling.ts), so the sizes and init times the bench
 * prints are those of what runs on Lambda. A function whose entry does not
 * exist yet, or does not build, is reported with its problem instead of
 * stopping the run.
 *
 * @example
 * const bundles = await buildFunctionBundles(root, join(workDir, 'bundles'));
 */
const buildFunctionBundles = async (root: string, outDir: string): Promise<FunctionBundle[]> => {
  const functions: Readonly<Record<string, FunctionSpec>> = topology.functions;
  const bundles: FunctionBundle[] = [];
  for (const [name, spec] of Object.entries(functions)) {
    const entry = join(root, spec.entry);
    if (!existsSync(entry)) {
      bundles.push({ name, entry: spec.entry, problem: `entry ${spec.entry} does not exist yet` });
      continue;
    }
    // .mjs, as NodejsFunction names ESM output, so node loads it as a module.
    const file = join(outDir, name, 'index.mjs');
    try {
      await bundleFunction(entry, file);
      bundles.push({ name, entry: spec.entry, file, bytes: statSync(file).size });
    } catch (error) {
      const message = (error as { errors?: { text: string }[] }).errors?.[0]?.text ?? (error as Error).message;
      bundles.push({ name, entry: spec.entry, problem: `build failed: ${message}` });
    }
  }
  return bundles;
};

export { buildFunctionBundles };
