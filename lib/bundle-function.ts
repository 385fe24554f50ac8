import { build, type Metafile } from 'esbuild';
import { bundlingDefaults } from './bundling.js';

/** What a caller may change from the deployed settings: only which packages stay external. */
interface BundleOverrides {
  /**
   * Packages left to the runtime instead of bundled. Default: the deployed
   * `bundlingDefaults.external`. The bench builds each function both ways
   * (`[]` and `['@aws-sdk/*']`) to weigh bundling the SDK by init time.
   */
  readonly external?: readonly string[];
}

/**
 * Bundles one Lambda entry with esbuild and the settings the stack deploys
 * with (`bundling.ts`), for the two places that build outside CDK: the
 * offline runtime's execution environments (`local/function-bundles.ts`)
 * and the bench (`bench/function-bundles.ts`). One call, so what runs
 * offline, what the bench measures and what deploys cannot drift apart.
 * Resolves with esbuild's metafile (which inputs went into the bundle: the
 * bench reads the `@aws-sdk/client-*` packages of each function from it).
 * Rejects with esbuild's error when the entry does not build.
 *
 * @example
 * await bundleFunction('/repo/functions/platform/health/handler.ts', '/tmp/health/index.mjs');
 */
const bundleFunction = async (
  entryPath: string,
  outfile: string,
  overrides: BundleOverrides = {},
): Promise<Metafile> => {
  const result = await build({
    entryPoints: [entryPath],
    outfile,
    bundle: true,
    format: bundlingDefaults.format,
    platform: bundlingDefaults.platform,
    target: bundlingDefaults.target,
    minify: bundlingDefaults.minify,
    sourcemap: bundlingDefaults.sourcemap,
    // As the stack deploys (lib/constructs/sync-function.ts): mappings for stack traces, without
    // the sources, so the map node reads at load under --enable-source-maps is the deployed one.
    sourcesContent: false,
    external: [...(overrides.external ?? bundlingDefaults.external)],
    mainFields: [...bundlingDefaults.mainFields],
    alias: { ...bundlingDefaults.alias },
    // NodejsFunction's `banner` is the JavaScript banner; esbuild's API takes it per language.
    banner: { js: bundlingDefaults.banner },
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
};

export type { BundleOverrides };
export { bundleFunction };
