// `npm run demo`: starts the example cluster server (examples/cluster-server, 4 workers, one stats
// file each) in a temporary stats directory, drives load against it with autocannon while
// `mmstats poll` shows the counters' growth, the latency quantiles of each second, the gauge and
// the event-loop delay live, prints a final `mmstats slurp` of the workers' own files, then stops the server and
// removes the directory. Ctrl-C at any point stops every process it started and removes the files.
const { spawn } = require('node:child_process');
const { mkdtempSync, readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative } = require('node:path');
const { createInterface } = require('node:readline');
const autocannon = require('autocannon');

const ROOT = join(__dirname, '..');
const SERVER = join(ROOT, 'examples/cluster-server/server.js');
const MMSTATS = join(ROOT, 'packages/cli/bin/mmstats');
const LOAD_SECONDS = 5;
const LOAD_PATHS = ['/', '/', '/', '/status', '/500'];
// Counters as growth per second (all requests, and the 5xx ones), the median and 99th percentile
// of the second's latencies merged over the workers, the in-flight gauge, the latest request's
// age, and the 99th percentile of the event-loop delay from the runtime stats.
const POLL_FIELDS = 'requests,requests{status=5xx},latency:p50,p99,in_flight,last_hit,nodejs.eventloop.delay:p99';
const POLL_ARGS = ['poll', '-c', String(LOAD_SECONDS + 1), '-d', '1', '-p', 'web.stats.', POLL_FIELDS];
// The workers' own files (the runtime and HTTP ones are `server-runtime-…`, `server-http-…`), without the buckets.
const SLURP_ARGS = ['slurp', '--sort', '--exclude', 'web.stats.sys.', '--exclude', 'web.stats.org.', '--exclude', 'web.stats.latency.bucket'];
const SLURP_FILES = 'server-[0-9]*.mmstats';

const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    process.exitCode = signal === 'SIGINT' ? 130 : 143;
    interrupted.abort();
  });
}

/**
 * Spawns a process that is stopped with `stopSignal` when the demo is interrupted. `exited`
 * resolves to its exit code (or signal name).
 */
function start(args, options, stopSignal) {
  const child = spawn(process.execPath, args, options);
  const exited = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  const stop = () => child.exitCode === null && child.signalCode === null && child.kill(stopSignal);
  interrupted.signal.addEventListener('abort', stop, { once: true });
  const forget = () => interrupted.signal.removeEventListener('abort', stop);
  exited.then(forget, forget);
  return { child, exited, stop };
}

/** Resolves to the server's URL once all its workers listen; rejects if it exits or the demo is interrupted. */
function serverUrl(server) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: server.child.stdout });
    lines.once('line', (line) => {
      const url = /http:\/\/\S+?(?=,|\s|$)/.exec(line)?.[0];
      if (url) resolve(url);
      else reject(new Error(`unexpected first line from the server: ${line}`));
      // Later lines (none in a normal run) still reach the terminal.
      lines.on('line', (more) => console.log(more));
    });
    server.exited.then((code) => reject(new Error(`the server exited before listening (${code})`)));
    interrupted.signal.addEventListener('abort', () => reject(new Error('interrupted')), { once: true });
  });
}

/** Sends requests over 8 keep-alive connections for LOAD_SECONDS; the cluster spreads connections over its workers. */
async function driveLoad(url) {
  const load = autocannon({ url, connections: 8, duration: LOAD_SECONDS, requests: LOAD_PATHS.map((path) => ({ path })) });
  const stop = () => load.stop();
  interrupted.signal.addEventListener('abort', stop, { once: true });
  try {
    return await load;
  } finally {
    interrupted.signal.removeEventListener('abort', stop);
  }
}

function show(command) {
  console.log(`\n$ ${command}`);
}

/** An argument as a POSIX shell would need it quoted, so the command shown can be pasted. */
function shellWord(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mmstats-demo-'));
  const env = { ...process.env, MMSTATS_PATH: dir, PORT: '0', HOST: '127.0.0.1' };
  const server = start([SERVER], { env, stdio: ['ignore', 'pipe', 'inherit'] }, 'SIGTERM');
  try {
    const url = await serverUrl(server);
    console.log(`${relative(ROOT, SERVER)}: 4 workers listening on ${url}, stats files in ${dir}`);
    console.log(`autocannon: ${LOAD_SECONDS} s of requests to ${[...new Set(LOAD_PATHS)].join(', ')} over 8 connections`);

    show(`mmstats ${POLL_ARGS.map(shellWord).join(' ')} ${dir}`);
    const poll = start([MMSTATS, ...POLL_ARGS, dir], { env, stdio: 'inherit' }, 'SIGINT');
    const [result, pollCode] = await Promise.all([driveLoad(url), poll.exited]);
    if (interrupted.signal.aborted) return;
    if (pollCode !== 0) throw new Error(`mmstats poll failed (${pollCode})`);
    const other = result.non2xx - result['5xx'];
    console.log(`\nautocannon sent ${result.requests.total} requests: ${result['2xx']} 2xx, ${result['5xx']} 5xx, ${other} other, ${result.errors} errors`);

    show(`mmstats ${SLURP_ARGS.join(' ')} '${join(dir, SLURP_FILES)}'`);
    const slurp = start([MMSTATS, ...SLURP_ARGS, join(dir, SLURP_FILES)], { env, stdio: 'inherit' }, 'SIGTERM');
    const slurpCode = await slurp.exited;
    if (interrupted.signal.aborted) return;
    if (slurpCode !== 0) throw new Error(`mmstats slurp failed (${slurpCode})`);
  } catch (error) {
    if (!interrupted.signal.aborted) throw error;
  } finally {
    server.stop();
    const serverCode = await server.exited;
    // Whatever the workers left (none after a clean stop) goes with the directory.
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    if (interrupted.signal.aborted) console.log('\ndemo interrupted: server stopped, stats files removed.');
    else if (serverCode !== 0 || left.length > 0) throw new Error(`the server stopped with ${serverCode}, leaving ${left.length} file(s)`);
    else console.log('\nserver stopped; its workers removed their stats files.');
  }
}

main().catch((error) => {
  console.error(`demo failed: ${error.message}`);
  process.exitCode = 1;
});
