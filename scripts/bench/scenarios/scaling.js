'use strict';
// Scaling: library snapshot and `mmstats slurp` time against the number of files (1 … 1,000, at
// 100 fields each) and of fields per file (10 … 10,000, in 10 files). Each row carries the bytes
// read, so run.js can show the time per megabyte: a linear reader keeps it flat.
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { BaseMmStats, field } = require('../../../packages/writer');
const { readSnapshot } = require('../../../packages/cli');
const { decodeLayout, readValue, toDataView } = require('../../../packages/format');
const { quick, median, millis, scratchDirectory, report } = require('../lib/harness');
const { MMSTATS, timeCommand } = require('../lib/processes');

function statsClass(fields) {
  class Sized extends BaseMmStats {
    static fields = {};
  }
  for (let i = 0; i < fields; i++) {
    const label = `service.part${i % 17}.metric${i}`;
    Sized.fields[`f${i}`] = i % 2 ? field.double({ label }) : field.counter({ label });
  }
  return Sized;
}

function createFiles(dir, files, fields) {
  const Sized = statsClass(fields);
  const paths = [];
  for (let i = 0; i < files; i++) {
    const stats = new Sized({ path: dir, filename: `f${files}x${fields}-${i}.mmstats` });
    stats.f0.inc();
    paths.push(stats.filename);
  }
  return paths;
}

async function measure(dir, files, fields) {
  const paths = createFiles(dir, files, fields);
  const bytes = paths.reduce((sum, path) => sum + statSync(path).size, 0);
  const runs = quick ? 3 : 5;
  const snapshot = async () => {
    for (const path of paths) if ((await readSnapshot({ file: path, path })).error) throw new Error(`cannot read ${path}`);
  };
  await snapshot();
  const snapshots = [];
  for (let i = 0; i < runs; i++) snapshots.push(await millis(snapshot));
  const layouts = paths.map((path) => decodeLayout(readFileSync(path)));
  const cached = () => {
    for (let i = 0; i < paths.length; i++) {
      const view = toDataView(readFileSync(paths[i]));
      for (const layout of layouts[i]) readValue(view, layout);
    }
  };
  cached();
  const cachedTimes = [];
  for (let i = 0; i < runs; i++) cachedTimes.push(await millis(cached));
  const slurps = [];
  for (let i = 0; i < (quick ? 1 : 2); i++) {
    // A directory argument: slurp lists it itself, as a user would call it.
    const run = await timeCommand(process.execPath, [MMSTATS, 'slurp', join(dir, `f${files}x${fields}-*.mmstats`)]);
    if (run.code !== 0) throw new Error(`mmstats slurp failed: ${run.stderr.slice(0, 500)}`);
    slurps.push(run.ms);
  }
  const extra = { files, fields, bytes };
  return [
    { group: 'scaling', name: `readSnapshot: ${files} files × ${fields} fields`, value: median(snapshots), unit: 'ms', measure: 'snapshot', ...extra },
    { group: 'scaling', name: `layouts cached: ${files} files × ${fields} fields`, value: median(cachedTimes), unit: 'ms', measure: 'cached', ...extra },
    { group: 'scaling', name: `mmstats slurp: ${files} files × ${fields} fields`, value: median(slurps), unit: 'ms', measure: 'slurp', ...extra },
  ];
}

async function main() {
  const dir = scratchDirectory('scaling');
  const fileCounts = quick ? [1, 10, 100] : [1, 10, 100, 1000];
  const fieldCounts = quick ? [10, 100, 1000] : [10, 100, 1000, 10000];
  const rows = [];
  for (const files of fileCounts) rows.push(...(await measure(dir, files, 100)));
  for (const fields of fieldCounts) if (fields !== 100) rows.push(...(await measure(dir, 10, fields)));
  report(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
