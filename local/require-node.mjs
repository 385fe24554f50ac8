/**
 * Loaded first (`node --import ./local/require-node.mjs ...`) by every npm
 * script that runs our code, before tsx or any module: on an older Node the
 * first import of a Node 24 built-in (`node:sqlite`, used by the offline
 * queue engine) would otherwise end in "No such built-in module". Plain
 * JavaScript, so it runs on any Node that can run it at all.
 */
const REQUIRED_MAJOR = 24;

/**
 * What to tell a person running `version`, or undefined when it will do.
 *
 * @example
 * whyNodeWillNotDo('20.11.1', 'linux', 'x64'); // 'sync-tools needs Node.js 24 or newer ...'
 */
export const whyNodeWillNotDo = (version, platform = process.platform, arch = process.arch) => {
  const major = Number(String(version).split('.')[0]);
  if (major >= REQUIRED_MAJOR) return undefined;
  const pkg = `node-${platform}-${arch}@${REQUIRED_MAJOR}`;
  return (
    `sync-tools needs Node.js ${REQUIRED_MAJOR} or newer (Lambda runs nodejs${REQUIRED_MAJOR}.x); this is Node.js ${version}.\n` +
    `Install it with a version manager (nvm install ${REQUIRED_MAJOR}), from https://nodejs.org, or from npm:\n` +
    `  npm install --prefix ~/.cache/node${REQUIRED_MAJOR} ${pkg} && export PATH=~/.cache/node${REQUIRED_MAJOR}/node_modules/${pkg.split('@')[0]}/bin:$PATH\n`
  );
};

const refusal = whyNodeWillNotDo(process.versions.node);
if (refusal) {
  process.stderr.write(refusal);
  process.exit(1);
}
