'use strict';
// The writer of the label-append stress test: once it reads a line on standard input, adds
// `series` labelled series to a registry file, 20 at a time with a pause between (so that readers
// see the file at many sizes), incrementing them as it goes, then sets `stress.done` to 1.
// Usage: node append-writer.js <dir> <series> [label-length-first]
// `label-length-first` is the control: the same series added in the wrong order (the label length
// stored before the rest of the record, with a pause between), which the readers must catch.
const { openSync } = require('node:fs');
const { Registry } = require('@mmstats/writer');
const { prepareRecord, publishRecord, seriesLabel } = require('@mmstats/format');

const [dir, seriesArg, mode] = process.argv.slice(2);
const series = Number(seriesArg);
const registry = new Registry({ path: dir, filename: 'append.mmstats', reserve: 2 * 1024 * 1024 });
const family = registry.counter('stress.series', { labels: ['n'], maxLabelSets: series });
const done = registry.gauge('stress.done');
process.stdout.write(`${registry.filename}\n`);
let n = 0;
function addSome() {
  for (const end = Math.min(n + 20, series); n < end; n++) {
    family.labels({ n }).inc(n);
    // Rewrite older series too, so readers also see slots changing while records are added.
    family.labels({ n: n >> 1 }).inc();
  }
  if (n < series) setTimeout(addSome, 1);
  else done.set(1);
}

// The control writes into its own mapping of the registry's file, as a broken writer would.
let mapping;
let index = 9; // the registry's own records come first
function addSomeWrongly() {
  for (const end = Math.min(n + 20, series); n < end; n++) {
    const record = prepareAside(seriesLabel('stress.series', ['n'], [String(n)]));
    publishRecord(mapping, record.layout); // the label length first …
    const until = performance.now() + 0.05;
    while (performance.now() < until); // … a pause a reader can fall into …
    mapping.set(record.body, record.layout.offset + 2); // … then the rest
  }
  if (n < series) setTimeout(addSomeWrongly, 1);
  else done.set(1);
}

/** The record's layout and bytes, prepared on a copy of the mapping so that nothing is written yet. */
function prepareAside(label) {
  const copy = new Uint8Array(mapping);
  const layout = prepareRecord(copy, { label, signature: 'Q', buffered: true }, index++);
  return { layout, body: copy.slice(layout.offset + 2, layout.end) };
}

if (mode === 'label-length-first') {
  const mmap = require('@riaskov/mmap-io');
  const fd = openSync(registry.filename, 'r+');
  const size = registry.fileSize;
  const shared = mmap.map(size, mmap.PROT_READ | mmap.PROT_WRITE, mmap.MAP_SHARED, fd, 0);
  mapping = new Uint8Array(shared.buffer, shared.byteOffset, size);
  process.stdin.once('data', addSomeWrongly);
} else {
  process.stdin.once('data', addSome);
}
