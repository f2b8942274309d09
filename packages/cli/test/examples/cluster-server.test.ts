// Runs the example app (examples/cluster-server) for real: a cluster primary, 4 worker processes
// that each map their own stats file, real HTTP requests, and the built `mmstats` command.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

import { decodeFile, decodeLayout, histogramQuantile, histogramsOf, mergeHistograms, parseSeriesLabel, decodeMetadata, type HistogramSeries, type StatValue } from '@mmstats/format';

import { BIN, makeTempDir, PACKAGE_DIR, removeTempDir, requireBuild } from '../util';

const SERVER = path.resolve(PACKAGE_DIR, '..', '..', 'examples', 'cluster-server', 'server.js');
const WRITER_BUILD = path.resolve(PACKAGE_DIR, '..', 'writer', 'dist', 'index.js');
const WORKERS = 4;
// Each worker writes its own file, its runtime stats' and its HTTP instrumentation's.
const FILES_PER_WORKER = 3;

jest.setTimeout(20_000);

interface RunningServer {
  readonly primary: ChildProcess;
  readonly url: string;
  readonly stderr: () => string;
  readonly exited: Promise<number | string>;
}

let dir: string;
let running: RunningServer | undefined;

beforeAll(() => {
  requireBuild();
  if (!fs.existsSync(WRITER_BUILD)) throw new Error('packages/writer/dist is missing: run `npx tsc -b` before these tests');
});

beforeEach(() => {
  dir = makeTempDir();
});

afterEach(async () => {
  if (running && running.primary.exitCode === null && running.primary.signalCode === null) {
    running.primary.kill('SIGTERM');
    await running.exited;
  }
  running = undefined;
  removeTempDir(dir);
});

/** Starts the example with its stats files in `dir` and resolves once every worker listens. */
async function startServer(): Promise<RunningServer> {
  const env: Record<string, string | undefined> = { ...process.env, MMSTATS_PATH: dir, PORT: '0', HOST: '127.0.0.1' };
  delete env.MMSTATS_FILES;
  const primary = spawn(process.execPath, [SERVER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  primary.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => primary.once('exit', (code, signal) => resolve(code ?? signal!)));
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: primary.stdout! }).once('line', resolve);
    exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${stderr}`)));
  });
  const url = /http:\/\/[\d.]+:\d+/.exec(firstLine)?.[0];
  if (!url) throw new Error(`no URL in the server's first line: ${firstLine}`);
  running = { primary, url, stderr: () => stderr, exited };
  return running;
}

