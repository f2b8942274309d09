'use strict';
// The file set of `npm run bench -- cli`: `count` stats files written by our writer, each an
// `MmStats` (its sys.* process fields) with 500 counters `app.counter.N` and 500 doubles
// `app.gauge.N`, as an instrumented service would have. Prints READY once every file is published,
// then moves every value once every `tickMs` (a live service) until its stdin closes; the files stay.
// Usage: node cli-files.js <dir> <count> <tickMs>
const { MmStats, field } = require('../../../packages/writer');

const [dir, countArg, tickArg] = process.argv.slice(2);
const COUNTERS = 500;
const GAUGES = 500;

class App extends MmStats {
  static fields = {};
}
for (let i = 0; i < COUNTERS; i++) App.fields[`counter${i}`] = field.counter({ label: `app.counter.${i}` });
for (let i = 0; i < GAUGES; i++) App.fields[`gauge${i}`] = field.double({ label: `app.gauge.${i}` });

const files = [];
for (let f = 0; f < Number(countArg); f++) files.push(new App({ path: dir, filename: `app-${String(f).padStart(3, '0')}.mmstats` }));

const counterKeys = Object.keys(App.fields).filter((key) => key.startsWith('counter'));
const gaugeKeys = Object.keys(App.fields).filter((key) => key.startsWith('gauge'));

function move(round) {
  files.forEach((stats, f) => {
    counterKeys.forEach((key, i) => stats[key].inc(i + 1));
    gaugeKeys.forEach((key, i) => (stats[key] = round + f + i / 7));
  });
}
let round = 0;
move(round++);
process.stdout.write('READY\n');
const timer = setInterval(() => move(round++), Number(tickArg));
process.stdin.on('end', () => clearInterval(timer));
process.stdin.resume();
