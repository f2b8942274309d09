// `npm run stress`: one writer process publishes every field type as fast as it can while reader
// processes decode its file concurrently and check every value (see values.js). Phase "stable"
// reads through our read protocol (SPEC.md §8.3) and must see no torn or invalid value; phases
// "naive" (one copy of the file) and "per-field" (the original reader's record-by-record reads)
// apply the plain format v1 rule, to show what the protocol prevents. Prints a table per phase
// and exits 1 if the stable phase saw any torn or invalid value.
//   node scripts/stress/run.js [--reads N] [--readers N] [--max-copies N] [--stable-only]
// --reads: value reads per phase, over all readers (default 10^7).
const { fork } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const WRITER = join(__dirname, 'writer.js');
const READER = join(__dirname, 'reader.js');

/** Resolves with the next message of `child`; rejects if it exits first. */
function nextMessage(child, what) {
  return new Promise((resolve, reject) => {
    const onExit = (code, signal) => reject(new Error(`${what} exited (${signal ?? code}) before reporting`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

/** The readers' counts of one phase, added up. */
function total(phase, results, seconds) {
  const sum = { phase, readers: results.length, seconds, reads: 0, fileReads: 0, copies: 0, unstable: 0, blank: 0, torn: {}, invalid: {}, unstableLabels: {}, examples: [] };
  for (const r of results) {
    for (const key of ['reads', 'fileReads', 'copies', 'unstable', 'blank']) sum[key] += r[key];
    for (const key of ['torn', 'invalid', 'unstableLabels']) {
      for (const [label, n] of Object.entries(r[key])) sum[key][label] = (sum[key][label] ?? 0) + n;
    }
    sum.examples.push(...r.examples);
  }
  sum.tornCount = Object.values(sum.torn).reduce((a, b) => a + b, 0);
  sum.invalidCount = Object.values(sum.invalid).reduce((a, b) => a + b, 0);
  return sum;
}

/**
 * Runs the stress test: a writer, then for each phase `readers` reader processes sharing
 * `reads` value reads. Resolves with one summary per phase and the writer's publication count.
 */
async function runStress({ reads = 1e7, readers = 3, maxCopies, phases = ['stable', 'naive', 'per-field'] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mmstats-stress-'));
  const writer = fork(WRITER, [dir], { stdio: 'inherit' });
  try {
    const { file } = await nextMessage(writer, 'the writer');
    const summaries = [];
    for (const phase of phases) {
      const started = process.hrtime.bigint();
      const share = Math.ceil(reads / readers);
      const args = [file, phase, String(share), ...(maxCopies ? [String(maxCopies)] : [])];
      const children = Array.from({ length: readers }, (_, i) => fork(READER, args, { stdio: 'inherit' }));
      let results;
      try {
        results = await Promise.all(children.map((child, i) => nextMessage(child, `reader ${i + 1}`)));
      } finally {
        // One reader failing rejects at once: stop the others rather than leave them running.
        for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
      }
      summaries.push(total(phase, results, Number(process.hrtime.bigint() - started) / 1e9));
    }
    writer.send('stop');
    const { published } = await nextMessage(writer, 'the writer');
    return { summaries, published };
  } finally {
    if (writer.exitCode === null) writer.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function formatSummary(s) {
  const rows = [
    ['value reads', s.reads],
    ['file reads', s.fileReads],
    ['reads of the file', s.copies],
    ['copies beyond two per file read', s.phase === 'stable' ? s.copies - 2 * s.fileReads : '-'],
    ['unstable (no value given)', s.phase === 'stable' ? s.unstable : '-'],
    ['in-place string read blank', s.blank],
    ['torn values', s.tornCount],
    ['invalid values', s.invalidCount],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [`phase ${s.phase}: ${s.readers} readers, ${s.seconds.toFixed(1)} s`];
  for (const [name, value] of rows) lines.push(`  ${name.padEnd(width)}  ${String(value).padStart(12)}`);
  for (const [title, table] of [['torn by label', s.torn], ['invalid by label', s.invalid], ['unstable by label', s.unstableLabels]]) {
    const entries = Object.entries(table);
    if (entries.length > 0) lines.push(`  ${title}: ${entries.map(([label, n]) => `${label} ${n}`).join(', ')}`);
  }
  if (s.examples.length > 0) lines.push(`  examples: ${s.examples.slice(0, 3).map((e) => `${e.label}=${JSON.stringify(e.value)}`).join(', ')}`);
  return lines.join('\n');
}

function parseArgs(argv) {
  const options = { phases: ['stable', 'naive', 'per-field'] };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const number = (least) => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < least) throw new Error(`${name} needs a whole number of at least ${least}, got ${argv[i]}`);
      return value;
    };
    if (name === '--reads') options.reads = number(1);
    else if (name === '--readers') options.readers = number(1);
    else if (name === '--max-copies') options.maxCopies = number(2); // a value is confirmed by two copies
    else if (name === '--stable-only') options.phases = ['stable'];
    else throw new Error(`unknown option ${name}`);
  }
  return options;
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`stress: ${err.message}`);
    process.exit(2);
  }
  const { summaries, published } = await runStress(options);
  console.log(`writer: ${published} publications of every field`);
  for (const summary of summaries) console.log(formatSummary(summary));
  const stable = summaries.find((s) => s.phase === 'stable');
  const failed = stable.tornCount + stable.invalidCount > 0;
  console.log(failed ? 'FAIL: the read protocol returned torn or invalid values' : 'OK: no torn or invalid value through the read protocol');
  process.exitCode = failed ? 1 : 0;
}

module.exports = { runStress, formatSummary };

if (require.main === module) {
  main().catch((err) => {
    console.error(`stress: ${err.stack ?? err}`);
    process.exitCode = 1;
  });
}
