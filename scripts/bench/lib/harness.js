'use strict';
// Shared by the scenario processes: command-line flags, loop timing and the one-line JSON report
// that run.js collects. Each scenario runs in a fresh process, so nothing here keeps state.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/** Whether the scenario was started with `--quick` (fewer operations, for development). */
const quick = process.argv.includes('--quick');

/** The median of numbers (the mean of the middle two for an even count). */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Nanoseconds per operation of each loop. `cases` are `{ name, loop, ops }`, where `loop(n)`
 * performs n operations. Every loop is called once to warm up (so the optimiser has compiled it),
 * then the cases take turns, `rounds` times, so that a burst of load from other processes falls
 * on all of them alike. Each case's result is its fastest round: interference only ever adds time.
 */
function timeLoops(cases, rounds = 7) {
  for (const { loop, ops } of cases) loop(Math.max(1000, ops >> 2));
  const best = cases.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    cases.forEach(({ loop, ops }, i) => {
      const started = process.hrtime.bigint();
      loop(ops);
      best[i] = Math.min(best[i], Number(process.hrtime.bigint() - started) / ops);
    });
  }
  return new Map(cases.map(({ name }, i) => [name, best[i]]));
}

/** Milliseconds taken by `fn` (sync or async), measured with the monotonic clock. */
async function millis(fn) {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** A temporary directory removed when the process exits. */
function scratchDirectory(name) {
  const dir = mkdtempSync(join(tmpdir(), `mmstats-bench-${name}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Prints the scenario's result for run.js: one JSON line `{ rows: [{ group, name, value, unit, ... }] }`.
 * Everything else a scenario prints goes to stderr.
 */
function report(rows, notes = {}) {
  process.stdout.write(JSON.stringify({ rows, notes }) + '\n');
}

module.exports = { quick, median, timeLoops, millis, scratchDirectory, report };
