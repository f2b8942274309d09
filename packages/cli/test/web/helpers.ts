import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { makeTempDir, PACKAGE_DIR } from '../util';

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

/** Starts the application writer into `<dir>/<name>-<pid>-<tid>.mmstats`, with made-up traffic or driven by `serve`. */
export async function startAppWriter(dir: string, name: string, mode: 'traffic' | 'driven' = 'driven'): Promise<AppWriter> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [APP_WRITER, dir, name, mode]);
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines: string[] = [];
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  child.once('exit', (code) => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`app writer exited with ${code}: ${err}`));
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
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`app writer exited: ${err}`));
      waiting.push({ resolve, reject });
    });
  const file = JSON.parse(await nextLine()).file as string;
  return {
    pid: child.pid!,
    file,
    serve: async (requests) => {
      child.stdin.write(JSON.stringify({ requests }) + '\n');
      await nextLine();
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
