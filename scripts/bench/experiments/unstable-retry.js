'use strict';
// Would a second chance help a record that stayed unstable through the 16 copies of the read
// protocol (SPEC.md §8.3)? A writer increments one counter in a tight loop; after every
// readStableFile that leaves it unstable, the record is copied again on its own, twice back to
// back with two tiny preads (readStableRecords with maxCopies 2), up to TRIES times.
// Usage: node scripts/bench/experiments/unstable-retry.js [reads=3000] [tries=8] (after `npx tsc -b`)
const { readStableFile, readStableRecords } = require('../../../packages/format');
const { withHammeredFile } = require('../lib/processes');

const READS = Number(process.argv[2] ?? 3000);
const TRIES = Number(process.argv[3] ?? 8);
withHammeredFile((readAt, size) => {
  let unstable = 0;
  let recovered = 0;
  for (let i = 0; i < READS; i++) {
    const read = readStableFile(readAt, size);
    if (read.unstable.length === 0) continue;
    unstable++;
    for (let t = 0; t < TRIES; t++) {
      if (readStableRecords(readAt, read.unstable, { maxCopies: 2 }).unstable.length === 0) {
        recovered++;
        break;
      }
    }
  }
  process.stdout.write(JSON.stringify({ reads: READS, unstable, recovered, tries: TRIES }) + '\n');
});
