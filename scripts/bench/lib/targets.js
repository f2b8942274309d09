'use strict';
// Issue 5's targets, each judged on the medians of a bench run. A target whose measurements were
// not part of the run (scenario not selected) is left out.

const STORE_FIELDS = ['uint64 = n', 'uint = n', 'int = n', 'float = x', 'double = x', 'bool = b'];
const METHOD_FIELDS = ['average.add(x)', 'movingAverage.add(x)'];
// Issue 14: the shapes programs write counters and doubles in, each within 3× of the raw increment.
const WRITE_SHAPES = [
  'counter.inc(), stats object not a constant',
  'counter.inc(), stats object exported by another module',
  'counter.inc(), stats object a function parameter',
  "counter.inc(), stats object on a service's this",
  'counter.inc(), counters held in an array, rotated',
  'counter.inc(), cached labelled child',
  'labelled series inc(), series kept',
  'double = x, stats object not a constant',
  'double = x, stats object exported by another module',
  'double = x, stats object a function parameter',
  "double = x, stats object on a service's this",
  'double = x, stats objects held in an array, rotated',
  'double = x, cached labelled child set(x)',
];
const PROM_SAME_PROGRAM = 'prom-client Counter.inc(), once labelled inc() has run';

function judge(rows, medianRatio, median) {
  const verdicts = [];
  const has = (...names) => names.every((name) => rows.has(name));
  const value = (name) => median(rows.get(name).values);
  const add = (target, measured, met) => verdicts.push({ target, measured, met });
  const times = (x) => `${x.toFixed(2)}×`;

  if (has('counter.inc()', 'raw Float64Array increment')) {
    const r = medianRatio(rows, 'counter.inc()', 'raw Float64Array increment');
    add('counter.inc() ≤ 2× a raw Float64Array increment', times(r), r <= 2);
  }
  if (has('counter.inc()', 'prom-client Counter.inc()')) {
    const r = medianRatio(rows, 'counter.inc()', 'prom-client Counter.inc()');
    add("counter.inc() no slower than prom-client's unlabelled inc()", `${times(r)} its time`, r <= 1);
  }
  if (has('double = x', 'raw Float64Array increment')) {
    const r = medianRatio(rows, 'double = x', 'raw Float64Array increment');
    add('double = x ≤ 2× a raw Float64Array increment', times(r), r <= 2);
  }
  for (const name of WRITE_SHAPES) {
    if (!has(name, 'raw Float64Array increment')) continue;
    const r = medianRatio(rows, name, 'raw Float64Array increment');
    add(`${name} within 3× of a raw Float64Array increment`, times(r), r <= 3);
  }
  // Issue 14: against prom-client's unlabelled inc() in a program that also uses its labelled inc():
  // the module-constant counter, and the slowest of the other shapes.
  if (has('counter.inc()', PROM_SAME_PROGRAM)) {
    const r = medianRatio(rows, PROM_SAME_PROGRAM, 'counter.inc()');
    add("counter.inc() ≥ 4× faster than prom-client's unlabelled inc() beside its labelled inc()", `${times(r)} faster`, r >= 4);
  }
  const counterShapes = WRITE_SHAPES.filter((name) => name.startsWith('counter.inc()') && has(name));
  if (counterShapes.length && has(PROM_SAME_PROGRAM)) {
    const [r, slowest] = counterShapes.map((name) => [medianRatio(rows, PROM_SAME_PROGRAM, name), name]).reduce((a, b) => (b[0] < a[0] ? b : a));
    add("counter.inc() in every shape ≥ 4× faster than prom-client's unlabelled inc() beside its labelled inc()", `${times(r)} faster (slowest: ${slowest.slice('counter.inc(), '.length)})`, r >= 4);
  }
  const labelled = "prom-client Counter.inc({ status: '2xx' })";
  if (has('counter.inc()', labelled)) {
    const r = medianRatio(rows, labelled, 'counter.inc()');
    add("counter.inc() ≥ 20× faster than prom-client's labelled inc()", `${times(r)} faster`, r >= 20);
  }
  // Issue 10: labelled writes beside prom-client's labelled inc() with the same two labels.
  const promRoute = 'prom-client Counter.inc({ route, status })';
  for (const name of ['labelled series inc(), series kept', 'labels({ route, status }).inc(), label set seen before']) {
    if (!has(name, promRoute)) continue;
    const r = medianRatio(rows, promRoute, name);
    add(`${name} ≥ 10× faster than prom-client's labelled inc()`, `${times(r)} faster`, r >= 10);
  }
  // Issue 11: observe() at least 10× faster than prom-client's Histogram.observe, unlabelled and labelled.
  const HISTOGRAM_BASELINES = [
    ['histogram.observe(x), explicit buckets', 'prom-client Histogram.observe(x)'],
    ['histogram.observe(x), log scale', 'prom-client Histogram.observe(x)'],
    ['labelled histogram observe(x), series kept, explicit buckets', 'prom-client Histogram.observe({ route, status }, x)'],
    ['labels({ route, status }).observe(x), explicit buckets', 'prom-client Histogram.observe({ route, status }, x)'],
    ['labels({ route, status }).observe(x), log scale', 'prom-client Histogram.observe({ route, status }, x)'],
  ];
  for (const [name, prom] of HISTOGRAM_BASELINES) {
    if (!has(name, prom)) continue;
    const r = medianRatio(rows, prom, name);
    add(`${name} ≥ 10× faster than ${prom}`, `${times(r)} faster`, r >= 10);
  }
  for (const name of [...STORE_FIELDS, ...METHOD_FIELDS, 'timer.time(fn)']) {
    if (!has(name)) continue;
    const baseline = rows.get(name).baseline;
    const r = medianRatio(rows, name, baseline);
    add(`${name} within 3× of its raw baseline (${baseline})`, times(r), r <= 3);
  }
  const warm = 'snapshot, warm (readSnapshot of 8 files)';
  const cached = 'snapshot, warm, layouts cached (format API: readFileSync + readValue)';
  const prom = 'prom-client AggregatorRegistry.clusterMetrics() (4 workers)';
  for (const name of [warm, cached]) {
    if (!has(name)) continue;
    add(`${name} ≤ 0.5 ms`, `${value(name).toFixed(3)} ms`, value(name) <= 0.5);
    if (has(prom)) {
      const r = medianRatio(rows, prom, name);
      add(`${name} ≥ 50× faster than prom-client's cluster aggregation`, `${times(r)} faster`, r >= 50);
    }
  }
  // The same two targets once both readers have run long enough for V8 to optimise them.
  const steady = [...rows.keys()].find((name) => name.startsWith('snapshot, steady state (readSnapshot'));
  const promSteady = [...rows.keys()].find((name) => name.startsWith('prom-client clusterMetrics(), steady state'));
  if (steady) {
    add(`${steady} ≤ 0.5 ms`, `${value(steady).toFixed(3)} ms`, value(steady) <= 0.5);
    if (promSteady) {
      const r = medianRatio(rows, promSteady, steady);
      add(`${steady} ≥ 50× faster than ${promSteady}`, `${times(r)} faster`, r >= 50);
    }
  }
  const blocked = 'snapshot while every writer is blocked (readSnapshot)';
  const promBlocked = 'prom-client clusterMetrics() while every worker is blocked';
  if (has(blocked, promBlocked)) {
    const ours = rows.get(blocked).perRun.every((row) => row && row.outcome.startsWith('answered'));
    const theirs = rows.get(promBlocked).perRun.map((row) => row && row.outcome);
    add(
      'mmstats answers while every writer is blocked; prom-client gives up',
      `mmstats ${value(blocked).toFixed(1)} ms, answered; prom-client: ${theirs[0]} after ${value(promBlocked).toFixed(0)} ms`,
      ours && theirs.every((outcome) => outcome.startsWith('failed')),
    );
  }
  // No per-file blow-up: the time per record with the most files is no worse than 2× that with 10.
  const scaling = [...rows.values()].filter((row) => row.group === 'scaling' && row.measure === 'snapshot' && row.fields === 100);
  const ten = scaling.find((row) => row.files === 10);
  const most = scaling.reduce((a, b) => (b.files > a.files ? b : a), scaling[0]);
  if (ten && most && most !== ten) {
    const perRecord = (row) => median(row.values) / (row.files * row.fields);
    const r = perRecord(most) / perRecord(ten);
    add(`no per-file cost blow-up: readSnapshot time per record, ${most.files} files vs 10, ≤ 2×`, times(r), r <= 2);
  }
  const impact = 'throughput with readers / alone';
  if (has(impact)) {
    const r = value(impact);
    add('writer throughput with 10 readers at 10 Hz within 2% of alone', `${(100 * (1 - r)).toFixed(1)}% slower`, r >= 0.98);
  }
  // Issue 11: runtime stats cost under 0.1 % of a core at the default interval.
  const runtime = 'runtime stats CPU share at the default interval (1 s)';
  if (has(runtime)) add('runtime stats below 0.1 % CPU at the default interval', `${value(runtime).toFixed(3)} %`, value(runtime) < 0.1);
  // Issue 14: a command starts within 1.25× of a bare `node -e 0`, in CPU time and in wall time.
  for (const command of ['mmstats --version', 'mmstats slurp <one small file>']) {
    for (const measure of ['CPU', 'wall']) {
      const name = `${command}, ${measure}`;
      if (!has(name, `node -e 0, ${measure}`)) continue;
      const r = medianRatio(rows, name, `node -e 0, ${measure}`);
      add(`${command} within 1.25× of node -e 0 (${measure}, median of 20 runs)`, times(r), r <= 1.25);
    }
  }
  // Issue 14: slurp and poll over 200 files × 1,009 records, CPU and memory of the whole command.
  const slurpCpu = [...rows.keys()].find((name) => name.startsWith('mmstats slurp, ') && name.endsWith('CPU per record (start-up included)'));
  if (slurpCpu) add('mmstats slurp ≤ 1.4 µs of CPU per record, end to end', `${value(slurpCpu).toFixed(2)} µs`, value(slurpCpu) <= 1.4);
  const slurpRss = 'mmstats slurp, 200 files: peak RSS';
  if (has(slurpRss)) add('mmstats slurp of 200 files: peak RSS ≤ 64 MB', `${value(slurpRss).toFixed(0)} MB`, value(slurpRss) <= 64);
  const pollRow = 'mmstats poll -d 1, 200 files: CPU per row';
  if (has(pollRow)) add('mmstats poll of 200 files ≤ 0.1 s of CPU per row', `${value(pollRow).toFixed(3)} s`, value(pollRow) <= 0.1);
  return verdicts;
}

module.exports = { judge };
