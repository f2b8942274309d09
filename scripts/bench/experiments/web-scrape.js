'use strict';
// Does `mmstats web` keep up with Prometheus over many writers? Starts WRITERS writer processes
// with FIELDS fields each (scripts/bench/processes/mmstats-writer.js: counters, doubles and
// strings, written once, then idle, as most services are between requests; a hundred processes
// busy-writing would only measure two cores shared by a hundred), then the real `mmstats web`
// over their directory, and scrapes `/metrics` the way
// Prometheus does (its Accept header, every INTERVAL seconds, giving up after TIMEOUT seconds),
// SCRAPES times. After the scrapes, BURST requests are sent at once, as a crowd of dashboards
// and scrapers would. Prints each scrape's time and the server's resident memory (VmRSS, and
// VmHWM, the peak) after it.
// Usage: node scripts/bench/experiments/web-scrape.js [writers=100] [fields=1000] [scrapes=8] [interval=15] [burst=100]
// (after `npx tsc -b`)
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MMSTATS, startWriters, stopWriters } = require('../lib/processes');

const [WRITERS, FIELDS, SCRAPES, INTERVAL, BURST] = [100, 1000, 8, 15, 100].map((fallback, i) => Number(process.argv[2 + i] ?? fallback));
const TIMEOUT = 10; // Prometheus' default scrape_timeout, in seconds
const ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

async function scrape(url) {
  const started = process.hrtime.bigint();
  const response = await fetch(url, { headers: { Accept: ACCEPT }, signal: AbortSignal.timeout(TIMEOUT * 1000) });
  const body = await response.text();
  return { status: response.status, ms: Number(process.hrtime.bigint() - started) / 1e6, samples: body.split('\n').filter((line) => line && !line.startsWith('#')).length };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmstats-web-scrape-'));
  console.log(`${WRITERS} writers x ${FIELDS} fields in ${dir}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  const writers = await startWriters(dir, WRITERS, FIELDS);
  const server = spawn(process.execPath, [MMSTATS, 'web', '--port', '0'], { env: { ...process.env, MMSTATS_PATH: dir, MMSTATS_GLOB: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let url;
  await new Promise((resolve) => {
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (chunk) => {
      const match = /at (http:\/\/\S+)/.exec(chunk);
      if (match && !url) {
        url = match[1];
        resolve();
      }
    });
  });
  console.log(`server pid ${server.pid} at ${url}, memory before any request: ${memoryOf(server.pid).rssMiB.toFixed(0)} MiB`);
  const times = [];
  try {
    for (let i = 0; i < SCRAPES; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, INTERVAL * 1000));
      const result = await scrape(url + 'metrics').catch((err) => ({ status: String(err.name), ms: NaN, samples: 0 }));
      const memory = memoryOf(server.pid);
      times.push(result.ms);
      console.log(`scrape ${i + 1}: ${result.status} in ${result.ms.toFixed(0)} ms, ${result.samples} samples; RSS ${memory.rssMiB.toFixed(0)} MiB (peak ${memory.peakMiB.toFixed(0)} MiB)`);
    }
    const started = process.hrtime.bigint();
    const burst = await Promise.all(Array.from({ length: BURST }, () => scrape(url + 'metrics').catch((err) => ({ status: String(err.name), ms: NaN }))));
    const statuses = {};
    for (const { status } of burst) statuses[status] = (statuses[status] ?? 0) + 1;
    const memory = memoryOf(server.pid);
    console.log(`burst of ${BURST} at once: ${JSON.stringify(statuses)} in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms; RSS ${memory.rssMiB.toFixed(0)} MiB (peak ${memory.peakMiB.toFixed(0)} MiB)`);
    const sorted = times.filter(Number.isFinite).sort((a, b) => a - b);
    console.log(`scrapes: ${sorted.length}/${SCRAPES} answered within ${TIMEOUT} s; slowest ${sorted[sorted.length - 1]?.toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms`);
  } finally {
    server.kill('SIGTERM');
    stopWriters(writers);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
