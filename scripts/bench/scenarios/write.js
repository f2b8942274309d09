'use strict';
// Write path: nanoseconds per operation of every field type's write, next to raw typed-array
// increments over a plain buffer and prom-client's counter and gauge, all in this one process.
// Every loop writes four different targets in turn, so the optimiser cannot keep one value in a
// register, and each case has its own loop function, so no call site is shared between cases.
const { BaseMmStats, field } = require('../../../packages/writer');
const promClient = require('prom-client');
const { quick, timeLoops, scratchDirectory, report } = require('../lib/harness');

const OPS = quick ? 1e6 : 4e6;

class Every extends BaseMmStats {
  static fields = {};
}
for (let k = 0; k < 4; k++) {
  Object.assign(Every.fields, {
    [`c${k}`]: field.counter({ label: `status.${k + 2}XX` }),
    [`q${k}`]: field.uint64(),
    [`u${k}`]: field.uint(),
    [`i${k}`]: field.int(),
    [`f${k}`]: field.float(),
    [`d${k}`]: field.double(),
    [`b${k}`]: field.bool(),
    [`s${k}`]: field.string({ size: 64 }),
    [`a${k}`]: field.average(),
    [`m${k}`]: field.movingAverage({ size: 100 }),
    [`t${k}`]: field.timer(),
  });
}
const stats = new Every({ path: scratchDirectory('write'), filename: 'write.mmstats' });

// Labelled counters: four families of the same shape, each with the four label sets seen before.
class Labelled extends BaseMmStats {
  static fields = {
    r0: field.counter({ labels: ['route', 'status'] }),
    r1: field.counter({ labels: ['route', 'status'] }),
    r2: field.counter({ labels: ['route', 'status'] }),
    r3: field.counter({ labels: ['route', 'status'] }),
  };
}
const labelled = new Labelled({ path: scratchDirectory('write'), filename: 'write-labelled.mmstats' });

// Histograms: four of each kind, prom-client's default buckets or the log scale, plain and labelled.
const PROM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
class Histograms extends BaseMmStats {
  static fields = {};
}
for (let k = 0; k < 4; k++) {
  Object.assign(Histograms.fields, {
    [`e${k}`]: field.histogram({ buckets: PROM_BUCKETS }),
    [`g${k}`]: field.histogram(),
    [`le${k}`]: field.histogram({ buckets: PROM_BUCKETS, labels: ['route', 'status'] }),
    [`lg${k}`]: field.histogram({ labels: ['route', 'status'] }),
  });
}
const histograms = new Histograms({ path: scratchDirectory('write'), filename: 'write-histograms.mmstats', reserve: 1 << 20 });
// A second object of the same class: the "not a constant" cases alternate between the two, as
// code does that receives its stats object as an argument, so the optimiser cannot fold the
// object's fields into the loop as it can for a module-level constant like `stats`.
const other = new Every({ path: scratchDirectory('write'), filename: 'write-other.mmstats' });
const pair = [stats, other];

// Paths a server might store in a string field: ASCII, of varying length.
const PATHS = ['/', '/api/v1/users', '/static/app.js', '/health'];

// The shapes programs write (issue 14): the stats object of another module, reached as compiled
// TypeScript reaches an import (`app.stats`); a function parameter; a service's `this.stats`;
// counters or stats objects held in an array and rotated; labelled children cached once.
const app = require('./app-stats');
const appObjects = [app.stats, ...[1, 2, 3].map((k) => new app.AppStats({ path: scratchDirectory('write'), filename: `app-${k}.mmstats` }))];
const appCounters = [app.stats.c0, app.stats.c1, app.stats.c2, app.stats.c3];
const cachedChildren = {
  requests: PATHS.map((route) => app.stats.requests.labels({ route, status: '2xx' })),
  latency: PATHS.map((route) => app.stats.latency.labels({ route })),
};
function incThroughParameter(s, n) {
  for (let i = 0; i < n; i += 4) { s.c0.inc(); s.c1.inc(); s.c2.inc(); s.c3.inc(); }
}
function setThroughParameter(s, n) {
  for (let i = 0; i < n; i += 4) { const v = i + 0.5; s.d0 = v; s.d1 = v; s.d2 = v; s.d3 = v; }
}
class Service {
  constructor(stats) {
    this.stats = stats;
  }
  handle() {
    this.stats.c0.inc(); this.stats.c1.inc(); this.stats.c2.inc(); this.stats.c3.inc();
  }
  measure(v) {
    this.stats.d0 = v; this.stats.d1 = v; this.stats.d2 = v; this.stats.d3 = v;
  }
}
const service = new Service(app.stats);

