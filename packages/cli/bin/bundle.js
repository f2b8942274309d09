'use strict';
// The command in one file: `npm run build` bundles dist/main.js and everything it requires
// (@mmstats/format included) into dist/mmstats.js, and saves V8's compiled code for it in
// dist/mmstats.cache. Loading one file whose functions are already compiled, instead of some sixty
// modules each resolved, read and compiled, is most of what `mmstats slurp` saves at start-up
// (BENCHMARKS.md, "Start-up"). The launcher and the build share this module so the cache is made
// from exactly the code that is later run.
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const DIST = path.join(__dirname, '..', 'dist');

/** The bundle and its code cache. */
const BUNDLE = path.join(DIST, 'mmstats.js');
const CODE_CACHE = path.join(DIST, 'mmstats.cache');

/** What `tsc -b` writes on every build of the command and of its format package. */
const BUILD_RECORDS = [path.join(__dirname, '..', 'tsconfig.tsbuildinfo'), path.join(__dirname, '..', '..', 'format', 'tsconfig.tsbuildinfo')];

/**
 * Whether the bundle is there and no older than the last build: after a `tsc -b` alone the bundle
 * would run the code as it was, so the separate modules in dist/ are used instead. An installed
 * package has no build records; its bundle is current. (The arguments are for tests.)
 */
function bundleIsCurrent(bundlePath = BUNDLE, buildRecords = BUILD_RECORDS) {
  const bundle = fs.statSync(bundlePath, { throwIfNoEntry: false });
  if (!bundle) return false;
  return buildRecords.every((file) => {
    const record = fs.statSync(file, { throwIfNoEntry: false });
    return !record || record.mtimeMs <= bundle.mtimeMs;
  });
}

/**
 * Compiles and runs the bundle as a CommonJS module, with `cachedData` (a code cache made by the
 * same Node) if given; V8 ignores a cache that does not fit (another Node, other flags) and
 * compiles as usual. Returns the module's exports and the script, whose code cache can be saved.
 */
function loadBundle(cachedData) {
  const source = fs.readFileSync(BUNDLE, 'utf8');
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(BUNDLE), module, BUNDLE, DIST);
  return { exports: module.exports, script };
}

/** The bundle's code cache, if the build saved one. */
function readCodeCache() {
  try {
    return fs.readFileSync(CODE_CACHE);
  } catch {
    return undefined;
  }
}

module.exports = { BUNDLE, CODE_CACHE, bundleIsCurrent, loadBundle, readCodeCache };
