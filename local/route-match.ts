/**
 * API Gateway HTTP API route selection: a literal segment matches itself,
 * `{name}` matches one segment, `{name+}` (greedy, last only) matches one or
 * more. When several routes match, the most specific wins: a literal beats
 * a variable beats a greedy variable, compared from the left, as API Gateway
 * documents ("the most-specific match"). A path that matches only under
 * another method is still a 404, as HTTP APIs answer (no 405).
 */

interface RouteLike {
  readonly method: string;
  readonly path: string;
}

interface RouteMatch<R extends RouteLike> {
  readonly route: R;
  readonly pathParameters: Readonly<Record<string, string>>;
}

type Segment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

const splitPath = (path: string): string[] => path.split('/').slice(1);

const compile = (path: string): Segment[] =>
  splitPath(path).map((part, index, all) => {
    const variable = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
    if (!variable) return { kind: 'literal', value: part };
    const name = variable[1] as string;
    if (variable[2] !== '+') return { kind: 'variable', name };
    if (index !== all.length - 1)
      throw new Error(`Greedy path variable {${name}+} must be the last segment of ${path}`);
    return { kind: 'greedy', name };
  });

/** API Gateway hands handlers decoded path parameters. */
const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

const matchSegments = (segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = parts.slice(index);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      params[segment.name] = decode(rest.join('/'));
      return params;
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = decode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
};

const RANK = { literal: 0, variable: 1, greedy: 2 } as const;

/** Negative when `a` is more specific than `b`. */
const bySpecificity = (a: readonly Segment[], b: readonly Segment[]): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = RANK[(a[i] as Segment).kind] - RANK[(b[i] as Segment).kind];
    if (diff !== 0) return diff;
  }
  return b.length - a.length;
};

/**
 * Builds a matcher over a set of routes; compile once, match per request.
 *
 * @example
 * const match = createRouteMatcher([{ method: 'GET', path: '/admin/records/{type}/{id}' }]);
 * match('GET', '/admin/records/contact/42')?.pathParameters; // { type: 'contact', id: '42' }
 */
const createRouteMatcher = <R extends RouteLike>(routes: readonly R[]) => {
  const compiled = routes.map((route) => ({ route, segments: compile(route.path) }));
  return (method: string, rawPath: string): RouteMatch<R> | undefined => {
    const parts = splitPath(rawPath);
    const candidates = compiled
      .filter((c) => c.route.method === method.toUpperCase())
      .map((c) => ({ ...c, params: matchSegments(c.segments, parts) }))
      .filter((c): c is typeof c & { params: Record<string, string> } => c.params !== undefined)
      .sort((a, b) => bySpecificity(a.segments, b.segments));
    const best = candidates[0];
    return best ? { route: best.route, pathParameters: best.params } : undefined;
  };
};

export { createRouteMatcher };
export type { RouteLike, RouteMatch };
