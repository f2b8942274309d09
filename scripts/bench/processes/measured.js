'use strict';
// Runs a Node script in this process, as `node <script> args…` would, and when the process exits
// writes its resource usage to file descriptor 3 as one JSON line: CPU time (user and system, µs)
// and peak resident memory (KiB), start-up included. Lets a benchmark measure a command end to end
// without a separate `time` program.
// Usage: node measured.js <script> [args…]  (with fd 3 open for writing)
const { writeSync } = require('node:fs');
const { resolve } = require('node:path');

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(script), ...args];
process.on('exit', () => {
  const usage = process.resourceUsage();
  writeSync(3, JSON.stringify({ userUs: usage.userCPUTime, systemUs: usage.systemCPUTime, maxRssKb: usage.maxRSS }) + '\n');
});
require(process.argv[1]);
