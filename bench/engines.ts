import type { EngineEndpoints, EngineName } from './suite.js';

/** Engines running for a bench run, and how to stop them. */
export interface BenchEngines {
  readonly endpoints: EngineEndpoints;
  readonly stop: () => Promise<void>;
}

/**
 * Starts the engines the selected suites need, once for the whole run.
 *
 * Not wired yet: the offline engines live in `local/` and are still being
 * built, so this answers `undefined` and every suite that needs an engine is
 * skipped with a note. Wiring them is this one function: start what `needs`
 * lists with local/engines.ts and return their endpoints and a stop.
 */
const startBenchEngines = async (needs: readonly EngineName[]): Promise<BenchEngines | undefined> => {
  if (needs.length === 0) return { endpoints: {}, stop: async () => undefined };
  return undefined;
};

export { startBenchEngines };
