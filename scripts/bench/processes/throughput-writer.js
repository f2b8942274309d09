'use strict';
// The writer of the reader-impact benchmark: on each stdin line "measure <ms>", increments four
// counters as fast as it can for that long and prints the number of increments per millisecond.
const { BaseMmStats, field } = require('../../../packages/writer');

const [dir] = process.argv.slice(2);
class Busy extends BaseMmStats {
  static fields = { a: field.counter(), b: field.counter(), c: field.counter(), d: field.counter(), load: field.double() };
}
const stats = new Busy({ path: dir, filename: 'busy.mmstats' });

function burst(n) {
  const s = stats;
  for (let i = 0; i < n; i += 4) {
    s.a.inc();
    s.b.inc();
    s.c.inc();
    s.d.inc();
  }
}

function measure(ms) {
  const started = performance.now();
  let ops = 0;
  while (performance.now() - started < ms) {
    burst(100000);
    ops += 100000;
  }
  return ops / (performance.now() - started);
}

measure(200);
process.stdout.write(`READY ${stats.filename}\n`);
process.stdin.setEncoding('utf8');
let pending = '';
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf('\n')) >= 0) {
    const [command, ms] = pending.slice(0, newline).split(' ');
    pending = pending.slice(newline + 1);
    if (command === 'measure') process.stdout.write(`OPS ${measure(Number(ms))}\n`);
  }
});