const rawF64 = new Float64Array(new ArrayBuffer(64));
const rawU32 = new Uint32Array(new ArrayBuffer(64));

const registry = new promClient.Registry();
const promCounters = [0, 1, 2, 3].map((k) => new promClient.Counter({ name: `c${k}`, help: 'c', registers: [registry] }));
const promLabelled = [0, 1, 2, 3].map((k) => new promClient.Counter({ name: `l${k}`, help: 'l', labelNames: ['status'], registers: [registry] }));
const promRoutes = [0, 1, 2, 3].map((k) => new promClient.Counter({ name: `r${k}`, help: 'r', labelNames: ['route', 'status'], registers: [registry] }));
const promGauges = [0, 1, 2, 3].map((k) => new promClient.Gauge({ name: `g${k}`, help: 'g', registers: [registry] }));
const promHistograms = [0, 1, 2, 3].map((k) => new promClient.Histogram({ name: `h${k}`, help: 'h', buckets: PROM_BUCKETS, registers: [registry] }));
const promLabelledHistograms = [0, 1, 2, 3].map((k) => new promClient.Histogram({ name: `hl${k}`, help: 'hl', buckets: PROM_BUCKETS, labelNames: ['route', 'status'], registers: [registry] }));
// Latencies from 1 ms to 10 s, log-uniform: every bucket of both schemes gets its share.
const LATENCIES = new Float64Array(1024).map((_, i) => 0.001 * Math.pow(10, (4 * ((i * 389) % 1024)) / 1024));

const work = () => 1;
for (const family of [labelled.r0, labelled.r1, labelled.r2, labelled.r3]) for (const route of PATHS) family.labels({ route, status: '2xx' });
for (let k = 0; k < 4; k++) for (const route of PATHS) for (const family of [histograms[`le${k}`], histograms[`lg${k}`]]) family.labels({ route, status: '2xx' });

