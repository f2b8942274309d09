'use strict';
// Cost of decodeLayout per record on a file laid out as the original packs it and on the same
// records with aligned slots (signatures padded with spaces, SPEC.md §4.5). 1,000 fields as in
// decode-layout.js (counters, doubles, 255-byte strings) plus the default model's sys.* records.
// The cases are timed in alternating rounds in one process, so a busy machine slows all alike.
// Usage: node scripts/bench/experiments/decode-aligned.js [BASELINE_FORMAT_DIR] (after `npx tsc -b`)
//   BASELINE_FORMAT_DIR: another checkout's built packages/format (such as the main branch's):
//   its decodeLayout is timed on the packed file too, to compare the unpadded case before/after.
const path = require('node:path');
const { encodeFile, decodeLayout } = require(path.join(__dirname, '../../../packages/format'));
const baseline = process.argv[2] === undefined ? undefined : require(path.resolve(process.argv[2])).decodeLayout;

const specs = [
  { label: 'sys.pid', signature: 'I', buffered: false, initial: 1234 },
  { label: 'sys.tid', signature: 'q', buffered: false, initial: 1234 },
  { label: 'sys.uid', signature: 'Q', buffered: false },
  { label: 'sys.gid', signature: 'Q', buffered: false },
  { label: 'org.nodejs.version', signature: '256s', buffered: false, initial: process.version },
  { label: 'sys.created', signature: 'd', buffered: false, initial: 1.7e9 },
];
for (let i = 0; i < 1000; i++) {
  const label = `service.part${i % 17}.metric${i}`;
  specs.push({ label, signature: i % 3 === 2 ? '255s' : i % 2 ? 'd' : 'Q', buffered: i % 3 !== 2 });
}
const original = encodeFile(specs).bytes;
const aligned = encodeFile(specs, { layout: 'aligned' }).bytes;
const cases = { original: () => decodeLayout(original), aligned: () => decodeLayout(aligned) };
if (baseline) cases.baselineOriginal = () => baseline(original);
for (const [name, run] of Object.entries(cases)) if (run().length !== specs.length) throw new Error(`${name}: wrong record count`);

const ROUNDS = 21;
const PER_ROUND = 200;
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (const run of Object.values(cases)) for (let i = 0; i < 300; i++) run();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(cases)) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) run();
    samples[name].push(Number(process.hrtime.bigint() - started) / PER_ROUND / specs.length);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const result = Object.fromEntries(Object.keys(cases).map((name) => [`${name}NsPerRecord`, +median(samples[name]).toFixed(1)]));
result.alignedOverOriginal = +(median(samples.aligned) / median(samples.original)).toFixed(3);
if (baseline) result.originalOverBaseline = +(median(samples.original) / median(samples.baselineOriginal)).toFixed(3);
result.fileBytes = { original: original.length, aligned: aligned.length };
process.stdout.write(JSON.stringify(result) + '\n');
