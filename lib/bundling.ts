/**
 * esbuild settings for every Lambda bundle, in one place: the CDK function
 * construct passes them to `NodejsFunction` and `bench/` builds with the same
 * ones, so the sizes the bench prints are the sizes that deploy.
 *
 * The AWS SDK v3 ships with the nodejs24.x runtime, so it stays external;
 * everything else (Powertools, middy, zod, standardwebhooks, our code) is
 * bundled and minified into one ESM file.
 */
export const bundlingDefaults = {
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  sourcemap: true,
  external: ['@aws-sdk/*'],
  // ESM bundles that still contain a CommonJS dependency need `require`.
  banner:
    "import { createRequire as __syncToolsCreateRequire } from 'module'; const require = __syncToolsCreateRequire(import.meta.url);",
  mainFields: ['module', 'main'],
} as const;