const cases = [
  // The raw baselines rotate over four slots by index: with four constant indices the optimiser
  // merges the loop into a few instructions per iteration (0.1–0.7 ns per store), which no
  // store into a shared, packed record can approach.
  ['raw Float64Array increment', null, (n) => { const a = rawF64; for (let i = 0; i < n; i++) a[i & 3] += 1; }],
  ['raw Uint32Array increment', null, (n) => { const a = rawU32; for (let i = 0; i < n; i++) a[i & 3] += 1; }],
  ['counter.inc()', 'raw Float64Array increment', (n) => { const s = stats; for (let i = 0; i < n; i += 4) { s.c0.inc(); s.c1.inc(); s.c2.inc(); s.c3.inc(); } }],
  ['counter.inc(), stats object not a constant', 'raw Float64Array increment', (n) => { const p = pair; for (let i = 0; i < n; i += 4) { const s = p[(i >> 2) & 1]; s.c0.inc(); s.c1.inc(); s.c2.inc(); s.c3.inc(); } }],
  ['counter.inc() held', 'raw Float64Array increment', (n) => { const c0 = stats.c0, c1 = stats.c1, c2 = stats.c2, c3 = stats.c3; for (let i = 0; i < n; i += 4) { c0.inc(); c1.inc(); c2.inc(); c3.inc(); } }],
  ['counter.inc(), stats object exported by another module', 'raw Float64Array increment', (n) => { const m = app; for (let i = 0; i < n; i += 4) { m.stats.c0.inc(); m.stats.c1.inc(); m.stats.c2.inc(); m.stats.c3.inc(); } }],
  ['counter.inc(), stats object a function parameter', 'raw Float64Array increment', (n) => incThroughParameter(app.stats, n)],
  ["counter.inc(), stats object on a service's this", 'raw Float64Array increment', (n) => { const s = service; for (let i = 0; i < n; i += 4) s.handle(); }],
  ['counter.inc(), counters held in an array, rotated', 'raw Float64Array increment', (n) => { const c = appCounters; for (let i = 0; i < n; i++) c[i & 3].inc(); }],
  ['counter.inc(), cached labelled child', 'raw Float64Array increment', (n) => { const c = cachedChildren; for (let i = 0; i < n; i += 4) { c.requests[0].inc(); c.requests[1].inc(); c.requests[2].inc(); c.requests[3].inc(); } }],
  ['labelled series inc(), series kept', 'raw Float64Array increment', (n) => { const l = labelled; const c0 = l.r0.labels({ route: '/', status: '2xx' }), c1 = l.r1.labels({ route: '/', status: '2xx' }), c2 = l.r2.labels({ route: '/', status: '2xx' }), c3 = l.r3.labels({ route: '/', status: '2xx' }); for (let i = 0; i < n; i += 4) { c0.inc(); c1.inc(); c2.inc(); c3.inc(); } }],
  ['labels({ route, status }).inc(), label set seen before', 'raw Float64Array increment', (n) => { const l = labelled, p = PATHS; for (let i = 0; i < n; i += 4) { const route = p[(i >> 2) & 3]; l.r0.labels({ route, status: '2xx' }).inc(); l.r1.labels({ route, status: '2xx' }).inc(); l.r2.labels({ route, status: '2xx' }).inc(); l.r3.labels({ route, status: '2xx' }).inc(); } }],
  ['uint64 = n', 'raw Uint32Array increment', (n) => { const s = stats; for (let i = 0; i < n; i += 4) { s.q0 = i; s.q1 = i; s.q2 = i; s.q3 = i; } }],
  ['uint = n', 'raw Uint32Array increment', (n) => { const s = stats; for (let i = 0; i < n; i += 4) { s.u0 = i; s.u1 = i; s.u2 = i; s.u3 = i; } }],
  ['int = n', 'raw Uint32Array increment', (n) => { const s = stats; for (let i = 0; i < n; i += 4) { const v = 1 - i; s.i0 = v; s.i1 = v; s.i2 = v; s.i3 = v; } }],
  ['float = x', 'raw Float64Array increment', (n) => { const s = stats; for (let i = 0; i < n; i += 4) { const v = i + 0.5; s.f0 = v; s.f1 = v; s.f2 = v; s.f3 = v; } }],
  ['double = x', 'raw Float64Array increment', (n) => { const s = stats; for (let i = 0; i < n; i += 4) { const v = i + 0.5; s.d0 = v; s.d1 = v; s.d2 = v; s.d3 = v; } }],
  ['double = x, stats object not a constant', 'raw Float64Array increment', (n) => { const p = pair; for (let i = 0; i < n; i += 4) { const s = p[(i >> 2) & 1]; const v = i + 0.5; s.d0 = v; s.d1 = v; s.d2 = v; s.d3 = v; } }],
  ['double = x, stats object exported by another module', 'raw Float64Array increment', (n) => { const m = app; for (let i = 0; i < n; i += 4) { const v = i + 0.5; m.stats.d0 = v; m.stats.d1 = v; m.stats.d2 = v; m.stats.d3 = v; } }],
  ['double = x, stats object a function parameter', 'raw Float64Array increment', (n) => setThroughParameter(app.stats, n)],
  ["double = x, stats object on a service's this", 'raw Float64Array increment', (n) => { const s = service; for (let i = 0; i < n; i += 4) s.measure(i + 0.5); }],
  ['double = x, stats objects held in an array, rotated', 'raw Float64Array increment', (n) => { const o = appObjects; for (let i = 0; i < n; i++) o[i & 3].d0 = i + 0.5; }],
  ['double = x, cached labelled child set(x)', 'raw Float64Array increment', (n) => { const c = cachedChildren; for (let i = 0; i < n; i += 4) { const v = i + 0.5; c.latency[0].set(v); c.latency[1].set(v); c.latency[2].set(v); c.latency[3].set(v); } }],
  ['bool = b', 'raw Uint32Array increment', (n) => { const s = stats; for (let i = 0; i < n; i += 4) { const v = (i & 4) === 0; s.b0 = v; s.b1 = v; s.b2 = v; s.b3 = v; } }],
  ['string = text', 'raw Float64Array increment', (n) => { const s = stats, p = PATHS; for (let i = 0; i < n; i += 4) { s.s0 = p[0]; s.s1 = p[1]; s.s2 = p[2]; s.s3 = p[3]; } }],
  ['average.add(x)', 'raw Float64Array increment', (n) => { const s = stats; for (let i = 0; i < n; i += 4) { const v = i + 0.5; s.a0.add(v); s.a1.add(v); s.a2.add(v); s.a3.add(v); } }],
  ['movingAverage.add(x)', 'raw Float64Array increment', (n) => { const s = stats; for (let i = 0; i < n; i += 4) { const v = i + 0.5; s.m0.add(v); s.m1.add(v); s.m2.add(v); s.m3.add(v); } }],
  ['raw timing (2× performance.now())', null, (n) => { const a = rawF64; for (let i = 0; i < n; i += 4) { for (let k = 0; k < 4; k++) { const t = performance.now(); work(); a[k] = (performance.now() - t) / 1000; } } }],
  ['timer.time(fn)', 'raw timing (2× performance.now())', (n) => { const s = stats; for (let i = 0; i < n; i += 4) { s.t0.time(work); s.t1.time(work); s.t2.time(work); s.t3.time(work); } }],
  ['histogram.observe(x), explicit buckets', 'raw Float64Array increment', (n) => { const h = histograms, v = LATENCIES; for (let i = 0; i < n; i += 4) { const x = v[(i >> 2) & 1023]; h.e0.observe(x); h.e1.observe(x); h.e2.observe(x); h.e3.observe(x); } }],
  ['histogram.observe(x), log scale', 'raw Float64Array increment', (n) => { const h = histograms, v = LATENCIES; for (let i = 0; i < n; i += 4) { const x = v[(i >> 2) & 1023]; h.g0.observe(x); h.g1.observe(x); h.g2.observe(x); h.g3.observe(x); } }],
  ['labelled histogram observe(x), series kept, explicit buckets', 'raw Float64Array increment', (n) => { const h = histograms, v = LATENCIES; const s0 = h.le0.labels({ route: '/', status: '2xx' }), s1 = h.le1.labels({ route: '/', status: '2xx' }), s2 = h.le2.labels({ route: '/', status: '2xx' }), s3 = h.le3.labels({ route: '/', status: '2xx' }); for (let i = 0; i < n; i += 4) { const x = v[(i >> 2) & 1023]; s0.observe(x); s1.observe(x); s2.observe(x); s3.observe(x); } }],
  ['labels({ route, status }).observe(x), explicit buckets', 'raw Float64Array increment', (n) => { const h = histograms, v = LATENCIES, p = PATHS; for (let i = 0; i < n; i += 4) { const x = v[(i >> 2) & 1023], route = p[(i >> 2) & 3]; h.le0.labels({ route, status: '2xx' }).observe(x); h.le1.labels({ route, status: '2xx' }).observe(x); h.le2.labels({ route, status: '2xx' }).observe(x); h.le3.labels({ route, status: '2xx' }).observe(x); } }],
  ['labels({ route, status }).observe(x), log scale', 'raw Float64Array increment', (n) => { const h = histograms, v = LATENCIES, p = PATHS; for (let i = 0; i < n; i += 4) { const x = v[(i >> 2) & 1023], route = p[(i >> 2) & 3]; h.lg0.labels({ route, status: '2xx' }).observe(x); h.lg1.labels({ route, status: '2xx' }).observe(x); h.lg2.labels({ route, status: '2xx' }).observe(x); h.lg3.labels({ route, status: '2xx' }).observe(x); } }],
  ['prom-client Histogram.observe(x)', 'raw Float64Array increment', (n) => { const [h0, h1, h2, h3] = promHistograms, v = LATENCIES; for (let i = 0; i < n; i += 4) { const x = v[(i >> 2) & 1023]; h0.observe(x); h1.observe(x); h2.observe(x); h3.observe(x); } }],
  ['prom-client Histogram.observe({ route, status }, x)', 'raw Float64Array increment', (n) => { const [h0, h1, h2, h3] = promLabelledHistograms, v = LATENCIES, p = PATHS; for (let i = 0; i < n; i += 4) { const x = v[(i >> 2) & 1023], route = p[(i >> 2) & 3]; h0.observe({ route, status: '2xx' }, x); h1.observe({ route, status: '2xx' }, x); h2.observe({ route, status: '2xx' }, x); h3.observe({ route, status: '2xx' }, x); } }],
  ['prom-client Counter.inc()', 'raw Float64Array increment', (n) => { const [c0, c1, c2, c3] = promCounters; for (let i = 0; i < n; i += 4) { c0.inc(); c1.inc(); c2.inc(); c3.inc(); } }],
  ["prom-client Counter.inc({ status: '2xx' })", 'raw Float64Array increment', (n) => { const [c0, c1, c2, c3] = promLabelled; for (let i = 0; i < n; i += 4) { c0.inc({ status: '2xx' }); c1.inc({ status: '2xx' }); c2.inc({ status: '2xx' }); c3.inc({ status: '2xx' }); } }],
  ["prom-client Counter.inc({ route, status })", 'raw Float64Array increment', (n) => { const [c0, c1, c2, c3] = promRoutes, p = PATHS; for (let i = 0; i < n; i += 4) { const route = p[(i >> 2) & 3]; c0.inc({ route, status: '2xx' }); c1.inc({ route, status: '2xx' }); c2.inc({ route, status: '2xx' }); c3.inc({ route, status: '2xx' }); } }],
  ['prom-client Counter.inc(), once labelled inc() has run', 'raw Float64Array increment', (n) => { const [c0, c1, c2, c3] = promCounters; for (let i = 0; i < n; i += 4) { c0.inc(); c1.inc(); c2.inc(); c3.inc(); } }],
  ['prom-client Gauge.set(x)', 'raw Float64Array increment', (n) => { const [g0, g1, g2, g3] = promGauges; for (let i = 0; i < n; i += 4) { const v = i + 0.5; g0.set(v); g1.set(v); g2.set(v); g3.set(v); } }],
];

