// The deterministic writer of scripts/smoke.sh: `node scripts/smoke/writer.js <dir>` writes two
// stats files with fixed names and known values, then exits (the files stay, as after any exit).
//   fields.mmstats: every field type, no process fields, so every byte is the same on every run
//                   (on machines with 4 KiB pages: the file is padded to whole pages).
//   app.mmstats:    what an application publishes: MmStats with its process fields, which vary
//                   between runs and machines and which the smoke test excludes from slurp.
const { BaseMmStats, MmStats, field } = require('@mmstats/writer');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/smoke/writer.js <directory>');
  process.exit(2);
}

class EveryField extends BaseMmStats {
  static fields = {
    requests: field.counter(),
    bytes: field.uint64(),
    huge: field.uint64({ label: 'bytes.huge' }),
    connections: field.uint(),
    drift: field.int(),
    temperature: field.short(),
    port: field.ushort(),
    level: field.byte(),
    healthy: field.bool(),
    ratio: field.float(),
    load: field.double(),
    state: field.string({ size: 16 }),
    meanSize: field.average({ label: 'mean_size' }),
    recentSize: field.movingAverage({ label: 'recent_size', size: 4 }),
    // A timer holds the mean and the latest of its durations: never started, both read 0 on every run.
    idleTimer: field.timer({ label: 'idle_timer' }),
    // A histogram: a counter per bucket (not cumulative), a count and a sum.
    latency: field.histogram({ buckets: [0.01, 0.1, 1], unit: 'seconds' }),
    release: field.staticUInt({ value: 7 }),
    offset: field.staticInt64({ value: -42 }),
    capacity: field.staticUInt64({ value: 2n ** 63n + 1n }),
    scale: field.staticFloat({ value: 0.5 }),
    pi: field.staticDouble({ value: Math.PI }),
    build: field.staticText({ value: 'smoke-build-1' }),
  };
}

const stats = new EveryField({ path: dir, filename: 'fields.mmstats' });
stats.requests.inc();
stats.requests.inc(41);
stats.bytes = 2 ** 40;
stats.huge = 2n ** 64n - 1n;
stats.connections = -1; // wraps to 4294967295
stats.drift = -123456;
stats.temperature = -40;
stats.port = 8080;
stats.level = 200; // wraps to -56
stats.healthy = true;
stats.ratio = 0.1;
stats.load = 2.25;
stats.state = 'status: ✓✓✓✓'; // 20 bytes of UTF-8 into 16: cut on a character boundary, to 'status: ✓✓'
for (const size of [10, 20, 30, 40]) stats.meanSize.add(size);
for (const size of [1, 2, 3, 4, 5, 6]) stats.recentSize.add(size);
for (const seconds of [0.005, 0.05, 0.05, 0.5, 2]) stats.latency.observe(seconds);

class App extends MmStats {
  static fields = {
    hits: field.counter({ label: 'web.hits' }),
    lastPath: field.string({ label: 'web.last_path', size: 32 }),
  };
}

const app = new App({ path: dir, filename: 'app.mmstats' });
app.hits.inc(3);
app.lastPath = '/status';
