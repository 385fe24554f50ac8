import { execFileSync } from 'node:child_process';
import { fragments } from '../../lib/topology.js';
import { buildOpenApiDocument } from './build-document.js';
import { routeDocs } from './route-docs.js';

/** Where the generated description is checked in, from the repository root. */
const OPENAPI_FILE = 'docs/openapi.json';

/**
 * The text of {@link OPENAPI_FILE} as it should be now: every fragment's
 * routes, tagged with the fragment, documented by the route docs. Shared by
 * `npm run openapi` (which writes it, formatted as Biome formats JSON) and the test that refuses a stale file.
 *
 * @example
 * writeFileSync(OPENAPI_FILE, renderOpenApi());
 */
const renderOpenApi = (): string => {
  const routes = fragments.flatMap((fragment) =>
    (fragment.routes ?? []).map((route) => ({ ...route, tag: fragment.name })),
  );
  const text = JSON.stringify(buildOpenApiDocument(routes, routeDocs), null, 2);
  // Through Biome's own formatter, so `npm run lint` (biome check .) accepts the checked-in file as written.
  return execFileSync('node_modules/.bin/biome', ['format', `--stdin-file-path=${OPENAPI_FILE}`], {
    input: text,
    encoding: 'utf8',
  });
};

export { renderOpenApi, OPENAPI_FILE };
