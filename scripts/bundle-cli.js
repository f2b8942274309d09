'use strict';
// `node scripts/bundle-cli.js` (part of `npm run build`, after `tsc -b`): bundles the mmstats
// command into packages/cli/dist/mmstats.js with esbuild, then runs it once on a small stats file
// and saves V8's code cache of every function that run compiled (packages/cli/bin/bundle.js
// loads both). The run is `mmstats slurp` of that file and `mmstats --version`: the commands
// whose start-up the cache is for.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');
const { encodeFile } = require('../packages/format');
const { BUNDLE, CODE_CACHE, loadBundle } = require('../packages/cli/bin/bundle.js');

const CLI = path.join(__dirname, '..', 'packages', 'cli');

function bundle() {
  esbuild.buildSync({
    entryPoints: [path.join(CLI, 'dist', 'main.js')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // The web dashboard's script and style are files served as they are, found at run time.
    external: ['uplot', 'uplot/*'],
    logLevel: 'warning',
  });
}

/** An `Io` that drops the output: the warm-up run only compiles. */
function quietIo(cwd) {
  return { stdout: () => {}, stderr: () => {}, env: {}, cwd, isTTY: false };
}

async function saveCodeCache() {
  fs.rmSync(CODE_CACHE, { force: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmstats-bundle-'));
  try {
    const file = path.join(dir, 'warm-up.mmstats');
    const specs = [
      { label: 'requests', signature: 'Q', buffered: true, initial: 42n },
      { label: 'load', signature: 'd', buffered: true, initial: 0.5 },
      { label: 'state', signature: '8s', buffered: false, initial: 'ok' },
    ];
    fs.writeFileSync(file, encodeFile(specs).bytes);
    const { exports, script } = loadBundle(undefined);
    for (const argv of [['slurp', file], ['--version']]) {
      const code = await exports.main(argv, quietIo(dir));
      if (code !== 0) throw new Error(`the warm-up run of mmstats ${argv.join(' ')} exited with ${code}`);
    }
    fs.writeFileSync(CODE_CACHE, script.createCachedData());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

bundle();
saveCodeCache().catch((error) => {
  console.error(error);
  process.exit(1);
});
