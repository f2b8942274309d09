'use strict';
// The writer process of the write-path proofs: writes every field type `writes` times between two
// markers. Usage: node --allow-natives-syntax every-field-writer.js <dir> <writes> <mode>
//   mode `numbers`  every numeric field type: counter, uint64, uint, int, short, ushort, byte, bool,
//                   float, double, average, movingAverage (`writes` writes of each, one loop per type),
//                   and counter and double writes through a stats object or counter taken from an array
//   mode `string`   a string field, with ASCII and non-ASCII texts
//   mode `timer`    timer.time(fn) (its clock, performance.now(), allocates in Node itself)
//   mode `clock`    the two bare performance.now() calls timer.time(fn) makes, without mmstats
//   mode `labels`   labelled series seen before: a kept counter and gauge series, `labels({…})`
//                   called each time on a class field (four label sets in turn, string and number
//                   values) and on registry metrics
//   mode `histograms` observe() on histograms: explicit buckets, the log scale (values across and
//                   beyond its range), a kept labelled series, `labels({…}).observe()` and a
//                   registry histogram
//   `+syscall` / `+alloc` appended to a mode adds a syscall / a small allocation every 100
//   iterations: the tests use them to show that the proof can fail.
// The start and end markers are an access(2) to a path that does not exist (visible to strace) and
// a line on stdout (next to --trace-gc's lines); `END <heap bytes used before> <after>` ends it.
const { existsSync, writeSync } = require('node:fs');
const { BaseMmStats, Registry, field } = require('@mmstats/writer');

const [dir, writesArg, modeArg] = process.argv.slice(2);
const writes = Number(writesArg);
const [mode, canary] = modeArg.split('+');

class EveryField extends BaseMmStats {
  static fields = {
    counter: field.counter(),
    uint64: field.uint64(),
    uint: field.uint(),
    int: field.int(),
    short: field.short(),
    ushort: field.ushort(),
    byte: field.byte(),
    bool: field.bool(),
    float: field.float(),
    double: field.double(),
    string: field.string({ size: 32 }),
    average: field.average(),
    movingAverage: field.movingAverage({ size: 10 }),
    timer: field.timer(),
    requests: field.counter({ labels: ['route', 'status'] }),
    temperature: field.double({ labels: ['cpu'] }),
    explicit: field.histogram({ buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] }),
    logScale: field.histogram(),
    byRoute: field.histogram({ labels: ['route'] }),
  };
}
const stats = new EveryField({ path: dir, filename: `proof-${process.pid}.mmstats` });
// A second object of the class: the shapes where the stats object is not a constant (a parameter,
// an element of an array) write through either.
const other = new EveryField({ path: dir, filename: `proof-other-${process.pid}.mmstats` });
const pair = [stats, other];
const registry = new Registry({ path: dir, filename: `proof-registry-${process.pid}.mmstats` });
const jobs = registry.counter('jobs', { labels: ['queue'] });
const depth = registry.gauge('depth', { labels: ['queue'] });
const durations = registry.histogram('durations', { buckets: [0.1, 1, 10] });
// Past 2^31 a count is no longer a small integer: the proofs cover the unboxed-double path too.
stats.counter.value = 2 ** 40;
const TEXTS = ['/', '/api/v1/users', '/static/app.js', 'naïve ✓'];
const work = () => 0;
const sink = [];
const clockSink = new Float64Array(1);

function canaryAt(i) {
  if (canary === 'syscall' && i % 100 === 0) existsSync('/');
  if (canary === 'alloc' && i % 100 === 0) sink[i & 1023] = { i };
}

// One small loop per field type, as an application writes one field at a time: each loop is
// optimised on its own, with the field's setter inlined (a double handed to a call that is not
// inlined is boxed into a heap number by the caller, whatever the callee does).
const fieldLoops = [
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.counter.inc(); canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.uint64 = i; canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.uint = i; canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.int = 1 - i; canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.short = i; canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.ushort = i; canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.byte = i; canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.bool = (i & 1) === 0; canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.float = i + 0.5; canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.double = i + 0.25; canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.average.add(i + 0.5); canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.movingAverage.add(i + 0.5); canaryAt(i); } },
  (n) => { const p = pair; for (let i = 0; i < n; i++) { const s = p[i & 1]; s.counter.inc(); s.double = i + 0.25; canaryAt(i); } },
  (n) => { const counters = [stats.counter, other.counter]; for (let i = 0; i < n; i++) { counters[i & 1].inc(); canaryAt(i); } },
];

const ROUTES = ['/', '/api/v1/users', '/static/app.js', '/health'];
const QUEUES = ['mail', 'billing'];
const labelLoops = [
  (n) => { const c = stats.requests.labels({ route: '/', status: '2xx' }); for (let i = 0; i < n; i++) { c.inc(); canaryAt(i); } },
  (n) => { const g = stats.temperature.labels({ cpu: 0 }); for (let i = 0; i < n; i++) { g.set(i + 0.5); canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.requests.labels({ route: ROUTES[i & 3], status: '2xx' }).inc(); canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.temperature.labels({ cpu: i & 1 }).inc(0.5); canaryAt(i); } },
  (n) => { for (let i = 0; i < n; i++) { jobs.labels({ queue: QUEUES[i & 1] }).inc(); canaryAt(i); } },
  (n) => { for (let i = 0; i < n; i++) { depth.labels({ queue: QUEUES[i & 1] }).set(i); canaryAt(i); } },
];

