import type { BenchRow, BenchSuite } from '../suite.js';

/** The budget of issue 2: cold starts grow with bundle size more than with anything else. */
const MAX_KB = 250;

/**
 * The minified size of every function's bundle (the JavaScript only; the
 * source map is uploaded beside it but not loaded unless an error is mapped).
 */
const bundleSizeSuite: BenchSuite = {
  name: 'bundle-size',
  description: `Minified bundle of each function, built with lib/bundling.ts (budget ${MAX_KB} KB)`,
  run: async (context) => {
    const bundles = await context.bundles();
    return bundles.map(
      (bundle): BenchRow => ({
        name: bundle.name,
        value: bundle.bytes === undefined ? undefined : bundle.bytes / 1024,
        unit: 'KB',
        target: { max: MAX_KB },
        ...(bundle.problem === undefined ? {} : { note: bundle.problem }),
      }),
    );
  },
};

export { bundleSizeSuite };
