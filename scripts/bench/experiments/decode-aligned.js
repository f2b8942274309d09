'use strict';
// Cost of decodeLayout per record on a file laid out as the original packs it and on the same
// records with aligned slots (signatures padded with spaces, SPEC.md §4.5). 1,000 fields as in
// decode-layout.js (counters, doubles, 255-byte strings) plus the default model's sys.* records.
// The two layouts are timed in alternating rounds, so a busy machine slows both alike.
// Usage: node scripts/bench/experiments/decode-aligned.js [FORMAT_PACKAGE_DIR] (after `npx tsc -b`)
//   FORMAT_PACKAGE_DIR: the @mmstats/format to time (default: this checkout's); another checkout's
//   build times the packed file only when it does not know the aligned layout.
const path = require('node:path');
const format = require(path.resolve(process.argv[2] ?? path.join(__dirname, '../../../packages/format')));
const { encodeFile, decodeLayout } = require(path.join(__dirname, '../../../packages/format'));

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
const files = { original: encodeFile(specs).bytes, aligned: encodeFile(specs, { layout: 'aligned' }).bytes };
const decode = format.decodeLayout;
const canReadAligned = (() => {
  try {
    return decode(files.aligned).length === specs.length;
  } catch {
    return false;
  }
})();
const layouts = canReadAligned ? ['original', 'aligned'] : ['original'];
if (decodeLayout(files.aligned).length !== specs.length) throw new Error('the aligned file does not decode');

const ROUNDS = 15;
const PER_ROUND = 300;
const samples = Object.fromEntries(layouts.map((name) => [name, []]));
for (const name of layouts) for (let i = 0; i < 300; i++) decode(files[name]);
for (let round = 0; round < ROUNDS; round++) {
  for (const name of layouts) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) decode(files[name]);
    samples[name].push(Number(process.hrtime.bigint() - started) / PER_ROUND / specs.length);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const result = Object.fromEntries(layouts.map((name) => [`${name}NsPerRecord`, +median(samples[name]).toFixed(1)]));
if (canReadAligned) result.alignedOverOriginal = +(median(samples.aligned) / median(samples.original)).toFixed(3);
result.fileBytes = { original: files.original.length, aligned: files.aligned.length };
process.stdout.write(JSON.stringify(result) + '\n');
