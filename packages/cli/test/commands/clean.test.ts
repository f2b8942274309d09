import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { runClean } from '../../src/commands/clean';
import { memoryIo } from '../../src/io';
import { main } from '../../src/main';
import type { ProcessTable } from '../../src/read/liveness';
import { BIN, HAS_PROC, REPO_DIR, requireBuild, useTempDir, writeStatsFile } from '../util';


let dir: string;

// Stats files are written by child processes that load the built writer: `npx tsc -b` first.
beforeAll(() => {
  requireBuild();
});

useTempDir((created) => (dir = created));

/** Runs a script in a new node process from the repository root (so `require('@mmstats/…')` finds the builds). */
function nodeScript(script: string) {
  const child = spawnSync(process.execPath, ['-e', script], { cwd: REPO_DIR, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`child failed: ${child.stderr}`);
  return child.stdout;
}

/**
 * A stats file written by a child process that has exited since (its file stays): returns the
 * child's pid, which no longer exists.
 */
function writeDeadFile(directory: string, filename: string, labelPrefix?: string): number {
  const options = JSON.stringify({ path: directory, filename, labelPrefix });
  return Number(nodeScript(`new (require('@mmstats/writer').MmStats)(${options}); process.stdout.write(String(process.pid));`));
}

/**
 * A stats file naming any pid, with a `sys.created` time if given (`'now'`: when it is written),
 * built by the real writer from a `BaseMmStats` subclass with static fields. Written by a child
 * process: the writer's native mmap module must not be loaded into a Jest worker that other test
 * files (the writer's own) share, as a second load there breaks its `sync`.
 */
function writePidFile(directory: string, filename: string, pid: number, created?: number | 'now', labelPrefix?: string): string {
  const options = JSON.stringify({ path: directory, filename, labelPrefix });
  const createdField =
    created === undefined ? '' : `created: field.staticDouble({ label: 'sys.created', value: ${created === 'now' ? '() => Date.now() / 1000' : created} }),`;
  return nodeScript(`
    const { BaseMmStats, field } = require('@mmstats/writer');
    class Named extends BaseMmStats {
      static fields = { pid: field.staticUInt({ label: 'sys.pid', value: ${pid} }), ${createdField} };
    }
    process.stdout.write(new Named(${options}).filename);`);
}

/** A stats file naming this (live) test process, created now. */
function writeOwnFile(directory: string, filename: string, labelPrefix?: string): string {
  return writePidFile(directory, filename, process.pid, 'now', labelPrefix);
}

/** A child process that writes a stats file and stays alive until killed. */
async function startLiveChild(directory: string, filename: string): Promise<ChildProcess> {
  const options = JSON.stringify({ path: directory, filename });
  const script = `new (require('@mmstats/writer').MmStats)(${options}); console.log('ready'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`live child exited with ${code}`)));
  });
  return child;
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function listing(directory: string): string[] {
  return fs.readdirSync(directory).sort();
}

/** The process start of this test process, in Unix seconds. */
function ownStart(): number {
  return Date.now() / 1000 - process.uptime();
}

describe('runClean on a directory of real writer files', () => {
  let live: ChildProcess | undefined;

  afterEach(async () => {
    await stopChild(live);
    live = undefined;
  });

  test('removes the files of dead processes, keeps live ones and everything that is not a stats file', async () => {
    live = await startLiveChild(dir, 'child-live.mmstats');
    writeOwnFile(dir, 'self-live.mmstats');
    const dead = writeDeadFile(dir, 'dead.mmstats');
    const deadWeb = writeDeadFile(dir, 'web-dead.mmstats', 'web.stats.');
    writeOwnFile(dir, 'web-live.mmstats', 'web.');
    fs.writeFileSync(path.join(dir, 'notes.mmstats'), 'hello, not a stats file\n');
    fs.writeFileSync(path.join(dir, 'random.mmstats'), Buffer.from([0x01, 0xff, 0xff, 0x00, 0x07]));
    writeStatsFile(dir, 'nopid.mmstats', [{ label: 'http.requests', signature: 'Q', buffered: true, initial: 7 }]);
    fs.mkdirSync(path.join(dir, 'd.mmstats'));
    // A symlink to a dead process's file: neither the link nor the target is touched.
    fs.mkdirSync(path.join(dir, 'target'));
    const deadTarget = writeDeadFile(path.join(dir, 'target'), 'dead-target.mmstats');
    fs.symlinkSync(path.join(dir, 'target', 'dead-target.mmstats'), path.join(dir, 'link.mmstats'));
    const before = listing(dir);

    const io = memoryIo({ cwd: dir });
    const code = await runClean({ files: [dir] }, io);
    expect(io.err).toBe('');
    expect(io.out).toBe(
      [
        `kept     ${dir}/child-live.mmstats (pid ${live.pid} is alive)`,
        `skipped  ${dir}/d.mmstats (directory)`,
        `removed  ${dir}/dead.mmstats (pid ${dead} is gone)`,
        `skipped  ${dir}/link.mmstats (symlink)`,
        `skipped  ${dir}/nopid.mmstats (no sys.pid record)`,
        `skipped  ${dir}/notes.mmstats (not an mmstats file: at 0x0: unsupported version byte 0x68 (expected 0x01): not an mmstats v1 file)`,
        `skipped  ${dir}/random.mmstats (not an mmstats file: record 0 at 0x1: label length 65535 runs past the end of the file (2 bytes left))`,
        `kept     ${dir}/self-live.mmstats (pid ${process.pid} is alive)`,
        `removed  ${dir}/web-dead.mmstats (pid ${deadWeb} is gone)`,
        `kept     ${dir}/web-live.mmstats (pid ${process.pid} is alive)`,
        'Removed 2  -  3 alive  -  5 skipped  -  0 failed',
        '',
      ].join('\n'),
    );
    expect(code).toBe(0);
    expect(listing(dir)).toEqual(before.filter((name) => name !== 'dead.mmstats' && name !== 'web-dead.mmstats'));
    expect(fs.lstatSync(path.join(dir, 'link.mmstats')).isSymbolicLink()).toBe(true);
    expect(listing(path.join(dir, 'target'))).toEqual(['dead-target.mmstats']);
    expect(deadTarget).toBeGreaterThan(0);
  });

  test('--dry-run removes nothing and says what it would remove', async () => {
    const dead = writeDeadFile(dir, 'dead.mmstats');
    writeOwnFile(dir, 'live.mmstats');
    fs.writeFileSync(path.join(dir, 'x.mmstats'), 'text');
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['.'], dryRun: true }, io)).toBe(0);
    expect(io.out).toBe(
      `would remove  ./dead.mmstats (pid ${dead} is gone)\n` +
        `kept          ./live.mmstats (pid ${process.pid} is alive)\n` +
        'skipped       ./x.mmstats (not an mmstats file: at 0x0: unsupported version byte 0x74 (expected 0x01): not an mmstats v1 file)\n' +
        'Would remove 1  -  1 alive  -  1 skipped  -  0 failed\n',
    );
    expect(listing(dir)).toEqual(['dead.mmstats', 'live.mmstats', 'x.mmstats']);
  });

  test('a file created before its live pid started: the pid was reused (real /proc)', async () => {
    const created = Math.floor(ownStart()) - 3600;
    writePidFile(dir, 'old.mmstats', process.pid, created);
    writePidFile(dir, 'new.mmstats', process.pid, Date.now() / 1000);
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['old.mmstats', 'new.mmstats'] }, io)).toBe(0);
    const lines = io.out.split('\n');
    expect(lines[0]).toBe(`kept     new.mmstats (pid ${process.pid} is alive)`);
    if (HAS_PROC) {
      const createdText = new Date(created * 1000).toISOString().replace('.000Z', 'Z');
      expect(lines[1]).toMatch(
        new RegExp(`^removed  old\\.mmstats \\(pid ${process.pid} was reused: process started \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, file created ${createdText}\\)$`),
      );
      expect(listing(dir)).toEqual(['new.mmstats']);
    } else {
      expect(lines[1]).toBe(`kept     old.mmstats (pid ${process.pid} is alive)`);
    }
  });

  test('the file of a live process found by MMSTATS_PATH and by MMSTATS_GLOB', async () => {
    const dead = writeDeadFile(dir, 'dead.mmstats');
    writeOwnFile(dir, 'live.mmstats');
    let io = memoryIo({ env: { MMSTATS_PATH: dir }, cwd: '/' });
    expect(await runClean({ dryRun: true }, io)).toBe(0);
    expect(io.out).toContain(`would remove  ${dir}/dead.mmstats (pid ${dead} is gone)\n`);
    expect(io.out).toContain(`kept          ${dir}/live.mmstats (pid ${process.pid} is alive)\n`);
    io = memoryIo({ env: { MMSTATS_GLOB: `${dir}/d*.mmstats`, MMSTATS_PATH: '/nonexistent' }, cwd: '/' });
    expect(await runClean({}, io)).toBe(0);
    expect(io.out).toBe(`removed  ${dir}/dead.mmstats (pid ${dead} is gone)\nRemoved 1  -  0 alive  -  0 skipped  -  0 failed\n`);
    expect(listing(dir)).toEqual(['live.mmstats']);
  });
});

describe('runClean with a given process table (pid reuse without waiting for the kernel)', () => {
  function table(state: 'alive' | 'foreign' | 'gone', started?: number): ProcessTable {
    return { status: () => ({ state }), startTime: () => started };
  }

  test('removes a file whose pid belongs to a process started after the file was created', async () => {
    writePidFile(dir, 'a.mmstats', 4242, 1000);
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['a.mmstats'] }, io, table('alive', 2000))).toBe(0);
    expect(io.out).toBe(
      'removed  a.mmstats (pid 4242 was reused: process started 1970-01-01T00:33:20Z, file created 1970-01-01T00:16:40Z)\n' +
        'Removed 1  -  0 alive  -  0 skipped  -  0 failed\n',
    );
    expect(listing(dir)).toEqual([]);
  });

  test('a reused pid of another user is no reason to keep the file', async () => {
    writePidFile(dir, 'a.mmstats', 4242, 1000, 'web.');
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['a.mmstats'], dryRun: true }, io, table('foreign', 5000))).toBe(0);
    expect(io.out).toMatch(/^would remove  a\.mmstats \(pid 4242 was reused: /);
  });

  test('keeps the file within the tolerance, without sys.created, and without a start time', async () => {
    writePidFile(dir, 'close.mmstats', 4242, 1999);
    writePidFile(dir, 'nocreated.mmstats', 4242);
    let io = memoryIo({ cwd: dir });
    expect(await runClean({ files: [dir] }, io, table('alive', 2000))).toBe(0);
    expect(io.out).toBe(
      `kept     ${dir}/close.mmstats (pid 4242 is alive)\n` +
        `kept     ${dir}/nocreated.mmstats (pid 4242 is alive)\n` +
        'Removed 0  -  2 alive  -  0 skipped  -  0 failed\n',
    );
    io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['close.mmstats'] }, io, table('foreign', undefined))).toBe(0);
    expect(io.out).toBe('kept     close.mmstats (pid 4242 is alive, owned by another user)\nRemoved 0  -  1 alive  -  0 skipped  -  0 failed\n');
  });

  test('the last label ending in sys.pid decides, with the sys.created of the same prefix', async () => {
    writeStatsFile(dir, 'two.mmstats', [
      { label: 'sys.pid', signature: 'I', buffered: false, initial: 1111 },
      { label: 'sys.created', signature: 'd', buffered: false, initial: 1000 },
      { label: 'worker.sys.pid', signature: 'Q', buffered: false, initial: 2222n },
      { label: 'worker.sys.created', signature: 'd', buffered: false, initial: 3000 },
    ]);
    const asked: number[] = [];
    const processes: ProcessTable = {
      status: (pid) => (asked.push(pid), { state: 'alive' }),
      startTime: () => 2000,
    };
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['two.mmstats'] }, io, processes)).toBe(0);
    expect(asked).toEqual([2222]);
    expect(io.out).toMatch(/^kept     two\.mmstats \(pid 2222 is alive\)\n/);
  });

  test('a pid that cannot be a process (0 would signal our own group) is skipped, never asked about', async () => {
    writeStatsFile(dir, 'zero.mmstats', [{ label: 'sys.pid', signature: 'I', buffered: false, initial: 0 }]);
    writeStatsFile(dir, 'text.mmstats', [{ label: 'sys.pid', signature: '8s', buffered: false, initial: '123' }]);
    writeStatsFile(dir, 'huge.mmstats', [{ label: 'sys.pid', signature: 'Q', buffered: false, initial: 2n ** 40n }]);
    const processes: ProcessTable = {
      status: () => {
        throw new Error('must not be asked');
      },
      startTime: () => undefined,
    };
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: [dir] }, io, processes)).toBe(0);
    expect(io.out).toBe(
      `skipped  ${dir}/huge.mmstats (invalid sys.pid: 1099511627776)\n` +
        `skipped  ${dir}/text.mmstats (invalid sys.pid: "123")\n` +
        `skipped  ${dir}/zero.mmstats (invalid sys.pid: 0)\n` +
        'Removed 0  -  0 alive  -  3 skipped  -  0 failed\n',
    );
  });

  test('a file replaced between the check and the removal is left alone', async () => {
    const file = writePidFile(dir, 'a.mmstats', 4242, 1000);
    const other = writePidFile(dir, 'other.tmp', 4242, 1000);
    const processes: ProcessTable = {
      status: () => {
        fs.renameSync(other, file);
        return { state: 'gone' };
      },
      startTime: () => undefined,
    };
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['a.mmstats'] }, io, processes)).toBe(0);
    expect(io.out).toBe('skipped  a.mmstats (changed while being checked)\nRemoved 0  -  0 alive  -  1 skipped  -  0 failed\n');
    expect(listing(dir)).toEqual(['a.mmstats']);
  });

  test('a file already removed by someone else is not a failure', async () => {
    const file = writePidFile(dir, 'a.mmstats', 4242, 1000);
    const processes: ProcessTable = {
      status: () => {
        fs.unlinkSync(file);
        return { state: 'gone' };
      },
      startTime: () => undefined,
    };
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['a.mmstats'] }, io, processes)).toBe(0);
    expect(io.out).toBe('skipped  a.mmstats (already gone)\nRemoved 0  -  0 alive  -  1 skipped  -  0 failed\n');
  });
});

describe('runClean never deletes what it should not', () => {
  test('a symlink argument is reported and kept, even one pointing to a directory', async () => {
    fs.mkdirSync(path.join(dir, 'real'));
    writeDeadFile(path.join(dir, 'real'), 'dead.mmstats');
    fs.symlinkSync(path.join(dir, 'real', 'dead.mmstats'), path.join(dir, 'file-link.mmstats'));
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'dir-link'));
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['file-link.mmstats', 'dir-link', 'dir-link/'] }, io)).toBe(0);
    expect(io.out).toBe(
      'skipped  dir-link (symlink)\n' +
        'skipped  dir-link/ (symlink)\n' +
        'skipped  file-link.mmstats (symlink)\n' +
        'Removed 0  -  0 alive  -  3 skipped  -  0 failed\n',
    );
    expect(listing(path.join(dir, 'real'))).toEqual(['dead.mmstats']);
    expect(listing(dir)).toEqual(['dir-link', 'file-link.mmstats', 'real']);
  });

  test('directories and other non-regular files found by a pattern are skipped', async () => {
    fs.mkdirSync(path.join(dir, 'd.mmstats'));
    writeDeadFile(path.join(dir, 'd.mmstats'), 'inner.mmstats');
    const fifo = spawnSync('mkfifo', [path.join(dir, 'f.mmstats')]).status === 0;
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['*.mmstats'] }, io)).toBe(0);
    expect(io.out).toBe(
      'skipped  d.mmstats (directory)\n' +
        (fifo ? 'skipped  f.mmstats (not a regular file)\n' : '') +
        `Removed 0  -  0 alive  -  ${fifo ? 2 : 1} skipped  -  0 failed\n`,
    );
    expect(listing(path.join(dir, 'd.mmstats'))).toEqual(['inner.mmstats']);
  });

  test('a named file that cannot be read fails (exit 1); nothing to clean is not a failure', async () => {
    let io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['missing.mmstats'] }, io)).toBe(1);
    expect(io.out).toBe('failed   missing.mmstats (cannot read: no such file or directory)\nRemoved 0  -  0 alive  -  0 skipped  -  1 failed\n');

    io = memoryIo({ cwd: dir });
    expect(await runClean({ files: [dir, 'nothing-*.mmstats'] }, io)).toBe(0);
    expect(io.err).toBe(`mmstats: ${dir}: no *.mmstats files in this directory\nmmstats: nothing-*.mmstats: no files match this pattern\n`);
    expect(io.out).toBe('Removed 0  -  0 alive  -  0 skipped  -  0 failed\n');

    io = memoryIo({ env: { MMSTATS_PATH: dir }, cwd: dir });
    expect(await runClean({}, io)).toBe(0);
    expect(io.err).toBe(`mmstats: no mmstats files found (searched *.mmstats in ${dir})\n`);
  });

  test('--json: one document with every file and the counts', async () => {
    const dead = writeDeadFile(dir, 'dead.mmstats');
    writeOwnFile(dir, 'live.mmstats');
    writeStatsFile(dir, 'nopid.mmstats', [{ label: 'a', signature: 'd', buffered: true, initial: 1 }]);
    const io = memoryIo({ cwd: dir });
    expect(await runClean({ files: ['.'], json: true, dryRun: true }, io)).toBe(0);
    expect(JSON.parse(io.out)).toEqual({
      dryRun: true,
      files: [
        { file: './dead.mmstats', kind: 'stats', action: 'would-remove', reason: `pid ${dead} is gone`, pid: dead },
        { file: './live.mmstats', kind: 'stats', action: 'kept', reason: `pid ${process.pid} is alive`, pid: process.pid },
        { file: './nopid.mmstats', kind: 'stats', action: 'skipped', reason: 'no sys.pid record', pid: null },
      ],
      removed: 1,
      alive: 1,
      skipped: 1,
      failed: 0,
    });
    expect(listing(dir)).toEqual(['dead.mmstats', 'live.mmstats', 'nopid.mmstats']);
  });
});

describe('as another user (privileges dropped in a child process)', () => {
  test("keeps the file of a live process owned by someone else (EPERM); a removal that is refused fails", () => {
    const asRoot = process.getuid?.() === 0;
    // pid 1 (init) belongs to root: EPERM for anyone else. Created now, so not a reused pid.
    writePidFile(dir, 'init.mmstats', 1, Date.now() / 1000);
    const dead = writeDeadFile(dir, 'dead.mmstats');
    // Readable but not writable for the cleaner: the dead file's removal is refused.
    fs.chmodSync(dir, 0o555);
    try {
      const script = `
        const { runClean, memoryIo } = require('@mmstats/cli');
        if (${asRoot}) { process.setgid(65534); process.setuid(65534); }
        const io = memoryIo({ cwd: ${JSON.stringify(dir)} });
        runClean({ files: ['.'] }, io).then((code) => process.stdout.write(JSON.stringify({ code, out: io.out, err: io.err })));`;
      const result = JSON.parse(nodeScript(script)) as { code: number; out: string; err: string };
      const pid1Owner = fs.statSync('/proc/1').uid;
      const cleanerUid = asRoot ? 65534 : process.getuid!();
      expect(result.err).toBe('');
      expect(result.out).toBe(
        `failed   ./dead.mmstats (cannot remove: permission denied)\n` +
          `kept     ./init.mmstats (pid 1 is alive${pid1Owner === cleanerUid ? '' : ', owned by another user'})\n` +
          'Removed 0  -  1 alive  -  0 skipped  -  1 failed\n',
      );
      expect(result.code).toBe(1);
      expect(dead).toBeGreaterThan(1);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
    expect(listing(dir)).toEqual(['dead.mmstats', 'init.mmstats']);
  });
});

describe('mmstats clean (command line)', () => {
  test('parses --dry-run and file arguments through main', async () => {
    const dead = writeDeadFile(dir, 'dead.mmstats');
    const io = memoryIo({ cwd: dir });
    expect(await main(['clean', '-n', '--', 'dead.mmstats'], io)).toBe(0);
    expect(io.out).toBe(`would remove  dead.mmstats (pid ${dead} is gone)\nWould remove 1  -  0 alive  -  0 skipped  -  0 failed\n`);
    expect(await main(['clean', '--bogus'], memoryIo())).toBe(2);
  });

  test('bin/mmstats clean --dry-run <dir> with a live, a dead and a foreign file', async () => {
    const live = await startLiveChild(dir, 'live.mmstats');
    try {
      const dead = writeDeadFile(dir, 'dead.mmstats');
      fs.writeFileSync(path.join(dir, 'foreign.mmstats'), 'not mine');
      const env = { ...process.env, MMSTATS_PATH: undefined, MMSTATS_GLOB: undefined };
      const result = spawnSync(process.execPath, [BIN, 'clean', '--dry-run', dir], { cwd: dir, env, encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(
        `would remove  ${dir}/dead.mmstats (pid ${dead} is gone)\n` +
          `skipped       ${dir}/foreign.mmstats (not an mmstats file: at 0x0: unsupported version byte 0x6e (expected 0x01): not an mmstats v1 file)\n` +
          `kept          ${dir}/live.mmstats (pid ${live.pid} is alive)\n` +
          'Would remove 1  -  1 alive  -  1 skipped  -  0 failed\n',
      );
      expect(result.status).toBe(0);
      expect(listing(dir)).toEqual(['dead.mmstats', 'foreign.mmstats', 'live.mmstats']);
    } finally {
      await stopChild(live);
    }
  });
});
