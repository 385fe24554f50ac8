// Bundled in place of `node:https` (lib/bundling.ts `alias`): see http.cjs.
module.exports = process.getBuiltinModule('node:https');
