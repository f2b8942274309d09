'use strict';
// Cold snapshot: the first library snapshot of the given files in a fresh process (code not yet
// optimised, file layouts never seen), timed after the modules are loaded. Prints milliseconds.
const { readSnapshot } = require('../../../packages/cli');
const { resolve } = require('node:path');

const files = process.argv.slice(2);
(async () => {
  const started = process.hrtime.bigint();
  let records = 0;
  for (const file of files) records += (await readSnapshot({ file, path: resolve(file) })).records.length;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ ms, records }) + '\n');
})();
