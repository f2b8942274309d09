'use strict';
// Cost of decoding a layout and of a warm readSnapshot, on 8 files of 1,000 fields (counters,
// doubles, 255-byte strings) written by @mmstats/writer. Prints µs per record and ms per snapshot.
// Usage: node scripts/bench/experiments/decode-layout.js (after `npx tsc -b`)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BaseMmStats, field } = require('../../../packages/writer');
const { readSnapshot } = require('../../../packages/cli');
const { decodeLayout } = require('../../../packages/format');

class Sized extends BaseMmStats {
  static fields = {};
}
for (let i = 0; i < 1000; i++) {
  const label = `service.part${i % 17}.metric${i}`;
  Sized.fields[`f${i}`] = i % 3 === 2 ? field.string({ label }) : i % 2 ? field.double({ label }) : field.counter({ label });
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmstats-decode-'));
const writers = Array.from({ length: 8 }, (_, i) => new Sized({ path: dir, filename: `d${i}.mmstats` }));
const files = writers.map((stats) => stats.filename);

(async () => {
  const bytes = fs.readFileSync(files[0]);
  for (let i = 0; i < 200; i++) decodeLayout(bytes);
  let started = process.hrtime.bigint();
  for (let i = 0; i < 500; i++) decodeLayout(bytes);
  const perRecord = Number(process.hrtime.bigint() - started) / 1e3 / 500 / 1000;
  const snapshot = async () => {
    for (const file of files) if ((await readSnapshot({ file, path: file })).error) throw new Error(`cannot read ${file}`);
  };
  for (let i = 0; i < 20; i++) await snapshot();
  const times = [];
  for (let i = 0; i < 61; i++) {
    started = process.hrtime.bigint();
    await snapshot();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ decodeLayoutMicrosPerRecord: +perRecord.toFixed(3), warmSnapshotMs: +times[30].toFixed(3) }) + '\n');
  for (const stats of writers) stats.remove();
  fs.rmSync(dir, { recursive: true, force: true });
})();
