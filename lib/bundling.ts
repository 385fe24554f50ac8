import { fileURLToPath } from 'node:url';

/**
 * esbuild settings for every Lambda bundle, in one place: the CDK function
 * construct passes them to `NodejsFunction` and `bench/` builds with the same
 * ones, so the sizes the bench prints are the sizes that deploy.
 *
 * Everything, the AWS SDK v3 included, is bundled, tree-shaken and minified
 * into one ESM file. The SDK also ships with the nodejs24.x runtime, but
 * the choice is made by init time, not bundle size (issue 15; `npm run
 * bench -- module-init` times both ways in one run): with the SDK bundled,
 * every one of the 26 functions that use it started faster in each of four
 * fresh-clone runs on 2026-12-04, by 9 to 26 ms (dispatcher 69 -> 45 ms,
 * admin 65 -> 43 ms, adminAuthorizer 39 -> 30 ms). The price is 343 to
 * 566 KB a bundle instead of at most 250 KB. A bundled SDK is also the
 * version the tests ran, not whichever the runtime carries.
 */
const shim = (name: string): string => fileURLToPath(new URL(`./builtin-shims/${name}.cjs`, import.meta.url));

export const bundlingDefaults = {
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  sourcemap: true,
  // Nothing left to the runtime: see above. (`['@aws-sdk/*']` would use the runtime's SDK.)
  external: [] as readonly string[],
  // ESM bundles that still contain a CommonJS dependency need `require`.
  banner:
    "import { createRequire as __syncToolsCreateRequire } from 'module'; const require = __syncToolsCreateRequire(import.meta.url);",
  mainFields: ['module', 'main'],
  /**
   * `node:http` and `node:https` come from `process.getBuiltinModule`, not an
   * ESM import. An ESM import of a builtin reads every export of its
   * namespace, and one of `node:http`'s is a getter that loads undici (the
   * fetch and WebSocket engine, which nothing here uses): about 14 ms of
   * every cold start, measured with `node --cpu-prof` on the dispatcher
   * (`npm run bench -- module-init` shows the whole saving). Keyed with and
   * without the `node:` prefix, as packages import either.
   */
  alias: {
    'node:http': shim('http'),
    http: shim('http'),
    'node:https': shim('https'),
    https: shim('https'),
  } as Readonly<Record<string, string>>,
} as const;
