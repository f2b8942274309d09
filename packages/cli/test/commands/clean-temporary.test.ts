// `mmstats clean` and the temporary files a writer leaves when it dies between creating its
// dot-file and renaming it into place (SPEC.md §10). The crashed and the stuck writers are real
// writer processes (the built @mmstats/writer) stopped inside that window by a renameSync that
// kills or blocks the process; the other temporary files carry the pids of real processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { encodeFile, temporaryFileName } from '@mmstats/format';

import { runClean } from '../../src/commands/clean';
import { memoryIo } from '../../src/io';
import { REUSE_TOLERANCE_SECONDS, type ProcessTable } from '../../src/read/liveness';
import { HAS_PROC, REPO_DIR, requireBuild, useTempDir } from '../util';


let dir: string;

beforeAll(() => {
  requireBuild();
});

useTempDir((created) => (dir = created));

/** The pid of a process that has exited and been reaped: no process has it now. */
function deadPid(): number {
  const child = spawnSync('true');
  if (child.status !== 0 || !child.pid) throw new Error('cannot run `true`');
  return child.pid;
}

/**
 * A writer process that creates `filename` in `directory` and stops just before the rename that
 * publishes it: `kill` SIGKILLs itself there (a crash in the window), `hang` blocks there for
 * good. Resolves once the temporary file is complete, with the child and the temporary's name.
 */
async function writerStoppedBeforeRename(directory: string, filename: string, how: 'kill' | 'hang'): Promise<{ child: ChildProcess; temporary: string }> {
  const stop = how === 'kill' ? `process.kill(process.pid, 'SIGKILL')` : 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)';
  const script = `
    const fs = require('node:fs');
    fs.linkSync = (from) => { process.stdout.write(require('node:path').basename(from) + '\\n'); ${stop}; };
    new (require('@mmstats/writer').MmStats)(${JSON.stringify({ path: directory, filename })});`;
  const child = spawn(process.execPath, ['-e', script], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const temporary = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.endsWith('\n')) resolve(out.trim());
    });
    child.once('exit', () => (out.endsWith('\n') ? undefined : reject(new Error(`writer exited before its rename: ${out}`))));
  });
  // A killed writer is a zombie, with its pid still taken, until it is reaped.
  if (how === 'kill') await exited;
  return { child, temporary };
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** The bytes a writer puts in a new file: a format v1 image naming `pid`. */
function image(pid: number): Uint8Array {
  return encodeFile([{ label: 'sys.pid', signature: 'I', buffered: false, initial: pid }]).bytes;
}

/** Writes `<directory>/<temporary name of finalName for pid>` and returns that name. */
function writeTemporary(directory: string, finalName: string, pid: number, bytes: Uint8Array = image(pid)): string {
  const name = temporaryFileName(finalName, pid, 0, randomBytes(4).toString('hex'));
  fs.writeFileSync(path.join(directory, name), bytes);
  return name;
}

function listing(directory: string): string[] {
  return fs.readdirSync(directory).sort();
}

