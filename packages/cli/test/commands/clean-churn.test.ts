// `mmstats clean` while writers come and go: real writer processes (the built @mmstats/writer) are
// started and SIGKILLed while clean runs again and again. A live writer's file must never be
// removed; once the dead are reaped, every one of their files must be.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { runClean } from '../../src/commands/clean';
import { memoryIo } from '../../src/io';
import { makeTempDir, removeTempDir, REPO_DIR, requireBuild } from '../util';


/** Writers in all, and how many are killed along the way. */
const WRITERS = 30;
const KILLED = 15;

interface Writer {
  readonly child: ChildProcess;
  /** Set once the writer has created its file. */
  file?: string;
  killed: boolean;
  readonly exited: Promise<void>;
  readonly ready: Promise<void>;
}

let dir: string;
const writers: Writer[] = [];

beforeAll(() => {
  requireBuild();
  dir = makeTempDir();
});

afterAll(async () => {
  for (const writer of writers) if (writer.child.exitCode === null && writer.child.signalCode === null) writer.child.kill('SIGKILL');
  await Promise.all(writers.map((writer) => writer.exited));
  removeTempDir(dir);
});

function startWriter(): Writer {
  const script = `
    const { MmStats } = require('@mmstats/writer');
    const stats = new MmStats({ path: ${JSON.stringify(dir)}, filename: 'w-{PID}.mmstats' });
    process.stdout.write(stats.filename + '\\n');
    setInterval(() => {}, 60000);`;
  const child = spawn(process.execPath, ['-e', script], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  const writer: Writer = {
    child,
    killed: false,
    exited: new Promise((resolve) => child.on('exit', () => resolve())),
    ready: new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        if (out.endsWith('\n')) {
          writer.file = out.trim();
          resolve();
        }
      });
      child.on('exit', () => reject(new Error('writer exited before creating its file')));
    }),
  };
  writer.ready.catch(() => {}); // a writer killed early is expected to reject
  writers.push(writer);
  return writer;
}

function pickLive(): Writer | undefined {
  const live = writers.filter((w) => w.file !== undefined && !w.killed);
  return live[Math.floor(Math.random() * live.length)];
}

async function clean(): Promise<string> {
  const io = memoryIo({ cwd: dir });
  const code = await runClean({ files: [dir] }, io);
  expect(io.err).toBe('');
  expect(code).toBe(0);
  return io.out;
}

test(`${WRITERS} writers, ${KILLED} of them SIGKILLed during repeated cleans: no live file removed, every dead one removed`, async () => {
  // Ten writers to begin with, then rounds that start two more and kill one or two while clean runs.
  for (let i = 0; i < 10; i++) startWriter();
  await Promise.all(writers.map((w) => w.ready));
  let killed = 0;
  let cleans = 0;
  while (writers.length < WRITERS || killed < KILLED) {
    // Writers that are live for the whole clean run: their files must survive it.
    const liveThroughout = writers.filter((w) => w.file !== undefined && !w.killed);
    const running = clean();
    if (writers.length < WRITERS) startWriter();
    if (writers.length < WRITERS) startWriter();
    for (let k = 0; k < 2 && killed < KILLED; k++) {
      const victim = pickLive();
      if (!victim) break;
      victim.killed = true;
      victim.child.kill('SIGKILL');
      killed++;
    }
    const out = await running;
    cleans++;
    for (const writer of liveThroughout.filter((w) => !w.killed)) {
      expect(out).not.toContain(`removed  ${writer.file}`);
      expect(fs.existsSync(writer.file!)).toBe(true);
    }
    await Promise.all(writers.filter((w) => !w.killed).map((w) => w.ready));
  }
  expect(cleans).toBeGreaterThanOrEqual(8);

  // Once the killed writers are reaped (until then their pids still exist, as zombies), one more
  // clean removes every file of theirs and keeps every live one.
  await Promise.all(writers.filter((w) => w.killed).map((w) => w.exited));
  const out = await clean();
  const live = writers.filter((w) => !w.killed);
  expect(live).toHaveLength(WRITERS - KILLED);
  for (const writer of live) expect(out).toContain(`kept     ${writer.file} (pid ${writer.child.pid} is alive)`);
  expect(out).toMatch(new RegExp(`\\nRemoved \\d+  -  ${WRITERS - KILLED} alive  -  0 skipped  -  0 failed\\n$`));
  expect(fs.readdirSync(dir).sort()).toEqual(live.map((w) => path.basename(w.file!)).sort());
}, 60_000);
