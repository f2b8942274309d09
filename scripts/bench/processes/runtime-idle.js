'use strict';
// An idle process, with or without runtime stats: `runtime-idle.js <dir> <seconds> [intervalMs]`.
// Prints the CPU time (user + system, µs) it used over the measured seconds, after a second of warm-up.
const { collectRuntimeStats } = require('../../../packages/writer');

const [dir, seconds, intervalMs] = process.argv.slice(2);
if (intervalMs) collectRuntimeStats({ path: dir, filename: `runtime-${process.pid}.mmstats`, intervalMs: Number(intervalMs) });
const keepAlive = setInterval(() => {}, 1 << 30);
setTimeout(() => {
  const start = process.cpuUsage();
  const startedAt = process.hrtime.bigint();
  setTimeout(() => {
    const used = process.cpuUsage(start);
    const wallMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
    process.stdout.write(JSON.stringify({ cpuUs: used.user + used.system, wallMs }) + '\n');
    clearInterval(keepAlive);
  }, Number(seconds) * 1000);
}, 1000);
