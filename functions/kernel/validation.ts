import { type core, config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * The one zod every Lambda bundle uses: `zod/mini`, the tree-shakable build
 * of zod 4, with its English messages. Classic `zod` adds about 450 KB to
 * each minified bundle (most of it code we never call), which alone breaks
 * the 250 KB budget; `zod/mini` costs about 20 KB. Same parser, same issues;
 * the API is functional: `z.optional(z.string().check(z.minLength(1)))`.
 *
 * Import it as a namespace (`import * as z from '.../validation.js'`):
 * esbuild drops what is not used only when each use is a static property
 * access on the namespace. Tests and tooling outside `functions/` may use
 * classic zod.
 *
 * @example
 * const parsed = z.safeParse(schema, value);
 */
config(en());

/** The shared part of zod's classic and mini schemas; generic code takes this. */
export type Schema<T = unknown> = core.$ZodType<T>;

export * from 'zod/mini';
