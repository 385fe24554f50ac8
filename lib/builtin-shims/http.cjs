// Bundled in place of `node:http` (lib/bundling.ts `alias`): the same module, reached without an ESM
// import, whose namespace would read every export of `node:http` and so load undici (~14 ms of init).
module.exports = process.getBuiltinModule('node:http');
