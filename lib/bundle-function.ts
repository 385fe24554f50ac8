import { build } from 'esbuild';
import { bundlingDefaults } from './bundling.js';

/**
 * Bundles one Lambda entry with esbuild and the settings the stack deploys
 * with (`bundling.ts`), for the two places that build outside CDK: the
 * offline runtime's execution environments (`local/function-bundles.ts`)
 * and the bench (`bench/function-bundles.ts`). One call, so what runs
 * offline, what the bench measures and what deploys cannot drift apart.
 * Rejects with esbuild's error when the entry does not build.
 *
 * @example
 * await bundleFunction('/repo/functions/platform/health/handler.ts', '/tmp/health/index.mjs');
 */
const bundleFunction = async (entryPath: string, outfile: string): Promise<void> => {
  await build({
    entryPoints: [entryPath],
    outfile,
    bundle: true,
    format: bundlingDefaults.format,
    platform: bundlingDefaults.platform,
    target: bundlingDefaults.target,
    minify: bundlingDefaults.minify,
    sourcemap: bundlingDefaults.sourcemap,
    external: [...bundlingDefaults.external],
    mainFields: [...bundlingDefaults.mainFields],
    // NodejsFunction's `banner` is the JavaScript banner; esbuild's API takes it per language.
    banner: { js: bundlingDefaults.banner },
    logLevel: 'silent',
  });
};

export { bundleFunction };
