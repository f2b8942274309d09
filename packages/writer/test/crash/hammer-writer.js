// A writer process for the crash tests: creates a stats file, then publishes iteration i into
// every field, as fast as it can. Run from the repository root after `npx tsc -b`.
//
//   node hammer-writer.js <dir> <filename> every        reports each iteration on stdout (fd 1)
//   node hammer-writer.js <dir> <filename> until <stop>  reports every 1000th; exits 0 once <stop> exists
//   node hammer-writer.js <dir> <filename> removed       remove(), then a million writes and flush(); exits 0
//
// Reports use a synchronous write (retried while the pipe is full), so a report that was written is never lost when the process is
// killed afterwards: the parent knows iteration i was published in full before the report of i.
'use strict';
const { existsSync, writeSync } = require('node:fs');
const { BaseMmStats, field } = require('@mmstats/writer');

class Hammer extends BaseMmStats {
  static fields = {
    a: field.uint64(),
    n: field.counter(),
    half: field.double(),
    small: field.uint(),
    text: field.string({ size: 24 }),
  };
}

/** Writes one line to stdout, waiting while the pipe is full (Node makes it non-blocking). */
function report(line) {
  for (;;) {
    try {
      writeSync(1, `${line}\n`); // short lines: one atomic pipe write (below PIPE_BUF)
      return;
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
    }
  }
}

const [directory, filename, mode, stopFile] = process.argv.slice(2);
const stats = new Hammer({ path: directory, filename });
report(`ready ${stats.filename}`);

function publish(i) {
  stats.a = i;
  stats.n.inc();
  stats.half = i / 2;
  stats.small = i;
  stats.text = `n=${String(i).padStart(12, '0')}`;
}

if (mode === 'every') {
  for (let i = 1; ; i++) {
    publish(i);
    report(i);
  }
} else if (mode === 'until') {
  for (let i = 1; ; i++) {
    publish(i);
    if (i % 1000 === 0) {
      report(i);
      if (existsSync(stopFile)) {
        report(`done ${stats.n.value}`);
        break;
      }
    }
  }
} else if (mode === 'removed') {
  stats.remove();
  for (let i = 1; i <= 1_000_000; i++) publish(i);
  stats.flush();
  report(`done ${stats.n.value} ${stats.a}`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