describe('clean and the temporary files of writers', () => {
  let stuck: ChildProcess | undefined;

  afterEach(async () => {
    await stopChild(stuck);
    stuck = undefined;
  });

  test('removes the temporary file of a writer killed before its rename; keeps that of a writer stuck there until it dies', async () => {
    const crashed = await writerStoppedBeforeRename(dir, 'crashed.mmstats', 'kill');
    const hanging = await writerStoppedBeforeRename(dir, 'stuck.mmstats', 'hang');
    stuck = hanging.child;
    expect(listing(dir)).toEqual([crashed.temporary, hanging.temporary].sort());
    // pid, then the kernel id of the main thread (the pid again)
    expect(crashed.temporary).toMatch(new RegExp(`^\\.crashed\\.mmstats\\.${crashed.child.pid}-${crashed.child.pid}-[0-9a-f]{8}\\.tmp$`));

    let io = memoryIo({ cwd: dir });
    expect(await runClean({ files: [dir] }, io)).toBe(0);
    expect(io.err).toBe(`mmstats: ${dir}: no *.mmstats files in this directory\n`);
    expect(io.out).toBe(
      `removed  ${dir}/${crashed.temporary} (temporary file, pid ${crashed.child.pid} is gone)\n` +
        `kept     ${dir}/${hanging.temporary} (temporary file, pid ${hanging.child.pid} is alive)\n` +
        'Removed 1  -  1 alive  -  0 skipped  -  0 failed\n',
    );
    expect(listing(dir)).toEqual([hanging.temporary]);

    await stopChild(stuck);
    io = memoryIo({ cwd: dir });
    expect(await runClean({ files: [dir] }, io)).toBe(0);
    expect(io.out).toBe(
      `removed  ${dir}/${hanging.temporary} (temporary file, pid ${hanging.child.pid} is gone)\nRemoved 1  -  0 alive  -  0 skipped  -  0 failed\n`,
    );
    expect(listing(dir)).toEqual([]);
  });

  test('removes the temporary file of a worker thread that ended before its rename, in a live process; keeps a live worker\'s', async () => {
    if (!HAS_PROC) return;
    // One process, two worker threads stopped inside the window: one ends there (as worker.terminate()
    // can end it), the other stays blocked there. The process lives on throughout.
    const script = `
      const { Worker } = require('node:worker_threads');
      const code = \`
        const fs = require('node:fs');
        const { parentPort, workerData } = require('node:worker_threads');
        fs.linkSync = (from) => {
          parentPort.postMessage(require('node:path').basename(from));
          if (workerData.how === 'end') process.exit(0);
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
        };
        new (require('@mmstats/writer').MmStats)({ path: workerData.dir, filename: workerData.how + '.mmstats' });\`;
      for (const how of ['end', 'stuck']) {
        const worker = new Worker(code, { eval: true, workerData: { dir: ${JSON.stringify(dir)}, how } });
        worker.on('message', (name) => process.stdout.write(how + ' ' + name + '\\n'));
        worker.on('exit', () => process.stdout.write(how + ' exited\\n'));
      }
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
    stuck = child;
    const lines = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        for (const line of out.split('\n').slice(0, -1)) lines.add(line);
        const names = [...lines].filter((line) => line.endsWith('.tmp'));
        if (names.length === 2 && lines.has('end exited')) resolve();
      });
      child.once('exit', () => reject(new Error(`the process exited: ${out}`)));
    });
    const nameOf = (how: string) => [...lines].find((line) => line.startsWith(`${how} .`))!.slice(how.length + 1);
    const ended = nameOf('end');
    const blocked = nameOf('stuck');
    const tid = Number(/-(\d+)-[0-9a-f]{8}\.tmp$/.exec(ended)![1]);
    expect(tid).not.toBe(child.pid); // a worker's kernel thread id, not the main thread's

    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: [dir] }, io)).toBe(0);
    expect(io.out).toBe(
      `removed  ${dir}/${ended} (temporary file, thread ${tid} of pid ${child.pid} is gone)\n` +
        `kept     ${dir}/${blocked} (temporary file, pid ${child.pid} is alive)\n` +
        'Removed 1  -  1 alive  -  0 skipped  -  0 failed\n',
    );
    expect(listing(dir)).toEqual([blocked]);
  });

  test('a live pid that started after the file was last written was reused (real /proc); a fresh file of it stays', async () => {
    const old = writeTemporary(dir, 'old.mmstats', process.pid);
    const fresh = writeTemporary(dir, 'fresh.mmstats', process.pid);
    const modified = Math.floor(Date.now() / 1000 - process.uptime()) - 3600;
    fs.utimesSync(path.join(dir, old), modified, modified);
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['.'] }, io)).toBe(0);
    const lines = io.out.split('\n');
    expect(lines[0]).toBe(`kept     ./${fresh} (temporary file, pid ${process.pid} is alive)`);
    if (HAS_PROC) {
      const modifiedText = new Date(modified * 1000).toISOString().replace('.000Z', 'Z');
      expect(lines[1]).toMatch(
        new RegExp(`^removed  \\./${old.replace(/\./g, '\\.')} \\(temporary file, pid ${process.pid} was reused: process started \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, file modified ${modifiedText}\\)$`),
      );
      expect(listing(dir)).toEqual([fresh]);
    } else {
      expect(lines[1]).toBe(`kept     ./${old} (temporary file, pid ${process.pid} is alive)`);
    }
  });

  test('the modification time stands for the creation time, with the tolerance of sys.created', async () => {
    const close = writeTemporary(dir, 'close.mmstats', 4242);
    const late = writeTemporary(dir, 'late.mmstats', 4242);
    fs.utimesSync(path.join(dir, close), 1000, 1000);
    fs.utimesSync(path.join(dir, late), 997, 997);
    const processes: ProcessTable = { status: () => ({ state: 'foreign' }), startTime: () => 1000 + REUSE_TOLERANCE_SECONDS };
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['.'] }, io, processes)).toBe(0);
    expect(io.out).toBe(
      `kept     ./${close} (temporary file, pid 4242 is alive, owned by another user)\n` +
        `removed  ./${late} (temporary file, pid 4242 was reused: process started 1970-01-01T00:16:42Z, file modified 1970-01-01T00:16:37Z)\n` +
        'Removed 1  -  1 alive  -  0 skipped  -  0 failed\n',
    );
    expect(listing(dir)).toEqual([close]);
  });

  test('never touches a symlink, a directory, other bytes, or a dot-file that does not match the exact pattern', async () => {
    const dead = deadPid();
    // A symlink with a temporary name, to a dead writer's temporary file elsewhere: neither goes.
    fs.mkdirSync(path.join(dir, 'elsewhere'));
    const target = writeTemporary(path.join(dir, 'elsewhere'), 'a.mmstats', dead);
    const link = temporaryFileName('link.mmstats', dead, 0, '00000001');
    fs.symlinkSync(path.join(dir, 'elsewhere', target), path.join(dir, link));
    const directory = temporaryFileName('d.mmstats', dead, 0, '00000002');
    fs.mkdirSync(path.join(dir, directory));
    const text = writeTemporary(dir, 'text.mmstats', dead, new TextEncoder().encode('not a stats file'));
    const fifo = temporaryFileName('fifo.mmstats', dead, 0, '00000003');
    const hasFifo = spawnSync('mkfifo', [path.join(dir, fifo)]).status === 0;
    // Near misses of the pattern, and the temporary file of a name that is not *.mmstats.
    const misses = [`.a.mmstats.${dead}-0-ABCDEF01.tmp`, `.a.mmstats.${dead}-0-abcdef0.tmp`, `a.mmstats.${dead}-0-abcdef01.tmp`, `.a.mmstats.${dead}-0-abcdef01.tmp.bak`];
    for (const name of misses) fs.writeFileSync(path.join(dir, name), image(dead));
    const otherName = writeTemporary(dir, 'a.stats', dead);
    // An empty file is what a writer killed right after the open leaves.
    const empty = writeTemporary(dir, 'empty.mmstats', dead, new Uint8Array(0));
    const before = listing(dir);

    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: [dir] }, io)).toBe(0);
    expect(io.out).toBe(
      [
        `skipped  ${dir}/${directory} (directory)`,
        `removed  ${dir}/${empty} (temporary file, pid ${dead} is gone)`,
        ...(hasFifo ? [`skipped  ${dir}/${fifo} (not a regular file)`] : []),
        `skipped  ${dir}/${link} (symlink)`,
        `skipped  ${dir}/${text} (not an mmstats temporary file: first byte 0x6e)`,
        `Removed 1  -  0 alive  -  ${hasFifo ? 4 : 3} skipped  -  0 failed`,
        '',
      ].join('\n'),
    );
    expect(listing(dir)).toEqual(before.filter((name) => name !== empty));
    expect(listing(path.join(dir, 'elsewhere'))).toEqual([target]);
    expect(listing(dir)).toEqual(expect.arrayContaining([...misses, otherName]));
  });

  test('a temporary file of pid 1 (alive, maybe another user\'s) is kept, also by a cleaner without privileges', () => {
    const asRoot = process.getuid?.() === 0;
    const init = writeTemporary(dir, 'init.mmstats', 1);
    fs.chmodSync(dir, 0o755);
    const script = `
      const { runClean, memoryIo } = require('@mmstats/cli');
      if (${asRoot}) { process.setgid(65534); process.setuid(65534); }
      const io = memoryIo({ cwd: ${JSON.stringify(dir)} });
      runClean({ files: ['.'] }, io).then((code) => process.stdout.write(JSON.stringify({ code, out: io.out, err: io.err })));`;
    const child = spawnSync(process.execPath, ['-e', script], { cwd: REPO_DIR, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const result = JSON.parse(child.stdout) as { code: number; out: string };
    const foreign = fs.statSync('/proc/1').uid !== (asRoot ? 65534 : process.getuid!());
    expect(result.out).toBe(
      `kept     ./${init} (temporary file, pid 1 is alive${foreign ? ', owned by another user' : ''})\n` +
        'Removed 0  -  1 alive  -  0 skipped  -  0 failed\n',
    );
    expect(result.code).toBe(0);
    expect(listing(dir)).toEqual([init]);
  });
});

describe('which temporary files an argument covers', () => {
  test('a pattern covers the temporary files of the names it matches, a file its own, and a temporary file can be named', async () => {
    const dead = deadPid();
    const ofA = writeTemporary(dir, 'a.mmstats', dead);
    const ofB = writeTemporary(dir, 'b.mmstats', dead);
    const ofWeb = writeTemporary(dir, 'web-1.mmstats', dead);

    let io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['web-*.mmstats'], dryRun: true }, io)).toBe(0);
    expect(io.out).toBe(`would remove  ${ofWeb} (temporary file, pid ${dead} is gone)\nWould remove 1  -  0 alive  -  0 skipped  -  0 failed\n`);

    // A file that is not there: it fails as before, and its temporary file still goes.
    io = memoryIo({ cwd: '/' });
    expect(await runClean({ files: [`${dir}/a.mmstats`] }, io)).toBe(1);
    expect(io.out).toBe(
      `removed  ${dir}/${ofA} (temporary file, pid ${dead} is gone)\n` +
        `failed   ${dir}/a.mmstats (cannot read: no such file or directory)\n` +
        'Removed 1  -  0 alive  -  0 skipped  -  1 failed\n',
    );

    io = memoryIo({ cwd: dir });
    expect(await runClean({ files: [ofB] }, io)).toBe(0);
    expect(io.out).toBe(`removed  ${ofB} (temporary file, pid ${dead} is gone)\nRemoved 1  -  0 alive  -  0 skipped  -  0 failed\n`);
    expect(listing(dir)).toEqual([ofWeb]);
  });

  test('the default directory and MMSTATS_GLOB; --json says which files were temporary', async () => {
    const dead = deadPid();
    const ofA = writeTemporary(dir, 'a.mmstats', dead);
    const ofWeb = writeTemporary(dir, 'web-1.mmstats', dead);
    const stats = writeTemporary(dir, 'unrelated', dead);
    fs.renameSync(path.join(dir, stats), path.join(dir, 'web-2.mmstats'));

    let io = memoryIo({ env: { MMSTATS_PATH: dir }, cwd: '/' });
    expect(await runClean({ json: true, dryRun: true }, io)).toBe(0);
    expect(JSON.parse(io.out)).toEqual({
      dryRun: true,
      files: [
        { file: `${dir}/${ofA}`, kind: 'temporary', action: 'would-remove', reason: `temporary file, pid ${dead} is gone`, pid: dead },
        { file: `${dir}/${ofWeb}`, kind: 'temporary', action: 'would-remove', reason: `temporary file, pid ${dead} is gone`, pid: dead },
        { file: `${dir}/web-2.mmstats`, kind: 'stats', action: 'would-remove', reason: `pid ${dead} is gone`, pid: dead },
      ],
      removed: 3,
      alive: 0,
      skipped: 0,
      failed: 0,
    });

    io = memoryIo({ env: { MMSTATS_GLOB: `${dir}/web-*.mmstats`, MMSTATS_PATH: '/nonexistent' }, cwd: '/' });
    expect(await runClean({}, io)).toBe(0);
    expect(io.out).toBe(
      `removed  ${dir}/${ofWeb} (temporary file, pid ${dead} is gone)\n` +
        `removed  ${dir}/web-2.mmstats (pid ${dead} is gone)\n` +
        'Removed 2  -  0 alive  -  0 skipped  -  0 failed\n',
    );
    expect(listing(dir)).toEqual([ofA]);
  });
});