/** One GET on a new connection, so the cluster hands each request to the next worker. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { connection: 'close' } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

/** Sends every path of `paths`, 8 at a time, and returns the responses in order. */
async function sendAll(base: string, paths: readonly string[]) {
  const responses: Array<{ path: string; status: number; body: string }> = new Array(paths.length);
  let next = 0;
  const lane = async () => {
    while (next < paths.length) {
      const i = next++;
      responses[i] = { path: paths[i], ...(await get(base + paths[i])) };
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return responses;
}

function statsFiles(): string[] {
  return fs.readdirSync(dir).sort();
}

/** The workers' own files: `server-<pid>-<pid>-<nsid>.mmstats`. */
function workerFiles(): string[] {
  return statsFiles().filter((name) => /^server-\d+-/.test(name));
}

/** The series of histogram `family` in file `name`. */
function histogramSeries(name: string, family: string): HistogramSeries[] {
  const bytes = fs.readFileSync(path.join(dir, name));
  const records = decodeFile(bytes);
  const { series } = histogramsOf(decodeLayout(bytes), decodeMetadata(bytes), records, name);
  return series.filter((one) => one.family === family);
}

function readStats(name: string): Map<string, StatValue> {
  const records = decodeFile(fs.readFileSync(path.join(dir, name)));
  return new Map(records.map((record) => [record.label, record.value]));
}

async function waitUntil(what: string, condition: () => boolean): Promise<void> {
  while (!condition()) {
    if (running && (running.primary.exitCode !== null || running.primary.signalCode !== null)) throw new Error(`server exited while waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The `web.stats.requests` series of one file's records, as [route, status, count]. */
function requestSeries(stats: Map<string, StatValue>): Array<[string, string, number]> {
  const series: Array<[string, string, number]> = [];
  for (const [label, value] of stats) {
    const parsed = parseSeriesLabel(label);
    if (parsed?.name === 'web.stats.requests') series.push([parsed.labels.route, parsed.labels.status, Number(value)]);
  }
  return series;
}

describe('examples/cluster-server', () => {
  test('4 workers count every response in their own files, by route and status; poll combines them by meaning; a clean stop removes the files', async () => {
    const startedAt = Date.now() / 1000;
    const server = await startServer();
    expect(statsFiles()).toHaveLength(WORKERS * FILES_PER_WORKER);
    const names = workerFiles();
    expect(names).toHaveLength(WORKERS);
    for (const name of names) expect(name).toMatch(/^server-(\d+)-\1-[0-9a-f]{8}\.mmstats$/);
    const pids = names.map((name) => Number(readStats(name).get('web.stats.sys.pid')));
    expect(new Set(pids).size).toBe(WORKERS);
    for (const pid of pids) {
      expect(statsFiles()).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^server-runtime-${pid}-${pid}-`)), expect.stringMatching(new RegExp(`^server-http-${pid}-${pid}-`))]));
    }

    const paths = ['/', '/500', '/status', '/no-such-page'].flatMap((p) => Array<string>(80).fill(p));
    const responses = await sendAll(server.url, paths);
    const expectedStatus: Record<string, number> = { '/': 200, '/500': 500, '/status': 200, '/no-such-page': 404 };
    for (const response of responses) expect([response.path, response.status]).toEqual([response.path, expectedStatus[response.path]]);

    // /status answers with the values of the worker that served it.
    for (const response of responses.filter((r) => r.path === '/status')) {
      const status = JSON.parse(response.body);
      expect(pids).toContain(status.pid);
      expect(names.map((name) => path.join(dir, name))).toContain(status.file);
      expect(path.basename(status.file)).toMatch(new RegExp(`^server-${status.pid}-`));
      // Counted after the body is sent: this request is not in it yet, and only its worker's are.
      for (const [route, counts] of Object.entries(status.requests)) {
        expect(['/', '/500', '/status', 'other']).toContain(route);
        for (const count of Object.values(counts as Record<string, number>)) expect(count).toBeGreaterThan(0);
      }
    }

    // A response's latency, its timing and the in-flight decrement are recorded when the server
    // closes it, which may come just after the client has it all: wait for every one of them.
    const observed = () => names.flatMap((name) => histogramSeries(name, 'web.stats.latency')).reduce((sum, one) => sum + one.count, 0);
    await waitUntil('every latency observed', () => observed() === paths.length);

    const byRoute: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    let bytesFromAverages = 0;
    const lastHits: number[] = [];
    const requestTimes: number[] = [];
    const sizes: number[] = [];
    for (const name of names) {
      const stats = readStats(name);
      let served = 0;
      for (const [route, status, count] of requestSeries(stats)) {
        byRoute[`${route} ${status}`] = (byRoute[`${route} ${status}`] ?? 0) + count;
        byStatus[status] = (byStatus[status] ?? 0) + count;
        served += count;
      }
      // Round-robin over new connections: every worker gets a share.
      expect(served).toBeGreaterThan(0);
      expect(stats.get('web.stats.in_flight')).toBe(0);
      expect(stats.get('web.stats.request_time')).toBeGreaterThan(0);
      expect(stats.get('web.stats.last_hit')).toBeGreaterThanOrEqual(Math.floor(startedAt));
      lastHits.push(stats.get('web.stats.last_hit') as number);
      requestTimes.push(stats.get('web.stats.request_time') as number);
      sizes.push(stats.get('web.stats.response_size') as number);
      bytesFromAverages += (stats.get('web.stats.response_size') as number) * served;
    }
    // A route known only when the request came is counted; unknown paths under one route label.
    expect(byRoute).toEqual({ '/ 2xx': 80, '/500 5xx': 80, '/status 2xx': 80, 'other 4xx': 80 });
    expect(byStatus).toEqual({ '2xx': 160, '4xx': 80, '5xx': 80 });
    // Each worker's mean response size times its number of responses adds up to every body received.
    const bytesReceived = responses.reduce((sum, r) => sum + Buffer.byteLength(r.body), 0);
    expect(bytesFromAverages).toBeCloseTo(bytesReceived, 6);

    const fields = 'requests,requests{status=2xx},requests{status=4xx},requests{status=5xx},requests{route=other},in_flight,last_hit,request_time,response_size';
    const poll = spawnSync(process.execPath, [BIN, 'poll', '-c', '1', '--json', '-p', 'web.stats.', fields, dir], { encoding: 'utf8' });
    expect(poll.stderr).toBe('');
    expect(poll.status).toBe(0);
    const row = JSON.parse(poll.stdout);
    expect(row).toMatchObject({ files: WORKERS, gone: [] });
    // Counters summed (all series, or those of one label value), the gauge summed, the latest
    // timestamp, and the means of the timer and of the average.
    expect(row.values).toEqual({
      requests: 320,
      'requests{status=2xx}': 160,
      'requests{status=4xx}': 80,
      'requests{status=5xx}': 80,
      'requests{route=other}': 80,
      in_flight: 0,
      last_hit: Math.max(...lastHits),
      request_time: expect.closeTo(requestTimes.reduce((a, b) => a + b) / WORKERS, 12),
      response_size: expect.closeTo(sizes.reduce((a, b) => a + b) / WORKERS, 12),
    });

    // The latency histogram of every worker, merged exactly: each route's requests are counted
    // once, and poll's quantiles are those of the merged buckets.
    const latencies = names.flatMap((name) => histogramSeries(name, 'web.stats.latency'));
    const countOf = (route: string) => latencies.filter((one) => one.labels.route === route).reduce((sum, one) => sum + one.count, 0);
    expect(Object.fromEntries(['/', '/500', '/status', 'other'].map((route) => [route, countOf(route)]))).toEqual({ '/': 80, '/500': 80, '/status': 80, other: 80 });
    const merged = mergeHistograms(latencies);
    const quantiles = spawnSync(
      process.execPath,
      [BIN, 'poll', '-c', '1', '--json', '-p', 'web.stats.', 'latency:p50,p99,count,latency{route=/500}:count,http.server.requests,http.server.duration:count', dir],
      { encoding: 'utf8' },
    );
    expect(quantiles.stderr).toBe('');
    expect(JSON.parse(quantiles.stdout).values).toEqual({
      'latency:p50': histogramQuantile(merged, 0.5),
      'latency:p99': histogramQuantile(merged, 0.99),
      'latency:count': 320,
      'latency{route=/500}:count': 80,
      // The HTTP instrumentation counted the same requests in its own files.
      'http.server.requests': 320,
      'http.server.duration:count': 320,
    });
    expect(histogramQuantile(merged, 0.5)).toBeGreaterThan(0);

    // What each field is travels in the file: slurp --json says so.
    const slurp = spawnSync(process.execPath, [BIN, 'slurp', '--json', '--prefix', 'web.stats.in_flight', '--prefix', 'web.stats.last_hit', names[0]], { encoding: 'utf8', cwd: dir });
    expect(slurp.status).toBe(0);
    expect(JSON.parse(slurp.stdout).files[0].records).toEqual([
      expect.objectContaining({ label: 'web.stats.in_flight', kind: 'gauge', unit: 'requests', help: 'Requests received and not yet answered' }),
      expect.objectContaining({ label: 'web.stats.last_hit', kind: 'gauge', unit: 'epoch_seconds' }),
    ]);

    server.primary.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(server.stderr()).toBe('');
  });

  test('a crashed worker is replaced and its file stays until mmstats clean removes it', async () => {
    const server = await startServer();
    const [crashedOwn] = workerFiles();
    const crashedPid = Number(readStats(crashedOwn).get('web.stats.sys.pid'));
    const crashed = statsFiles().filter((name) => name.includes(`-${crashedPid}-${crashedPid}-`));
    expect(crashed).toHaveLength(FILES_PER_WORKER);
    process.kill(crashedPid, 'SIGKILL');
    await waitUntil('a replacement worker', () => statsFiles().length === (WORKERS + 1) * FILES_PER_WORKER);
    expect(server.stderr()).toContain(`worker ${crashedPid} died (killed by SIGKILL)`);
    expect((await get(server.url + '/')).status).toBe(200);

    server.primary.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(statsFiles()).toEqual(crashed);

    const clean = spawnSync(process.execPath, [BIN, 'clean', dir], { encoding: 'utf8' });
    for (const name of crashed) {
      expect(clean.stdout).toMatch(new RegExp(`^removed +${path.join(dir, name).replace(/[.\\/]/g, '\\$&')} \\(pid ${crashedPid} is gone\\)$`, 'm'));
    }
    expect(clean.status).toBe(0);
    expect(statsFiles()).toEqual([]);
  });
});
