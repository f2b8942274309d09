// collectRuntimeStats: real values of this process, a worker thread and child processes, read back
// from the file with the format package as every reader does.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_EVENT_LOOP_RESOLUTION_MS, RUNTIME_METRICS, SchemaError, collectRuntimeStats, type RuntimeStats } from '@mmstats/writer';
import { familiesIn, histogramsIn, tempDir, valuesOf, waitFor } from './util';

const dir = tempDir();
const WRITER = join(__dirname, '..');
let serial = 0;
const started: RuntimeStats[] = [];
afterAll(() => started.forEach((stats) => stats.stop()));

function collect(intervalMs = 1000, eventLoopResolutionMs?: number): RuntimeStats {
  const stats = collectRuntimeStats({ path: dir, filename: `runtime-${serial++}.mmstats`, intervalMs, eventLoopResolutionMs });
  started.push(stats);
  return stats;
}

const value = (stats: RuntimeStats, metric: keyof typeof RUNTIME_METRICS) => valuesOf(stats.filename)[RUNTIME_METRICS[metric].name] as number;

/** Observations above `seconds` in histogram `family` (series with `labels`) of a file. */
function observationsAbove(path: string, family: string, seconds: number, labels: Record<string, string> = {}): number {
  const series = histogramsIn(path).find((s) => s.family === family && JSON.stringify(s.labels) === JSON.stringify(labels));
  if (!series) return 0;
  return series.buckets.reduce((n, count, i) => n + (i > 0 && series.bounds[i - 1] >= seconds ? count : 0), 0);
}

