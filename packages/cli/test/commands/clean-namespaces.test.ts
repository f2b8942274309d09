// Writers in separate PID namespaces (every container's app is pid 1 or close to it) sharing one
// directory, and `mmstats clean` run from another namespace: real namespaces from unshare(1),
// which needs root. CI runs as root; elsewhere these tests are skipped unless CI is set.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { decodeFile } from '@mmstats/format';

import { BIN, REPO_DIR, requireBuild, useTempDir } from '../util';

const CAN_UNSHARE = process.getuid?.() === 0 && spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
const maybe = CAN_UNSHARE || process.env.CI ? describe : describe.skip;

let dir: string;
useTempDir((created) => (dir = created));
beforeAll(() => requireBuild());

const running: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map(stop));
});

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL'); // --kill-child takes the namespace's processes with it
  });
}

/**
 * A writer in a new PID namespace that counts to `count` and stays alive. With `behindShell`, a
 * shell is the namespace's pid 1 and the writer is pid 2; the writer then exits once a file
 * `stop` appears in the directory, and the shell stays. Resolves with the writer's file name and
 * a promise of the writer's exit.
 */
async function startWriter(count: number, behindShell = false): Promise<{ child: ChildProcess; file: string; exited: Promise<void> }> {
  const script = `const { MmStats, field } = require('@mmstats/writer');
    class Jobs extends MmStats { static fields = { done: field.counter() }; }
    const s = new Jobs({ path: ${JSON.stringify(dir)} });
    s.done.inc(${count});
    console.log(s.filename);
    setInterval(() => { if (require('fs').existsSync(${JSON.stringify(path.join(dir, 'stop'))})) process.exit(0); }, 50);`;
  const node = `"${process.execPath}" -e '${script.replace(/'/g, `'\\''`)}'`;
  const command = behindShell ? `${node}; echo exited; exec sleep 1000` : `exec ${node}`;
  const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'sh', '-c', command], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push(child);
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    waiters.splice(0).forEach((wake) => wake());
  });
  const line = (index: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => (lines.length > index ? resolve(lines[index]) : waiters.push(check));
      check();
      child.once('exit', (code) => reject(new Error(`writer exited with ${code}`)));
    });
  const file = await line(0);
  // Also settles when the namespace is torn down first.
  return { child, file, exited: line(1).then(() => undefined, () => undefined) };
}

function valuesOf(file: string): Record<string, unknown> {
  return Object.fromEntries(decodeFile(fs.readFileSync(file)).map((r) => [r.label, r.value]));
}

/** `mmstats clean <dir>`, run in a PID namespace of its own when `isolated`. */
function clean(isolated: boolean): string {
  const argv = [BIN, 'clean', dir];
  const result = isolated
    ? spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, ...argv], { encoding: 'utf8' })
    : spawnSync(process.execPath, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`clean failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

maybe('writers and clean in separate PID namespaces', () => {
  test('two writers that are both pid 1 of their namespace get a file each', async () => {
    const first = await startWriter(100);
    const second = await startWriter(200);
    expect(first.file).not.toBe(second.file);
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(first.file), path.basename(second.file)].sort());
    const values = [valuesOf(first.file), valuesOf(second.file)];
    expect(values.map((v) => [v['sys.pid'], v.done])).toEqual([
      [1, 100],
      [1, 200],
    ]);
    expect(values[0]['sys.ns.pid']).not.toBe(values[1]['sys.ns.pid']);
  }, 60_000);

  test('clean in another namespace skips a live writer it cannot see, naming the reason', async () => {
    const writer = await startWriter(1, true);
    expect(valuesOf(writer.file)['sys.pid']).toBe(2);
    const out = clean(true);
    expect(out).toContain(`skipped  ${writer.file} (cannot check pid 2: no process of its PID namespace ${valuesOf(writer.file)['sys.ns.pid']} is visible here)`);
    expect(fs.existsSync(writer.file)).toBe(true);
  }, 60_000);

  test('clean in the parent namespace sees into the child: keeps the live writer, removes it once gone', async () => {
    const writer = await startWriter(1, true);
    expect(clean(false)).toContain(`kept     ${writer.file} (pid 2 is alive)`);
    expect(fs.existsSync(writer.file)).toBe(true);
    fs.writeFileSync(path.join(dir, 'stop'), '');
    await writer.exited;
    expect(clean(false)).toContain(`removed  ${writer.file} (pid 2 is gone)`);
    expect(fs.existsSync(writer.file)).toBe(false);
  }, 60_000);
});

describe('clean tells a dead worker thread from a live one', () => {
  test("a finished worker's file goes while its process lives on; a live worker's file stays", async () => {
    // A process with two workers: one ends at once, one stays; the main thread stays too.
    const script = `const { Worker } = require('node:worker_threads');
      const body = (stay) => \`const { MmStats } = require('@mmstats/writer');
        const s = new MmStats({ path: ${JSON.stringify('DIR')} });
        require('node:worker_threads').parentPort.postMessage(s.filename);
        \${stay ? 'setInterval(() => {}, 1000);' : ''}\`;
      const start = (stay) => new Promise((resolve) => {
        const w = new Worker(body(stay).replace('DIR', process.env.DIR), { eval: true });
        w.once('message', (file) => stay ? resolve(file) : w.once('exit', () => resolve(file)));
      });
      (async () => { console.log(JSON.stringify([await start(false), await start(true)])); setInterval(() => {}, 1000); })();`;
    const child = spawn(process.execPath, ['-e', script], { cwd: REPO_DIR, env: { ...process.env, DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'] });
    running.push(child);
    const [ended, live] = await new Promise<string[]>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out));
      });
      child.once('exit', (code) => reject(new Error(`writer exited with ${code}`)));
    });
    const [endedTid, liveTid] = [ended, live].map((file) => valuesOf(file)['sys.tid']);
    const out = clean(false);
    expect(out).toContain(`removed  ${ended} (thread ${endedTid} of pid ${child.pid} is gone)`);
    expect(out).toContain(`kept     ${live} (thread ${liveTid} of pid ${child.pid} is alive)`);
    expect(fs.existsSync(ended)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
  }, 60_000);
});
