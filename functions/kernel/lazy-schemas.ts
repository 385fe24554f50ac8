/**
 * An object of schemas built on first read and kept. Building zod schemas
 * (objects, checks, regexes) at import is most of what our own code adds to a
 * cold start (issue 15), and a bundle usually reads a few of a table's
 * schemas: reading `table.name` builds that one the first time only. Reads
 * as a plain object, so callers index it as before (`payloads[entity]`).
 *
 * @example
 * const payloads = lazySchemas({ order: () => z.object({ id: z.string() }) });
 * z.parse(payloads.order, { id: 'A-1' }); // built here, once
 */
const lazySchemas = <T extends Record<string, () => unknown>>(
  builders: T,
): { readonly [K in keyof T]: ReturnType<T[K]> } =>
  Object.defineProperties(
    {},
    Object.fromEntries(
      Object.entries(builders).map(([name, build]) => {
        let built: unknown;
        let done = false;
        const get = () => {
          if (!done) {
            built = build();
            done = true;
          }
          return built;
        };
        return [name, { enumerable: true, get }];
      }),
    ),
  ) as { readonly [K in keyof T]: ReturnType<T[K]> };

export { lazySchemas };
