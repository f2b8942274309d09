'use strict';
// A writer process for the read benchmarks: creates one stats file with `fields` fields (counters,
// doubles and a few strings, like an instrumented service), writes them, prints READY, then either
// idles or, on the line "block" on stdin, blocks its event loop in a busy write loop for `ms`.
// Usage: node mmstats-writer.js <dir> <name> <fields>
const { BaseMmStats, field } = require('../../../packages/writer');

const [dir, name, fieldsArg] = process.argv.slice(2);
const count = Number(fieldsArg);

class Service extends BaseMmStats {
  static fields = {};
}
for (let i = 0; i < count; i++) {
  const label = `service.part${i % 17}.metric${i}`;
  Service.fields[`f${i}`] = i % 10 === 9 ? field.string({ size: 32, label }) : i % 2 ? field.double({ label }) : field.counter({ label });
}
const stats = new Service({ path: dir, filename: `${name}.mmstats` });
const keys = Object.keys(Service.fields);

function writeRound(round) {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (i % 10 === 9) stats[key] = `round ${round}`;
    else if (i % 2) stats[key] = round + i / 7;
    else stats[key].inc();
  }
}
writeRound(0);
process.stdout.write('READY\n');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line) => {
  const [command, ms] = line.trim().split(' ');
  if (command === 'block') {
    process.stdout.write('BLOCKED\n');
    const until = Date.now() + Number(ms);
    let round = 1;
    while (Date.now() < until) writeRound(round++);
    process.stdout.write('UNBLOCKED\n');
  }
  if (command === 'exit') process.exit(0);
});
