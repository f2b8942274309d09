// Long fuzz run of the readers: <count> hostile files (mutated, truncated, spliced, random and
// hand-made hostile ones, see corpus.js), in batches in a temporary directory. Each file is
// decoded by @mmstats/format (records inside the bytes, or a DecodeError naming the file, never
// another exception), then `mmstats slurp`, `slurp --json`, `poll` and `clean` run over each batch
// (see check.js). Prints a summary and exits 1 on any problem or if the process grew past 1 GiB.
//   node scripts/fuzz/run.js [count] [--seed N] [--batch N]
// count: files in all (default 100000); seed: first batch's seed (default 1); batch: files per
// directory (default 2000). Needs a build (`npx tsc -b`).
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { DecodeError, decodeFile } = require('@mmstats/format');
const { main, memoryIo } = require('@mmstats/cli');
const { corpus } = require('./corpus');
const { checkCommands } = require('./check');

/** Resident memory the run may reach: far above what decoding a batch needs. */
const MAX_RSS_BYTES = 1024 ** 3;

function parseArgs(argv) {
  const options = { count: 100_000, seed: 1, batch: 2000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--seed' || arg === '--batch') options[arg.slice(2)] = Number(argv[++i]);
    else if (/^\d+$/.test(arg)) options.count = Number(arg);
    else throw new Error(`unknown argument ${arg}; usage: node scripts/fuzz/run.js [count] [--seed N] [--batch N]`);
  }
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  }
  return options;
}

/** What is wrong with decoding `bytes` as file `name`, or undefined; counts the outcome. */
function checkDecode(name, bytes, tally) {
  let records;
  try {
    records = decodeFile(bytes, { path: name });
  } catch (error) {
    tally.rejected++;
    if (!(error instanceof DecodeError)) return `${name}: threw ${error && error.stack}`;
    if (!error.message.startsWith(`${name}: `)) return `${name}: error does not name the file: ${error.message}`;
    if (error.message.length > 700) return `${name}: a message of ${error.message.length} characters`;
    return undefined;
  }
  tally.decoded++;
  let end = 1;
  for (const record of records) {
    if (record.layout.offset !== end || record.layout.end > bytes.length) return `${name}: record ${record.layout.index} outside the file`;
    end = record.layout.end;
  }
  return undefined;
}

async function run() {
  const options = parseArgs(process.argv.slice(2));
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mmstats-fuzz-'));
  const tally = { files: 0, decoded: 0, rejected: 0, printed: 0, failed: 0, removed: 0 };
  const problems = [];
  let maxRss = 0;
  let slowestDecodeMs = 0;
  const started = process.hrtime.bigint();
  try {
    for (let batch = 0; tally.files < options.count; batch++) {
      const seed = options.seed + batch;
      const size = Math.min(options.batch, options.count - tally.files);
      const dir = path.join(root, `batch-${batch}`);
      fs.mkdirSync(dir);
      const { valid, make } = corpus({ seed, livePid: process.pid, deadPid });
      const expected = {};
      for (const [name, bytes] of Object.entries(valid)) {
        fs.writeFileSync(path.join(dir, name), bytes);
        const io = memoryIo({ cwd: dir });
        await main(['slurp', `./${name}`], io);
        expected[name] = io.out;
      }
      const names = Object.keys(valid);
      for (let i = 0; i < size; i++) {
        const file = make(i);
        const t = process.hrtime.bigint();
        const problem = checkDecode(file.name, file.bytes, tally);
        slowestDecodeMs = Math.max(slowestDecodeMs, Number(process.hrtime.bigint() - t) / 1e6);
        if (problem) problems.push(`seed ${seed} ${problem}`);
        fs.writeFileSync(path.join(dir, file.name), file.bytes);
        names.push(file.name);
      }
      const result = await checkCommands({ main, memoryIo, dir, names, expected, live: 'valid-live.mmstats', dead: 'valid-dead.mmstats' });
      problems.push(...result.problems.map((p) => `seed ${seed}: ${p}`));
      tally.files += size;
      tally.printed += result.printed;
      tally.failed += result.failed;
      tally.removed += result.removed;
      fs.rmSync(dir, { recursive: true, force: true });
      maxRss = Math.max(maxRss, process.memoryUsage().rss);
      if (maxRss > MAX_RSS_BYTES) problems.push(`resident memory reached ${maxRss} bytes`);
      process.stderr.write(`\rfuzz: ${tally.files}/${options.count} files`);
      if (problems.length > 0) break;
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write('\n');
  console.log(`fuzz files:            ${tally.files} (seeds ${options.seed}…, ${options.batch} per batch)`);
  console.log(`decoder:               ${tally.decoded} decoded, ${tally.rejected} DecodeError, slowest file ${slowestDecodeMs.toFixed(1)} ms`);
  console.log(`slurp (with 2 valid):  ${tally.printed} printed, ${tally.failed} per-file errors`);
  console.log(`clean:                 ${tally.removed} removed (files naming the dead pid), none failed`);
  console.log(`time:                  ${seconds.toFixed(1)} s; max resident memory ${(maxRss / 1024 ** 2).toFixed(0)} MiB`);
  if (problems.length > 0) {
    console.log(`PROBLEMS (${problems.length}):`);
    for (const p of problems.slice(0, 20)) console.log(`  ${p}`);
    process.exitCode = 1;
  } else {
    console.log('no problems');
  }
}

run().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
