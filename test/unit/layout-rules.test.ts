import { readdirSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { topology } from '../../lib/topology.js';
import { bundledFiles, filesUnder, importsOf } from '../helpers/source-graph.js';

/**
 * The rules that keep one home per tool, read from the imports of the code
 * itself. Each failure names the file and the import that breaks the rule.
 *
 * - `functions/kernel/` is what two or more tools share: it imports no tool
 *   and no shared Lambda.
 * - `functions/<tool>/` imports the kernel and itself, never another tool
 *   nor a shared Lambda.
 * - `functions/platform/` (the shared Lambdas) imports the kernel; of a tool
 *   only its `actions.ts` (the dispatcher assembles them).
 * - `lib/` imports nothing from `functions/` but the topology fragments
 *   (`functions/<part>/topology.ts`) and `functions/kernel/wiring/`; those
 *   are plain data: a fragment imports only types and wiring, and wiring
 *   imports nothing.
 * - Lambda code never bundles the topology: no handler's bundle holds a
 *   fragment or anything from `lib/`.
 */
const FUNCTIONS = 'functions';
const NOT_TOOLS = new Set(['kernel', 'platform']);
const tools = readdirSync(FUNCTIONS).filter(
  (name) => statSync(`${FUNCTIONS}/${name}`).isDirectory() && !NOT_TOOLS.has(name),
);

/** `functions/crm/inbound/handler.ts` -> `crm`; undefined outside functions/. */
const homeOf = (file: string): string | undefined =>
  file.startsWith(`${FUNCTIONS}/`) ? file.split('/')[1] : undefined;
const isFragment = (file: string): boolean => /^functions\/[^/]+\/topology\.ts$/.test(file);
const isWiring = (file: string): boolean => file.startsWith('functions/kernel/wiring/');

/** Every import of the files under `folder` that `allowed` refuses, as `file -> import`. */
const breaches = (folder: string, allowed: (from: string, to: string) => boolean): string[] =>
  filesUnder(folder).flatMap((from) =>
    importsOf(from)
      .filter((edge) => edge.file !== undefined && !allowed(from, edge.file))
      .map((edge) => `${from} -> ${edge.file}`),
  );

describe('Layout rules', () => {
  it('finds the tools it checks', () => {
    // Assess: the rules below would hold vacuously if the layout moved.
    expect(tools).toEqual(expect.arrayContaining(['crm', 'inventory']));
  });

  it('keeps the kernel free of tools and shared Lambdas', () => {
    // Act
    const found = breaches(
      'functions/kernel',
      (_from, to) => homeOf(to) === 'kernel' || to.startsWith('lib/topology-spec'),
    );

    // Assess
    expect(found).toEqual([]);
  });

  it.each(tools)('keeps the %s tool to itself and the kernel', (tool) => {
    // Act
    const found = breaches(`functions/${tool}`, (from, to) => {
      if (isFragment(from)) return to === 'lib/topology-spec.ts' || isWiring(to);
      return homeOf(to) === tool || homeOf(to) === 'kernel';
    });

    // Assess
    expect(found).toEqual([]);
  });

  it('lets the shared Lambdas import a tool only through its actions.ts', () => {
    // Act
    const found = breaches('functions/platform', (from, to) => {
      if (isFragment(from)) return to === 'lib/topology-spec.ts' || isWiring(to);
      const home = homeOf(to);
      return (
        home === 'platform' ||
        home === 'kernel' ||
        (home !== undefined && tools.includes(home) && to === `functions/${home}/actions.ts`)
      );
    });

    // Assess
    expect(found).toEqual([]);
  });

  it('lets lib/ import from functions/ only the topology fragments and the wiring', () => {
    // Act
    const found = breaches('lib', (_from, to) => !to.startsWith(`${FUNCTIONS}/`) || isFragment(to) || isWiring(to));

    // Assess
    expect(found).toEqual([]);
  });

  it('keeps the fragments and the wiring plain data', () => {
    // Act
    const fragments = filesUnder(FUNCTIONS).filter(isFragment);
    const found = [
      ...fragments.flatMap((from) =>
        importsOf(from)
          .filter((edge) => !(edge.file === 'lib/topology-spec.ts' || (edge.file && isWiring(edge.file))))
          .map((edge) => `${from} -> ${edge.specifier}`),
      ),
      ...filesUnder('functions/kernel/wiring').flatMap((from) =>
        importsOf(from).map((edge) => `${from} -> ${edge.specifier}`),
      ),
    ];

    // Assess
    expect(fragments.length).toBeGreaterThanOrEqual(4);
    expect(found).toEqual([]);
  });

  it.each(Object.entries(topology.functions))('keeps the topology out of the %s bundle', (_name, spec) => {
    // Act
    const bundled = bundledFiles(spec.entry).filter((file) => isFragment(file) || file.startsWith('lib/'));

    // Assess
    expect(bundled).toEqual([]);
  });
});