// Values from 10 µs to 1,000 s: under, across and over the log scale's default range.
const SPREAD = new Float64Array(1024).map((_, i) => 1e-5 * Math.pow(10, (8 * i) / 1024));
const histogramLoops = [
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.explicit.observe(SPREAD[i & 1023]); canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.logScale.observe(SPREAD[i & 1023]); canaryAt(i); } },
  (n) => { const h = stats.byRoute.labels({ route: '/' }); for (let i = 0; i < n; i++) { h.observe(SPREAD[i & 1023]); canaryAt(i); } },
  (n) => { const s = stats; for (let i = 0; i < n; i++) { s.byRoute.labels({ route: ROUTES[i & 3] }).observe(SPREAD[i & 1023]); canaryAt(i); } },
  (n) => { for (let i = 0; i < n; i++) { durations.observe(SPREAD[i & 1023]); canaryAt(i); } },
];

function writeHistograms(n) {
  for (const loop of histogramLoops) loop(n);
}

function writeLabels(n) {
  for (const loop of labelLoops) loop(n);
}

function writeNumbers(n) {
  for (const loop of fieldLoops) loop(n);
}

function writeString(n) {
  const s = stats;
  for (let i = 0; i < n; i++) {
    s.string = TEXTS[i & 3];
    canaryAt(i);
  }
}

function writeTimer(n) {
  const timer = stats.timer;
  for (let i = 0; i < n; i++) {
    timer.time(work);
    canaryAt(i);
  }
}

function readClock(n) {
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    work();
    clockSink[0] += performance.now() - started;
    canaryAt(i);
  }
}

const loop = { numbers: writeNumbers, string: writeString, timer: writeTimer, clock: readClock, labels: writeLabels, histograms: writeHistograms }[mode];
if (!loop || !(writes > 0)) throw new Error(`usage: every-field-writer.js <dir> <writes> numbers|string|timer|clock|labels|histograms[+syscall|+alloc], got ${process.argv.slice(2)}`);
// The functions whose loops run between the markers: each must run optimised code there.
const hotFunctions = { numbers: fieldLoops, labels: labelLoops, histograms: histogramLoops }[mode] ?? [loop];

// V8's tiering, driven and observed directly (node --allow-natives-syntax).
function nativeSyntax(body) {
  try {
    return new Function('fn', body);
  } catch {
    throw new Error('every-field-writer.js must run under node --allow-natives-syntax');
  }
}
const optimizeOnNextCall = nativeSyntax('%PrepareFunctionForOptimization(fn); %OptimizeFunctionOnNextCall(fn);');
const optimizationStatus = nativeSyntax('return %GetOptimizationStatus(fn);');
// Bits of the status: 4 "optimised", 6 "by TurboFan".
const OPTIMIZED_BY_TURBOFAN = (1 << 4) | (1 << 6);
const optimized = (fn) => (optimizationStatus(fn) & OPTIMIZED_BY_TURBOFAN) === OPTIMIZED_BY_TURBOFAN;
// Only reached if V8 refuses to optimise a loop; a busy machine needs a small part of it.
const OPTIMIZE_LIMIT_MS = 30_000;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Has every loop optimised before the markers: unoptimised code boxes doubles, so a loop still
 * interpreted would allocate between them. Left to itself, V8 compiles on a background thread
 * that a busy machine may not run for a long while, so each loop not yet optimised is compiled
 * now, on this thread, from the type feedback of the warm-up (a compile already under way on the
 * background thread is awaited instead).
 */
async function optimizeHotFunctions() {
  const deadline = Date.now() + OPTIMIZE_LIMIT_MS;
  for (;;) {
    const waiting = hotFunctions.filter((fn) => !optimized(fn));
    if (waiting.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`${modeArg}: V8 did not optimise loops ${waiting.map((fn) => hotFunctions.indexOf(fn)).join(', ')} in ${OPTIMIZE_LIMIT_MS} ms`);
    }
    for (const fn of waiting) {
      optimizeOnNextCall(fn);
      fn(1000);
    }
    await pause(10);
  }
}

(async () => {
  // Warm-up: the type feedback an application's first calls give each loop.
  for (let round = 0; round < 10; round++) loop(100000);
  await optimizeHotFunctions();
  if (typeof gc === 'function') gc();
  // Markers are written straight to the descriptor: a line queued by process.stdout (when the
  // pipe is full) would allocate inside the measured span, and land after --trace-gc's lines.
  writeSync(1, 'START\n');
  const before = process.memoryUsage().heapUsed;
  existsSync('/mmstats-proof-start-marker');
  loop(writes);
  existsSync('/mmstats-proof-end-marker');
  const after = process.memoryUsage().heapUsed;
  writeSync(1, `END ${before} ${after}\n`);
  if (clockSink[0] < 0 || sink.length < 0) writeSync(1, 'unreachable\n');
  stats.remove();
  other.remove();
  registry.remove();
})();