/** Runs `source` in a child node process (with `args`) that requires the built writer as `writer`. */
function runChild(source: string, args: string[] = []) {
  const child = spawn(process.execPath, [...args, '-e', `const writer = require(${JSON.stringify(WRITER)});\n${source}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DIR: dir },
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, lines: () => stdout.split('\n').filter(Boolean) };
}

describe('collectRuntimeStats', () => {
  it('gives every metric help text and a unit in the file, and samples at once', () => {
    const stats = collect();
    const families = familiesIn(stats.filename);
    for (const metric of Object.values(RUNTIME_METRICS)) {
      expect(families.get(metric.name)).toMatchObject({ help: metric.help, unit: metric.unit });
    }
    const values = valuesOf(stats.filename);
    expect(values[RUNTIME_METRICS.heapUsed.name]).toBeGreaterThan(0);
    expect(values[RUNTIME_METRICS.rss.name]).toBeGreaterThanOrEqual(values[RUNTIME_METRICS.heapUsed.name] as number);
    expect(families.get(RUNTIME_METRICS.cpuUser.name)?.kind).toBe('counter');
    expect(families.get(RUNTIME_METRICS.eventLoopDelay.name)?.kind).toBe('histogram');
  });

  it('shows a big buffer in array buffers and external memory', () => {
    const stats = collect();
    const before = { arrayBuffers: value(stats, 'arrayBuffers'), external: value(stats, 'external') };
    const buffer = new ArrayBuffer(64 << 20);
    stats.sample();
    // Other buffers of the process come and go meanwhile: a few hundred KiB, far less than 10 %.
    expect(value(stats, 'arrayBuffers') - before.arrayBuffers).toBeGreaterThan(0.9 * buffer.byteLength);
    expect(value(stats, 'external') - before.external).toBeGreaterThan(0.9 * buffer.byteLength);
  });

  it('records a 200 ms block of the event loop as one delay above 0.1 s, and its CPU time', async () => {
    const stats = collect(20, 10);
    const family = RUNTIME_METRICS.eventLoopDelay.name;
    expect(observationsAbove(stats.filename, family, 0.1)).toBe(0);
    const cpuBefore = value(stats, 'cpuUser');
    const user = process.cpuUsage().user;
    const startedAt = Date.now();
    while (Date.now() - startedAt < 200 || process.cpuUsage().user - user < 100_000);
    // The interval samples by itself: no sample() here.
    await waitFor('the block in the delay histogram', () => observationsAbove(stats.filename, family, 0.1) === 1);
    await waitFor('the busy loop in the CPU counter', () => value(stats, 'cpuUser') - cpuBefore >= 100_000);
  }, 30_000);

  it('at the defaults, records a 1 s block of the event loop as a delay above 0.5 s (at least the block less one period)', async () => {
    expect(DEFAULT_EVENT_LOOP_RESOLUTION_MS).toBeLessThanOrEqual(500);
    const stats = collectRuntimeStats({ path: dir, filename: `runtime-${serial++}.mmstats` });
    started.push(stats);
    const family = RUNTIME_METRICS.eventLoopDelay.name;
    const before = observationsAbove(stats.filename, family, 0.5);
    const startedAt = Date.now();
    while (Date.now() - startedAt < 1000);
    await waitFor('the block in the delay histogram', () => observationsAbove(stats.filename, family, 0.5) > before);
  }, 30_000);

  it('measures event-loop utilization: near 1 while busy, lower while idle', async () => {
    const stats = collect();
    stats.sample();
    const startedAt = Date.now();
    while (Date.now() - startedAt < 100);
    stats.sample();
    const busy = value(stats, 'eventLoopUtilization');
    await new Promise((resolve) => setTimeout(resolve, 100));
    stats.sample();
    const idle = value(stats, 'eventLoopUtilization');
    expect(busy).toBeGreaterThan(0.9);
    expect(idle).toBeLessThan(busy);
  });

  it('counts open file descriptors and active resources', async () => {
    const stats = collect();
    const fds = value(stats, 'openFds');
    const resources = value(stats, 'activeResources');
    const opened = Array.from({ length: 10 }, () => openSync('/dev/null', 'r'));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stats.sample();
    expect(value(stats, 'openFds') - fds).toBeGreaterThanOrEqual(10);
    expect(value(stats, 'activeResources')).toBeGreaterThan(resources);
    opened.forEach((fd) => closeSync(fd));
    await new Promise((resolve) => server.close(resolve));
    stats.sample();
    expect(value(stats, 'openFds')).toBe(fds);
    // The server's handle goes once its close has run to the end.
    await waitFor('the server handle to go', () => {
      stats.sample();
      return value(stats, 'activeResources') === resources;
    });
  });

  it('publishes when the process started', () => {
    const stats = collect();
    const start = value(stats, 'startTime');
    const now = Date.now() / 1000;
    expect(start).toBeLessThanOrEqual(now);
    expect(start).toBeGreaterThan(now - process.uptime() - 1);
  });

  it('observes GC pauses by kind, major and minor', async () => {
    const { child } = runChild(
      `
      const stats = writer.collectRuntimeStats({ path: process.env.DIR, filename: 'gc.mmstats', intervalMs: 20 });
      let garbage;
      for (let i = 0; i < 2e6; i++) garbage = { i };
      global.gc();
      setInterval(() => {}, 1000);
      `,
      ['--expose-gc'],
    );
    try {
      const path = join(dir, 'gc.mmstats');
      const family = RUNTIME_METRICS.gcPause.name;
      await waitFor('a minor and a major GC', () => {
        if (!existsSync(path)) return false;
        const count = (kind: string) => histogramsIn(path).find((s) => s.family === family && s.labels.kind === kind)?.count ?? 0;
        return count('minor') > 0 && count('major') > 0;
      });
      const kinds = histogramsIn(path).filter((s) => s.family === family).map((s) => s.labels.kind);
      expect(kinds.sort()).toEqual(['incremental', 'major', 'minor', 'weakcb']);
    } finally {
      child.kill();
    }
  }, 60_000);

  it('writes a file of its own for each worker thread, with the thread’s metrics only', async () => {
    const main = collect();
    const worker = new Worker(
      `
      const { parentPort, workerData } = require('node:worker_threads');
      const stats = require(workerData.writer).collectRuntimeStats({ path: workerData.dir });
      const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
      parentPort.postMessage({ filename: stats.filename, tid });
      `,
      { eval: true, workerData: { dir, writer: WRITER } },
    );
    const { filename, tid } = await new Promise<{ filename: string; tid: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(filename).not.toBe(main.filename);
    const values = valuesOf(filename);
    expect(values['sys.tid']).toBe(tid);
    expect(values['sys.pid']).toBe(process.pid);
    expect(values[RUNTIME_METRICS.heapUsed.name]).toBeGreaterThan(0);
    const threadNames = Object.values(RUNTIME_METRICS).filter((m) => m.scope === 'thread').map((m) => m.name);
    const processNames = Object.values(RUNTIME_METRICS).filter((m) => m.scope === 'process').map((m) => m.name);
    const families = [...familiesIn(filename).keys()];
    expect(families).toEqual(expect.arrayContaining(threadNames));
    for (const name of processNames) expect(families).not.toContain(name);
    expect([...familiesIn(main.filename).keys()]).toEqual(expect.arrayContaining(processNames));
  });

  it('stop() stops sampling while another collector keeps going', async () => {
    const stopped = collect(10);
    stopped.stop();
    stopped.stop();
    const frozen = valuesOf(stopped.filename);
    const running = collect(10);
    const before = value(running, 'arrayBuffers');
    const buffer = new ArrayBuffer(32 << 20);
    await waitFor('the running collector to sample the buffer', () => value(running, 'arrayBuffers') - before >= buffer.byteLength);
    stopped.sample();
    expect(valuesOf(stopped.filename)).toEqual(frozen);
  });

  it('never keeps a process alive, running or stopped, and leaves its file', async () => {
    for (const stop of [false, true]) {
      const filename = `exit-${stop}.mmstats`;
      const { exited } = runChild(`
        const stats = writer.collectRuntimeStats({ path: process.env.DIR, filename: ${JSON.stringify(filename)}, intervalMs: 5 });
        setTimeout(() => { ${stop ? 'stats.stop();' : ''} }, 50);
      `);
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(valuesOf(join(dir, filename))['sys.pid']).toBeGreaterThan(0);
    }
  }, 60_000);

  it('refuses an interval or a resolution that is not a positive whole number of milliseconds', () => {
    for (const ms of [0, -5, 1.5, NaN, Infinity, '1000', 2 ** 31]) {
      expect(() => collectRuntimeStats({ path: dir, filename: 'bad.mmstats', intervalMs: ms as number })).toThrow(SchemaError);
      expect(() => collectRuntimeStats({ path: dir, filename: 'bad.mmstats', eventLoopResolutionMs: ms as number })).toThrow(SchemaError);
    }
    expect(() => collectRuntimeStats({ path: dir, intervalMs: 0 })).toThrow('collectRuntimeStats(): intervalMs must be a whole number of milliseconds from 1 to 2147483647, got 0');
    expect(() => collectRuntimeStats({ path: dir, eventLoopResolutionMs: 2.5 })).toThrow('collectRuntimeStats(): eventLoopResolutionMs must be a whole number of milliseconds from 1 to 2147483647, got 2.5');
    expect(existsSync(join(dir, 'bad.mmstats'))).toBe(false);
  });
});
