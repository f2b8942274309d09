'use strict';
// `npm run bench [-- --quick] [--runs N] [write|read|scaling|impact|runtime|startup|cli ...]`: runs each scenario in a
// fresh process several times, prints the median and spread of every measurement, and each of
// issue 5's targets as met or missed. Ratios are computed inside each run, then their median.
const { spawnSync } = require('node:child_process');
const { cpus } = require('node:os');
const { join } = require('node:path');
const { median } = require('./lib/harness');
const { judge } = require('./lib/targets');

const SCENARIOS = {
  write: { file: 'write.js', runs: 5, quickRuns: 2 },
  read: { file: 'read.js', runs: 3, quickRuns: 1 },
  scaling: { file: 'scaling.js', runs: 3, quickRuns: 1 },
  impact: { file: 'reader-impact.js', runs: 3, quickRuns: 1 },
  runtime: { file: 'runtime.js', runs: 3, quickRuns: 1 },
  startup: { file: 'startup.js', runs: 1, quickRuns: 1 },
  cli: { file: 'cli.js', runs: 3, quickRuns: 1 },
};

// Names that select more than one scenario: `cli` runs the command-line tools' scenarios, besides
// a scenario of that name where there is one.
const ALSO = { cli: ['startup'] };

/** The scenarios a name on the command line selects. */
function expand(name) {
  return [...(SCENARIOS[name] ? [name] : []), ...(ALSO[name] ?? [])];
}

function parseArguments(argv) {
  const quick = argv.includes('--quick');
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : undefined;
  const names = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--runs');
  for (const name of names) {
    if (expand(name).length === 0) throw new Error(`unknown scenario ${name}: choose from ${[...Object.keys(SCENARIOS), ...Object.keys(ALSO)].join(', ')}`);
  }
  if (runs !== undefined && !(runs >= 1)) throw new Error('--runs needs a number of at least 1');
  return { quick, runs, names: names.length ? [...new Set(names.flatMap(expand))] : Object.keys(SCENARIOS) };
}

function runScenario(name, quick) {
  const args = [join(__dirname, 'scenarios', SCENARIOS[name].file), ...(quick ? ['--quick'] : [])];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (child.status !== 0) throw new Error(`scenario ${name} failed (exit ${child.status})`);
  const line = child.stdout.trim().split('\n').pop();
  return JSON.parse(line).rows;
}

/** Groups the rows of all runs by name: every run's value, and the row's other properties. */
function collect(runs) {
  const byName = new Map();
  runs.forEach((rows, run) => {
    for (const row of rows) {
      if (!byName.has(row.name)) byName.set(row.name, { ...row, values: [], perRun: [] });
      const entry = byName.get(row.name);
      entry.values.push(row.value);
      entry.perRun[run] = row;
    }
  });
  return byName;
}

/** The median over runs of a ratio computed inside each run. */
function medianRatio(rows, numerator, denominator) {
  const a = rows.get(numerator);
  const b = rows.get(denominator);
  if (!a || !b) return undefined;
  const ratios = [];
  a.perRun.forEach((row, run) => {
    const other = b.perRun[run];
    if (row && other) ratios.push(row.value / other.value);
  });
  return ratios.length ? median(ratios) : undefined;
}

function format(value, unit) {
  if (value === undefined || Number.isNaN(value)) return '–';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return `${value.toFixed(digits)}${unit ? ' ' + unit : ''}`;
}

function spread(values) {
  if (values.length < 2) return '–';
  const m = median(values);
  return `±${((100 * (Math.max(...values) - Math.min(...values))) / 2 / m).toFixed(0)}%`;
}

function table(headers, lines) {
  const widths = headers.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const row = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [row(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(row)].join('\n');
}

function printGroup(title, entries, rows) {
  if (entries.length === 0) return;
  console.log(`\n### ${title}\n`);
  const lines = entries.map((e) => {
    const ratio = e.baseline ? medianRatio(rows, e.name, e.baseline) : undefined;
    return [e.name, format(median(e.values), e.unit), spread(e.values), e.baseline ? `${format(ratio)}× ${e.baseline}` : e.outcome ?? ''];
  });
  console.log(table(['measurement', 'median', 'spread', 'ratio / outcome'], lines));
}

function printScaling(entries) {
  if (entries.length === 0) return;
  console.log('\n### Scaling (median over runs)\n');
  const configs = new Map();
  for (const e of entries) {
    const key = `${e.files}×${e.fields}`;
    if (!configs.has(key)) configs.set(key, { files: e.files, fields: e.fields, bytes: e.bytes });
    configs.get(key)[e.measure] = median(e.values);
  }
  const lines = [...configs.values()].map((c) => {
    const records = c.files * c.fields;
    return [
      c.files,
      c.fields,
      (c.bytes / 1024).toFixed(0),
      format(c.snapshot),
      format((c.snapshot * 1000) / records),
      format((c.snapshot * 1000) / (c.bytes / 1048576)),
      format(c.cached),
      format((c.cached * 1000) / records),
      format(c.slurp),
    ];
  });
  console.log(
    table(['files', 'fields/file', 'KiB read', 'readSnapshot ms', 'µs/record', 'µs/MiB', 'layouts cached ms', 'µs/record', 'slurp ms'], lines),
  );
}

function main() {
  const { quick, runs, names } = parseArguments(process.argv.slice(2));
  const started = Date.now();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`mmstats benchmarks: node ${process.version}, ${cpus().length} × ${cpu}${quick ? ', --quick' : ''}`);
  const all = new Map();
  for (const name of names) {
    const count = runs ?? (quick ? SCENARIOS[name].quickRuns : SCENARIOS[name].runs);
    const results = [];
    for (let run = 0; run < count; run++) {
      process.stderr.write(`  ${name}: run ${run + 1}/${count}\n`);
      results.push(runScenario(name, quick));
    }
    for (const [key, value] of collect(results)) all.set(key, value);
  }
  const entries = [...all.values()];
  printGroup('Write path (ns per operation; ratio = median of per-run ratios)', entries.filter((e) => e.group === 'write'), all);
  printGroup('Read path (8 writer files × 1,000 fields; 8,000 prom-client metrics in 4 workers)', entries.filter((e) => e.group === 'read'), all);
  printScaling(entries.filter((e) => e.group === 'scaling'));
  printGroup('Reader impact (10 readers at 10 Hz)', entries.filter((e) => e.group === 'impact'), all);
  printGroup('Runtime stats (idle processes side by side; CPU time over wall time)', entries.filter((e) => e.group === 'runtime'), all);
  printGroup('Start-up (median of 20 runs each, in turns; output to /dev/null)', entries.filter((e) => e.group === 'startup'), all);
  printGroup('Command line (200 files × 1,009 records, written by our writer; CPU and peak RSS of the command)', entries.filter((e) => e.group === 'cli'), all);
  const verdicts = judge(all, medianRatio, median);
  if (verdicts.length) {
    console.log('\n### Targets\n');
    console.log(table(['target', 'measured', 'verdict'], verdicts.map((v) => [v.target, v.measured, v.met ? 'met' : 'MISSED'])));
  }
  console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s in all`);
}

main();
