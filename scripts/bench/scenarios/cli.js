'use strict';
// `mmstats slurp` and `mmstats poll` end to end over the file set of issue 14: 200 files written
// by our writer (cli-files.js: 500 counters, 500 doubles and the sys.* fields each), values moving
// once a second as a live service's would. Each command runs in a child process whose CPU time
// (user + system) and peak RSS are measured with its own resource usage (measured.js), start-up
// included. poll's cost per row is the CPU of a run of 1 + ROWS rows less that of a 1-row run,
// divided by ROWS: what each further tick costs once the command runs.
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { quick, median, scratchDirectory, report } = require('../lib/harness');
const { MMSTATS, waitForLine } = require('../lib/processes');

const FILES = 200;
const MEASURED = join(__dirname, '../processes/measured.js');

/**
 * Runs `mmstats args…` to completion, its output read and counted (not kept); resolves with its
 * CPU time in µs, peak RSS in KiB, the lines it printed and its exit code.
 */
function measure(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MEASURED, MMSTATS, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let lines = 0;
    let stderr = '';
    let usage = '';
    child.stdout.on('data', (chunk) => {
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdio[3].on('data', (chunk) => (usage += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`mmstats ${args.join(' ')} exited with ${code}: ${stderr}`));
      const { userUs, systemUs, maxRssKb } = JSON.parse(usage);
      resolve({ cpuUs: userUs + systemUs, maxRssKb, lines });
    });
  });
}

async function main() {
  const dir = scratchDirectory('cli');
  const writer = spawn(process.execPath, [join(__dirname, '../processes/cli-files.js'), dir, String(FILES), '1000'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const rows = [];
  const row = (name, value, unit) => rows.push({ group: 'cli', name, value, unit });
  try {
    await waitForLine(writer, 'READY');

    const slurps = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) slurps.push(await measure(['slurp', dir]));
    // Every file prints a `==>` line and a blank line around its records.
    const records = slurps[0].lines - 2 * FILES;
    const cpu = median(slurps.map((run) => run.cpuUs));
    row(`mmstats slurp, ${FILES} files × ${records / FILES} records: CPU per record (start-up included)`, cpu / records, 'µs');
    row(`mmstats slurp, ${FILES} files: CPU in all`, cpu / 1000, 'ms');
    row(`mmstats slurp, ${FILES} files: peak RSS`, median(slurps.map((run) => run.maxRssKb)) / 1024, 'MB');

    const extraRows = quick ? 3 : 8;
    const fields = 'app.counter.0,app.gauge.0';
    const first = await measure(['poll', '-c', '1', '-d', '1', fields, dir]);
    const longer = await measure(['poll', '-c', String(1 + extraRows), '-d', '1', fields, dir]);
    row(`mmstats poll -d 1, ${FILES} files: CPU per row`, (longer.cpuUs - first.cpuUs) / extraRows / 1e6, 's');
    row(`mmstats poll -d 1, ${FILES} files: CPU of a 1-row run (start-up included)`, first.cpuUs / 1e6, 's');
    row(`mmstats poll -d 1, ${FILES} files: peak RSS`, longer.maxRssKb / 1024, 'MB');
  } finally {
    writer.stdin.end();
    writer.kill();
  }
  report(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
