/**
 * What a bench suite is. `bench/suites.ts` lists them; `bench/run.ts` runs
 * the selected ones, computes ratios against each suite's baseline (measured
 * in the same run, on the same machine) and prints and saves the rows.
 *
 * A suite reports numbers, never pass or fail: targets are shown beside the
 * value so a reader sees the budget, and nothing about timing is asserted in
 * tests, where machines differ too much.
 */

/** The offline engines a suite may need; started fresh for each suite that asks. */
export type EngineName = 'dynamodb' | 'sqs' | 'ses';

/** Endpoint URLs of the engines started for this run, by name. */
export type EngineEndpoints = Readonly<Partial<Record<EngineName, string>>>;

/** A budget: the value should stay within it. */
export interface Target {
  readonly max?: number;
  readonly min?: number;
}

export interface BenchRow {
  /** What was measured, e.g. `admin` or `webhook chain (Standard Webhooks)`. */
  readonly name: string;
  /** `undefined` when the measurement could not be taken; `note` says why. */
  readonly value: number | undefined;
  /** `KB`, `ms`, `req/s`, ... */
  readonly unit: string;
  /** The row the suite's other rows are compared with (one per suite at most). */
  readonly baseline?: boolean;
  /** Show this row's value divided by the baseline's. */
  readonly compare?: boolean;
  readonly target?: Target;
  /**
   * A budget on this row's ratio to the baseline rather than on its value
   * (`compare` rows only): "at least half the rate of a bare write" holds on
   * a slow machine and a fast one alike, where a rate in req/s would not.
   */
  readonly ratioTarget?: Target;
  readonly note?: string;
}

/** One built Lambda bundle, shared by the suites of a run. */
export interface FunctionBundle {
  /** Function name in the topology. */
  readonly name: string;
  /** Handler module, relative to the repository root. */
  readonly entry: string;
  /** Absolute path of the bundle, when it was built. */
  readonly file?: string;
  readonly bytes?: number;
  /** Why there is no bundle: a missing entry, a build error. */
  readonly problem?: string;
}

export interface BenchContext {
  /** Repository root. */
  readonly root: string;
  /**
   * A scratch directory of this run, inside `.bench/` so that bundles
   * importing `@aws-sdk/*` (external, as on Lambda) resolve it from the
   * repository's node_modules. Removed when the run ends.
   */
  readonly workDir: string;
  /** Engines started for suites that declared `needs`. */
  readonly engines: EngineEndpoints;
  /** Every topology function bundled with lib/bundling.ts; built once per run. */
  readonly bundles: () => Promise<readonly FunctionBundle[]>;
  /** Progress on stderr, so stdout stays the table. */
  readonly log: (line: string) => void;
}

export interface BenchSuite {
  /** Short and unique: `npm run bench -- <name>` runs the suites whose name contains it. */
  readonly name: string;
  readonly description: string;
  /** Engines the suite needs; without them it is skipped with a note, not failed. */
  readonly needs?: readonly EngineName[];
  readonly run: (context: BenchContext) => Promise<readonly BenchRow[]>;
}

/**
 * Thrown by a suite that saw the run interrupted (a child it ran was killed
 * by Ctrl-C while a synchronous call held back the bench's own signal
 * handler): `bench/run.ts` then stops as that handler would, without
 * writing a partial report.
 */
export class BenchInterrupted extends Error {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted (${signal})`);
    this.name = 'BenchInterrupted';
  }
}
