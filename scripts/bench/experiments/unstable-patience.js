'use strict';
// How often does a counter incremented in a tight loop (about 10^8 times a second) come back
// unstable from the read protocol (SPEC.md §8.3), and what does it cost, as a function of the
// copies a read may make of it alone after the 16 copies of the span (`patientCopies`; 0 is the
// protocol without step 5)? A value can only be confirmed while the writer is not running between
// two copies (it is descheduled, or taken by an interrupt), so more copies spread over more time
// give the read more chances to catch such a moment. Each read is a fresh `readStableFile` of the
// whole file, as `mmstats slurp` does; the rows take turns, a millisecond apart.
// On a busy machine the writer and the reader often share a CPU, and the writer never runs while
// the reader copies: every read is stable and the question does not arise. `--pin` (Linux,
// `taskset`) puts the reader on CPU 0 and the writer on CPU 1, as on a quiet machine where each
// has a core of its own.
// Usage: node scripts/bench/experiments/unstable-patience.js [--pin] [reads=2000] [patientCopies=0,256,1024,4096]
// (after `npx tsc -b`)
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const { readStableFile } = require('../../../packages/format');
const { withHammeredFile } = require('../lib/processes');

const args = process.argv.slice(2);
const PIN = args[0] === '--pin';
if (PIN) args.shift();
const READS = Number(args[0] ?? 2000);
const PATIENT = (args[1] ?? '0,256,1024,4096').split(',').map(Number);
withHammeredFile(async (readAt, size, writerPid) => {
  if (PIN) {
    execFileSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-pc', '1', String(writerPid)], { stdio: 'ignore' });
  }
  console.log(`${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, ${READS} reads per row${PIN ? ', reader on CPU 0 and writer on CPU 1' : ''}`);
  // Rows take turns so that a change of load during the run touches every row alike.
  const rows = PATIENT.map((patientCopies) => ({ patientCopies, unstable: 0, copies: 0, ms: 0, slowest: 0 }));
  for (let i = 0; i < READS; i++) {
    // Spaced like the reads of a tool (and so that the writer is surely running meanwhile).
    await new Promise((resolve) => setTimeout(resolve, 1));
    for (const row of rows) {
      const started = process.hrtime.bigint();
      const read = readStableFile(readAt, size, { patientCopies: row.patientCopies });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      row.ms += ms;
      row.slowest = Math.max(row.slowest, ms);
      row.copies += read.copies;
      if (read.unstable.length > 0) row.unstable++;
    }
  }
  for (const row of rows) {
    const share = ((100 * row.unstable) / READS).toFixed(1);
    console.log(
      `patientCopies ${String(row.patientCopies).padStart(5)}: unstable in ${row.unstable} of ${READS} reads (${share}%), ` +
        `${(row.copies / READS).toFixed(1)} copies and ${(row.ms / READS).toFixed(3)} ms per read, slowest ${row.slowest.toFixed(2)} ms`,
    );
  }
});
