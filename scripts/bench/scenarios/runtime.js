'use strict';
// CPU share of collectRuntimeStats: idle processes side by side for the same seconds, one without
// runtime stats, one at the default interval (1 s) and one at 10 ms (each several times); each reports its own CPU time.
// The share is (CPU with − CPU without) / wall time. The 10 ms process gives the cost of one
// sample, to check the 1 s figure against: fixed cost (the delay monitor's timer) + 1 sample/s.
const { execFile } = require('node:child_process');
const { join } = require('node:path');
const { quick, scratchDirectory, report } = require('../lib/harness');

const SECONDS = quick ? 5 : 20;

function idle(dir, intervalMs) {
  return new Promise((resolve, reject) => {
    const args = [join(__dirname, '../processes/runtime-idle.js'), dir, String(SECONDS), ...(intervalMs ? [String(intervalMs)] : [])];
    execFile(process.execPath, args, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))));
  });
}

// The kernel charges CPU time by the scheduler tick (4 ms here), so an idle process's few hundred
// µs a second are counted by chance: each case runs in several processes at once, and their sum counts.
const COPIES = 3;

/** `COPIES` idle processes side by side: their CPU time and wall time summed. */
async function idleCopies(dir, intervalMs) {
  const runs = await Promise.all(Array.from({ length: COPIES }, () => idle(dir, intervalMs)));
  return runs.reduce((sum, run) => ({ cpuUs: sum.cpuUs + run.cpuUs, wallMs: sum.wallMs + run.wallMs }));
}

async function main() {
  const dir = scratchDirectory('runtime');
  const [without, atDefault, fast] = await Promise.all([idleCopies(dir), idleCopies(dir, 1000), idleCopies(dir, 10)]);
  const share = (run) => (100 * (run.cpuUs / 1000 - without.cpuUs / 1000)) / run.wallMs;
  const samplesPerSecondFast = 100 - 1;
  const perSampleUs = ((fast.cpuUs - atDefault.cpuUs) / (fast.wallMs / 1000)) / samplesPerSecondFast;
  report([
    { group: 'runtime', name: 'runtime stats CPU share at the default interval (1 s)', value: share(atDefault), unit: '%' },
    { group: 'runtime', name: 'runtime stats CPU share at a 10 ms interval', value: share(fast), unit: '%' },
    { group: 'runtime', name: 'runtime stats cost of one sample (from the 10 ms run)', value: perSampleUs, unit: 'µs' },
    { group: 'runtime', name: 'idle process without runtime stats', value: (100 * without.cpuUs) / 1000 / without.wallMs, unit: '%' },
  ]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
