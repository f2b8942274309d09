import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { startWebServer, type WebServer } from '../../src/web/server';
import { makeTempDir, PACKAGE_DIR, removeTempDir } from '../util';

/** A new temp directory `root` (its real path) holding two empty directories: `stats` and `outside` it. */
export function makeConfinementDirs(): { root: string; stats: string; outside: string } {
  const root = fs.realpathSync(makeTempDir());
  const stats = path.join(root, 'stats');
  const outside = path.join(root, 'outside');
  fs.mkdirSync(stats);
  fs.mkdirSync(outside);
  return { root, stats, outside };
}

/** The writer process the web tests run (it loads the built @mmstats/writer). */
export const WRITER = path.join(__dirname, 'fixtures', 'writer.js');

/** A running writer process and its stats file. */
export interface Writer {
  readonly pid: number;
  readonly file: string;
  /** SIGTERM: the writer removes its file and exits; resolves when it has. */
  stop(): Promise<void>;
}

/** Throws a clear message when the writer's build is missing (the fixture loads `writer/dist`). */
export function requireWriterBuild(): void {
  if (!fs.existsSync(path.join(PACKAGE_DIR, '..', 'writer', 'dist', 'index.js'))) {
    throw new Error('packages/writer/dist is missing: run `npx tsc -b` before these tests');
  }
}

/** Starts a real writer publishing `jobs.*` into `<dir>/<name>-<pid>-0.mmstats`; resolves once the file exists. */
export async function startWriter(dir: string, name: string, note = 'ready'): Promise<Writer> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [WRITER, dir, name, note]);
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const file = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line).file);
    });
    child.once('exit', (code) => reject(new Error(`writer exited with ${code}: ${err}`)));
  });
  return {
    pid: child.pid!,
    file,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Whether a system program the test needs is installed. In CI (`$CI` set) a missing one is an
 * error; elsewhere the test is skipped with a note saying what to install.
 */
export function haveProgram(file: string, packageName: string): boolean {
  if (fs.existsSync(file)) return true;
  const message = `${file} is missing: install the Debian package ${packageName} to run these tests`;
  if (process.env.CI) throw new Error(message);
  console.warn(`skipped: ${message}`);
  return false;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs` with `what`. */
export async function eventually<T>(what: string | (() => string), check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== undefined) return result;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The application writer the web tests run: labelled counters, units, a text (see the fixture). */
export const APP_WRITER = path.join(__dirname, 'fixtures', 'app-writer.js');

/** A running application writer; without traffic it changes only when told. */
export interface AppWriter extends Writer {
  /** Adds `times` to `http.requests{route,status}` for each entry; resolves once the writer has. */
  serve(requests: ReadonlyArray<readonly [route: string, status: string, times: number]>): Promise<void>;
}

/** A writer process driven over its standard input: one JSON command a line, one answer line each. */
interface DrivenWriter extends Writer {
  /** Sends `command`; resolves once the writer has answered it. */
  send(command: object): Promise<void>;
}

/** Starts fixture `script` with `args`; it prints `{"file": …}` first, then answers each command with a line. */
async function startDrivenWriter(script: string, args: readonly string[]): Promise<DrivenWriter> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [script, ...args]);
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines: string[] = [];
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  child.once('exit', (code) => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`${path.basename(script)} exited with ${code}: ${err}`));
  });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
    for (let end = out.indexOf('\n'); end >= 0; end = out.indexOf('\n')) {
      const line = out.slice(0, end);
      out = out.slice(end + 1);
      const next = waiting.shift();
      if (next) next.resolve(line);
      else lines.push(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(line);
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`${path.basename(script)} exited: ${err}`));
      waiting.push({ resolve, reject });
    });
  const file = JSON.parse(await nextLine()).file as string;
  return {
    pid: child.pid!,
    file,
    send: async (command) => {
      child.stdin.write(JSON.stringify(command) + '\n');
      await nextLine();
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Starts the application writer into `<dir>/<name>-<pid>-<tid>.mmstats`, with made-up traffic or driven by `serve`. */
export async function startAppWriter(dir: string, name: string, mode: 'traffic' | 'driven' = 'driven'): Promise<AppWriter> {
  const { send, ...writer } = await startDrivenWriter(APP_WRITER, [dir, name, mode]);
  return { ...writer, serve: (requests) => send({ requests }) };
}

/** The histogram writer (see the fixture): one histogram, observed only when told. */
export const HISTOGRAM_WRITER = path.join(__dirname, 'fixtures', 'histogram-writer.js');

/** A running histogram writer. */
export interface HistogramWriter extends Writer {
  /** Observes each value into its `request.duration` histogram; resolves once the writer has. */
  observe(values: readonly number[]): Promise<void>;
}

/**
 * Starts the histogram writer into `<dir>/<name>-<pid>-<tid>.mmstats`: `request.duration`
 * (seconds) with the log-scale default buckets, or with `buckets` as explicit bounds.
 */
export async function startHistogramWriter(dir: string, name: string, buckets?: readonly number[]): Promise<HistogramWriter> {
  const { send, ...writer } = await startDrivenWriter(HISTOGRAM_WRITER, [dir, name, JSON.stringify(buckets ?? null)]);
  return { ...writer, observe: (values) => send({ observe: values }) };
}

/** Debian's Prometheus server. */
export const PROMETHEUS = '/usr/bin/prometheus';

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** One sample of an instant vector from Prometheus' query API. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A Prometheus server the test started, listening on loopback. */
export interface PrometheusServer {
  readonly url: string;
  /** What it wrote to standard error so far. */
  log(): string;
  /** The result of `promql` (at `time`, Unix seconds as text, if given), or undefined when empty or failed. */
  query(promql: string, time?: string): Promise<PromSample[] | undefined>;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus on a free loopback port with `scrapeConfigs` (YAML lines under
 * `scrape_configs:`), scraping every second; its config and database live in `dir`.
 */
export async function startPrometheus(dir: string, scrapeConfigs: readonly string[]): Promise<PrometheusServer> {
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(config, ['global:', '  scrape_interval: 1s', '  scrape_timeout: 900ms', 'scrape_configs:', ...scrapeConfigs, ''].join('\n'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn']);
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  child.stdout.resume();
  return {
    url,
    log: () => log,
    query: async (promql, time) => {
      const at = time === undefined ? '' : `&time=${time}`;
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}${at}`);
      if (!response.ok) return undefined;
      const body = (await response.json()) as { data: { result: PromSample[] } };
      return body.data.result.length > 0 ? body.data.result : undefined;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** An `mmstats web` server over a fresh directory of writer processes. */
export interface ServedWriters<W extends Writer> {
  readonly dir: string;
  readonly server: WebServer;
  readonly writers: W[];
  /** Closes the server, stops the writers and removes the directory. */
  close(): Promise<void>;
}

/** Starts the writers `start` makes in a fresh directory, then a web server over its `*.mmstats`. */
export async function serveWriters<W extends Writer>(start: (dir: string) => Promise<W[]>): Promise<ServedWriters<W>> {
  requireWriterBuild();
  const dir = makeTempDir();
  const writers = await start(dir);
  const server = await startWebServer({ scope: { directory: dir, pattern: '*.mmstats' }, port: 0 });
  return {
    dir,
    server,
    writers,
    close: async () => {
      await server.close();
      await Promise.all(writers.map((writer) => writer.stop()));
      removeTempDir(dir);
    },
  };
}
