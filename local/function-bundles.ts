import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleFunction } from '../lib/bundle-function.js';

/** Builds the bundles the offline runtime's execution environments load. */
interface FunctionBundler {
  /** `file:` URL of the bundle of an entry (a `.ts` path), built on first use. */
  bundle(entryPath: string): Promise<string>;
  /** Deletes the bundles; later calls build again. */
  dispose(): Promise<void>;
}

/**
 * Inside the repository's `node_modules`, because a bundle keeps the AWS
 * SDK external (as on Lambda, where the runtime provides it) and Node
 * resolves it from the bundle's own folder upwards.
 */
const CACHE_DIR = fileURLToPath(new URL('../node_modules/.cache/sync-tools-offline/', import.meta.url));

/** Whether a process of that id still runs (it may own a folder of bundles). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Folders of runtimes that ended without stopping (`kill -9`, a crashed test run) are deleted. */
const pruneAbandoned = async (): Promise<void> => {
  for (const name of await readdir(CACHE_DIR)) {
    const pid = /^(\d+)-/.exec(name)?.[1];
    if (pid && !alive(Number(pid))) await rm(join(CACHE_DIR, name), { recursive: true, force: true });
  }
};

/**
 * Bundles each function's entry with the settings the stack deploys with
 * (`lib/bundle-function.ts`: ESM, minified, the AWS SDK external,
 * source maps), once per entry, so an execution environment loads one file
 * in a fraction of the time tsx takes to compile the sources module by
 * module, and runs what would run on Lambda. A build that fails (a syntax
 * error being fixed) is not kept: the next cold start builds again. Each
 * runtime writes to a folder of its own (`<pid>-xxxxxx`), deleted by
 * dispose() or, after a `kill -9`, by the next runtime that starts.
 *
 * @example
 * const bundler = createFunctionBundler();
 * const url = await bundler.bundle('/repo/functions/platform/health/handler.ts');
 * await bundler.dispose();
 */
const createFunctionBundler = (): FunctionBundler => {
  const builds = new Map<string, Promise<string>>();
  let built = 0;
  let folder: Promise<string> | undefined;

  const outDir = (): Promise<string> => {
    folder ??= mkdir(CACHE_DIR, { recursive: true })
      .then(pruneAbandoned)
      .then(() => mkdtemp(join(CACHE_DIR, `${process.pid}-`)));
    return folder;
  };

  const buildOne = async (entryPath: string): Promise<string> => {
    // One folder per entry: two entries may share a file name (handler.ts).
    const folderName = String(built++);
    const file = join(await outDir(), folderName, `${basename(entryPath, '.ts')}.mjs`);
    await bundleFunction(entryPath, file);
    return pathToFileURL(file).href;
  };

  const bundle = (entryPath: string): Promise<string> => {
    const known = builds.get(entryPath);
    if (known) return known;
    const building = buildOne(entryPath);
    builds.set(entryPath, building);
    building.catch(() => builds.delete(entryPath));
    return building;
  };

  const dispose = async (): Promise<void> => {
    const made = folder;
    folder = undefined;
    builds.clear();
    if (made) await rm(await made, { recursive: true, force: true });
  };

  return { bundle, dispose };
};

export { createFunctionBundler };
export type { FunctionBundler };
