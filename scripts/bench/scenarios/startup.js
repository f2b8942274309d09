'use strict';
// Start-up: `mmstats --version` and `mmstats slurp <one small file>` against a bare `node -e 0`,
// each run `RUNS` times in turns (so a burst of load falls on all three alike), output to
// /dev/null. Each run's CPU time (user + system of the command's process) and wall time come from
// bash: `times` reports the children's rusage, $EPOCHREALTIME the wall clock around the command,
// so bash's own start-up is counted in neither. The report is the median of each.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { quick, median, scratchDirectory, report } = require('../lib/harness');
const { REPO, MMSTATS } = require('../lib/processes');

const RUNS = quick ? 7 : 20;

// "$@" is the command; prints the exit code, then `times` (the shell's own line, then the
// children's), then the wall-clock start and end in seconds.
const RUNNER = 'started=$EPOCHREALTIME; "$@" >/dev/null 2>&1; code=$?; ended=$EPOCHREALTIME; echo $code; times; echo $started $ended';

/** Seconds in bash's `times` notation (`1m2.345s`). */
function timesSeconds(text) {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  if (!match) throw new Error(`unexpected bash times output: ${text}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Runs `command` once; resolves its CPU and wall time in milliseconds. */
function timeOnce(command) {
  const result = spawnSync('bash', ['-c', RUNNER, 'startup', ...command], { encoding: 'utf8' });
  const lines = result.stdout.trim().split('\n');
  if (result.status !== 0 || lines.length !== 4) throw new Error(`bash runner failed: ${result.stderr}`);
  if (lines[0] !== '0') throw new Error(`${command.join(' ')} exited with ${lines[0]}`);
  const [user, system] = lines[2].split(' ').map(timesSeconds);
  const [started, ended] = lines[3].split(' ').map(Number);
  return { cpuMs: (user + system) * 1000, wallMs: (ended - started) * 1000 };
}

/** A small stats file, written by the smoke test's deterministic writer. */
function smallFile() {
  const dir = scratchDirectory('startup');
  const written = spawnSync(process.execPath, [join(REPO, 'scripts/smoke/writer.js'), dir], { stdio: 'inherit' });
  if (written.status !== 0) throw new Error('the smoke writer failed');
  return join(dir, 'fields.mmstats');
}

function main() {
  const file = smallFile();
  const commands = [
    { name: 'node -e 0', args: [process.execPath, '-e', '0'] },
    { name: 'mmstats --version', args: [process.execPath, MMSTATS, '--version'] },
    { name: 'mmstats slurp <one small file>', args: [process.execPath, MMSTATS, 'slurp', file] },
  ];
  for (const { args } of commands) timeOnce(args); // warm the page cache
  const times = commands.map(() => []);
  for (let run = 0; run < RUNS; run++) commands.forEach(({ args }, i) => times[i].push(timeOnce(args)));
  const rows = [];
  commands.forEach(({ name }, i) => {
    for (const [measure, key] of [['CPU', 'cpuMs'], ['wall', 'wallMs']]) {
      const row = { group: 'startup', name: `${name}, ${measure}`, value: median(times[i].map((t) => t[key])), unit: 'ms' };
      if (i > 0) row.baseline = `${commands[0].name}, ${measure}`;
      rows.push(row);
    }
  });
  report(rows);
}

main();
