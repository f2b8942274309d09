'use strict';
// How often does a counter incremented in a tight loop (about 10^8 times a second) come back
// unstable from the read protocol (SPEC.md §8.3), and what does it cost, as a function of the most
// copies a read may make? A value can only be confirmed while the writer is not running between
// two copies (it is descheduled, or taken by an interrupt), so more copies spread over more time
// give the read more chances to catch such a moment. Each read is a fresh `readStableFile` of the
// whole file, as `mmstats slurp` does.
// Usage: node scripts/bench/experiments/unstable-patience.js [reads=2000] [copies=16,64,256,1024,4096]
// (after `npx tsc -b`)
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { readStableFile } = require('../../../packages/format');

const READS = Number(process.argv[2] ?? 2000);
const COPIES = (process.argv[3] ?? '16,64,256,1024,4096').split(',').map(Number);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmstats-patience-'));
const writer = spawn(process.execPath, [path.join(__dirname, '../../../packages/cli/test/fixtures/hammer-writer.js'), dir], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
writer.stdout.once('data', (chunk) => {
  const file = JSON.parse(String(chunk).split('\n')[0]).file;
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  const readAt = (offset, length) => {
    const bytes = Buffer.allocUnsafe(length);
    return bytes.subarray(0, fs.readSync(fd, bytes, 0, length, offset));
  };
  console.log(`${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, ${READS} reads per row`);
  // Rows take turns so that a change of load during the run touches every row alike.
  const rows = COPIES.map((maxCopies) => ({ maxCopies, unstable: 0, copies: 0, ms: 0 }));
  for (let i = 0; i < READS; i++) {
    for (const row of rows) {
      const started = process.hrtime.bigint();
      const read = readStableFile(readAt, size, { maxCopies: row.maxCopies });
      row.ms += Number(process.hrtime.bigint() - started) / 1e6;
      row.copies += read.copies;
      if (read.unstable.length > 0) row.unstable++;
    }
  }
  for (const row of rows) {
    const share = ((100 * row.unstable) / READS).toFixed(1);
    console.log(`maxCopies ${String(row.maxCopies).padStart(5)}: unstable in ${row.unstable} of ${READS} reads (${share}%), ${(row.copies / READS).toFixed(1)} copies and ${(row.ms / READS).toFixed(3)} ms per read`);
  }
  fs.closeSync(fd);
  writer.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});