// Timers, strings and prom-client's labelled counter are 10–50× slower per call: fewer operations
// keep every case near the same wall time.
const slow = new Set(['raw timing (2× performance.now())', 'timer.time(fn)', "prom-client Counter.inc({ status: '2xx' })", 'prom-client Counter.inc({ route, status })', 'string = text', 'prom-client Histogram.observe(x)', 'prom-client Histogram.observe({ route, status }, x)']);
// BENCH_WRITE_CASES=regex selects cases (with their baselines) while working on one of them.
const only = process.env.BENCH_WRITE_CASES ? new RegExp(process.env.BENCH_WRITE_CASES) : null;
const wanted = new Set();
for (const [name, baseline] of cases) {
  if (only && !only.test(name)) continue;
  wanted.add(name);
  if (baseline) wanted.add(baseline);
}
// prom-client's labelled and unlabelled inc() share one function: once labelled calls have run,
// its unlabelled inc() is slower. Phase 1 measures everything else before any labelled call;
// phase 2 the labelled call, and the unlabelled one again after it.
const LATER = new Set(["prom-client Counter.inc({ status: '2xx' })", 'prom-client Counter.inc({ route, status })', 'prom-client Counter.inc(), once labelled inc() has run']);
const rounds = quick ? 3 : 7;
const toLoop = ([name, , loop]) => ({ name, loop, ops: slow.has(name) ? OPS / 10 : OPS });
const selected = cases.filter(([name]) => wanted.has(name));
const timed = new Map([
  ...timeLoops(selected.filter(([name]) => !LATER.has(name)).map(toLoop), rounds),
  ...timeLoops(selected.filter(([name]) => LATER.has(name)).map(toLoop), rounds),
]);
const rows = cases
  .filter(([name]) => wanted.has(name))
  .map(([name, baseline]) => ({ group: 'write', name, value: timed.get(name), unit: 'ns/op', baseline }));
// Keep every store observable, so no loop can be optimised away.
if (stats.c0.value === -1 || rawF64[0] === -1 || rawU32[0] === 0.5) console.error('unreachable');
report(rows);
