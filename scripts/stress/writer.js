// The writer of the stress test, started by run.js with fork(): publishes every field of
// StressStats as fast as it can until told to stop, then reports how many publications it made.
//   node scripts/stress/writer.js <directory>
const { StressStats, publish } = require('./values');

/** Publications between two looks at the event loop (for the stop message). */
const BURST = 5000;

const dir = process.argv[2];
const stats = new StressStats({ path: dir, filename: 'stress.mmstats' });
let published = 0;
let stopping = false;

process.on('message', (message) => {
  if (message === 'stop') stopping = true;
});

function burst() {
  for (let i = 0; i < BURST; i++) publish(stats, published++);
  if (!stopping) {
    setImmediate(burst);
    return;
  }
  stats.remove();
  process.send({ published }, () => process.disconnect());
}

publish(stats, published++); // readers never see the zeros of a new file
process.send({ file: stats.filename });
setImmediate(burst);
