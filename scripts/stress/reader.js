// A reader of the stress test, started by run.js with fork(): decodes the writer's file over and
// over, checks every value, and reports its counts.
//   node scripts/stress/reader.js <file> <stable|naive|per-field> <value reads> [max copies]
// stable:    through @mmstats/format's readStableFile (SPEC.md §8.3), as our tools read;
// naive:     one read of the whole file decoded with decodeFile, the plain format v1 rule;
// per-field: the plain rule one record at a time, as the original reader walks a mapping: read
//            the write-buffer byte, then the slot it designates (a wider window for tearing).
const { closeSync, fstatSync, openSync, readSync } = require('node:fs');
const { decodeFile, decodeLayout, readSlot, readStableFile, toDataView } = require('@mmstats/format');
const { Checker } = require('./values');

const [file, mode, wanted, maxCopiesText] = process.argv.slice(2);
const target = Number(wanted);
const maxCopies = maxCopiesText ? Number(maxCopiesText) : undefined;

const fd = openSync(file, 'r');
const size = fstatSync(fd).size;

/** A fresh copy of `length` bytes at `offset` (pread). */
function readAt(offset, length) {
  const bytes = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, bytes, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return bytes.subarray(0, done);
}

const checker = new Checker();
const counts = { mode, reads: 0, fileReads: 0, copies: 0, unstable: 0, blank: 0, torn: {}, invalid: {}, unstableLabels: {}, examples: [] };

function count(table, label) {
  table[label] = (table[label] ?? 0) + 1;
}

function checkRecords(records) {
  for (const { label, value } of records) {
    const verdict = checker.check(label, value);
    counts.reads++;
    if (verdict === 'ok') continue;
    if (verdict === 'blank') {
      counts.blank++;
      continue;
    }
    count(verdict === 'torn' ? counts.torn : counts.invalid, label);
    if (counts.examples.length < 5) counts.examples.push({ label, value: typeof value === 'bigint' ? `${value}n` : value });
  }
}

/** The plain v1 rule applied record by record, each access a separate read. */
function readPerField(layout) {
  return layout.map((record) => {
    const writeIndex = readAt(record.writeIndexOffset, 1)[0];
    const at = record.buffered ? record.slotOffsets[writeIndex ^ 1] : record.slotOffsets[0];
    return { label: record.label, value: readSlot(toDataView(readAt(at, record.type.size)), 0, record.type) };
  });
}

const layout = decodeLayout(readAt(0, size), { path: file });
while (counts.reads < target) {
  counts.fileReads++;
  if (mode === 'per-field') {
    counts.copies += 2 * layout.length;
    checkRecords(readPerField(layout));
  } else if (mode === 'naive') {
    counts.copies++;
    checkRecords(decodeFile(readAt(0, size), { path: file }));
  } else {
    const read = readStableFile(readAt, size, { path: file, maxCopies });
    counts.copies += read.copies;
    counts.unstable += read.unstable.length;
    for (const record of read.unstable) count(counts.unstableLabels, record.label);
    checkRecords(read.records);
  }
}
closeSync(fd);
process.send(counts, () => process.disconnect());
