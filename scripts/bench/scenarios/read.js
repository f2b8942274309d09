'use strict';
// Read path: a snapshot of 8 writer files × 1,000 fields through the library (what `mmstats slurp`
// does per file: read it, decode it with @mmstats/format), warm and cold; the `mmstats slurp`
// process end to end; prom-client's AggregatorRegistry collecting the same metric count from 4
// cluster workers; then both again while every writer's event loop is blocked.
const cluster = require('node:cluster');
const { join } = require('node:path');
const { AggregatorRegistry } = require('prom-client');
const { readFileSync } = require('node:fs');
const { Sampler, parseSelector, readSnapshot } = require('../../../packages/cli');
const { decodeLayout, readValue, toDataView } = require('../../../packages/format');
const { quick, median, millis, scratchDirectory, report } = require('../lib/harness');
const { MMSTATS, startWriters, blockWriters, stopWriters, timeCommand } = require('../lib/processes');

const WRITERS = 8;
const FIELDS = 1000;
const PROM_WORKERS = 4;
// prom-client gives up on a worker after 5 s: block long enough for that to show.
const BLOCK_MS = 7000;

async function snapshot(files) {
  let records = 0;
  for (const file of files) {
    const result = await readSnapshot({ file, path: file });
    if (result.error) throw result.error;
    records += result.records.length;
  }
  return records;
}

/**
 * A snapshot that parses each file's layout once and afterwards re-reads only the values, as
 * SPEC.md §3 allows (a file's layout never changes): @mmstats/format's decodeLayout, then
 * readFileSync and readValue for every record.
 */
function layoutCachedSnapshot(files) {
  const layouts = files.map((file) => decodeLayout(readFileSync(file), { path: file }));
  return () => {
    let records = 0;
    for (let i = 0; i < files.length; i++) {
      const view = toDataView(readFileSync(files[i]));
      for (const layout of layouts[i]) {
        readValue(view, layout);
        records++;
      }
    }
    return records;
  };
}

// How many reads make a long-running reader's steady state (see the steady-state rows).
const STEADY_READS = 50;

async function timeRepeatedly(fn, warmups, runs) {
  for (let i = 0; i < warmups; i++) await fn();
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await millis(fn));
  return median(times);
}

function startPromWorkers() {
  cluster.setupPrimary({ exec: join(__dirname, '../processes/prom-worker.js'), silent: false });
  const workers = [];
  for (let i = 0; i < PROM_WORKERS; i++) workers.push(cluster.fork({ PROM_METRICS: String((WRITERS * FIELDS) / PROM_WORKERS) }));
  return Promise.all(workers.map((worker) => new Promise((resolve) => worker.on('message', (m) => m.ready && resolve())))).then(() => workers);
}

function blockPromWorkers(workers, ms) {
  const blocked = workers.map((worker) => new Promise((resolve) => worker.on('message', (m) => m.blocked && resolve())));
  for (const worker of workers) worker.send({ block: ms });
  return Promise.all(blocked);
}

async function main() {
  const dir = scratchDirectory('read');
  const aggregator = new AggregatorRegistry();
  const [writers, promWorkers] = await Promise.all([startWriters(dir, WRITERS, FIELDS), startPromWorkers()]);
  const files = writers.map((w) => w.file);
  const rows = [];
  const row = (name, value, extra = {}) => rows.push({ group: 'read', name, value, unit: 'ms', ...extra });
  try {
    const runs = quick ? 10 : 40;
    const records = await snapshot(files);
    if (records !== WRITERS * FIELDS) throw new Error(`expected ${WRITERS * FIELDS} records, read ${records}`);

    row('snapshot, warm (readSnapshot of 8 files)', await timeRepeatedly(() => snapshot(files), 5, runs));
    // A reader that stays up (mmstats web scraped every 15 s, poll every second) has made dozens
    // of reads: V8 has optimised the whole read by then, which five reads do not always reach.
    row(`snapshot, steady state (readSnapshot of 8 files, after ${STEADY_READS} reads)`, await timeRepeatedly(() => snapshot(files), STEADY_READS, runs));

    const cached = layoutCachedSnapshot(files);
    row('snapshot, warm, layouts cached (format API: readFileSync + readValue)', await timeRepeatedly(cached, 5, runs));

    // What `mmstats poll` does on every tick: layouts decoded once, then only values re-read.
    const labels = (await readSnapshot({ file: files[0], path: files[0] })).records.map((r) => r.label);
    const sampler = new Sampler({ selectors: labels.map((label) => parseSelector(label)) });
    const entries = files.map((file) => ({ file, path: file }));
    const sampled = await sampler.sample(entries, 0);
    if (sampled.errors.length > 0 || sampled.files.length !== WRITERS) throw new Error(`the sampler read ${sampled.files.length} files: ${sampled.errors.join('; ')}`);
    row('snapshot, warm, layouts cached (Sampler of 8 files)', await timeRepeatedly(() => sampler.sample(entries, 0), 5, runs));

    const cold = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const run = await timeCommand(process.execPath, [join(__dirname, '../processes/snapshot-once.js'), ...files]);
      cold.push(JSON.parse(run.stdout).ms);
    }
    row('snapshot, cold (first call in a fresh process)', median(cold));

    const slurps = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const run = await timeCommand(process.execPath, [MMSTATS, 'slurp', ...files]);
      if (run.code !== 0) throw new Error(`mmstats slurp failed: ${run.stderr}`);
      slurps.push(run.ms);
    }
    row('mmstats slurp process, end to end (spawn to exit)', median(slurps));

    row(
      `prom-client AggregatorRegistry.clusterMetrics() (${PROM_WORKERS} workers)`,
      await timeRepeatedly(() => aggregator.clusterMetrics(), 3, quick ? 5 : 15),
    );
    row(
      `prom-client clusterMetrics(), steady state (after ${STEADY_READS} calls)`,
      await timeRepeatedly(() => aggregator.clusterMetrics(), STEADY_READS, quick ? 5 : 15),
    );

    await Promise.all([blockWriters(writers, BLOCK_MS), blockPromWorkers(promWorkers, BLOCK_MS)]);
    let blockedRecords = 0;
    row('snapshot while every writer is blocked (readSnapshot)', await millis(async () => (blockedRecords = await snapshot(files))), {
      outcome: `answered: ${blockedRecords} records`,
    });
    let outcome = 'answered';
    const promBlocked = await millis(() =>
      aggregator.clusterMetrics().catch((error) => {
        outcome = `failed: ${error.message}`;
      }),
    );
    row('prom-client clusterMetrics() while every worker is blocked', promBlocked, { outcome });
  } finally {
    stopWriters(writers);
    for (const worker of promWorkers) worker.process.kill();
  }
  report(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
