// Files in a stats directory come from anyone who can write there. Each hostile one must give a
// clear per-file error in bounded time and memory, and the other files must still be read.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { encodeFile } from '@mmstats/format';

import { runClean } from '../src/commands/clean';
import { runSlurp } from '../src/commands/slurp';
import { memoryIo } from '../src/io';
import { main } from '../src/main';
import { DEFAULT_MAX_FILE_BYTES, FileTooLargeError, readRegularFile } from '../src/read/regular-file';
import { double, makeTempDir, removeTempDir, writeStatsFile } from './util';

let dir: string;

beforeEach(() => {
  dir = makeTempDir();
  writeStatsFile(dir, 'good.mmstats', [double('load', 2.25)]);
});

afterEach(() => {
  removeTempDir(dir);
});

async function slurp(args: string[]) {
  const io = memoryIo({ cwd: dir });
  const code = await main(['slurp', ...args], io);
  return { code, out: io.out, err: io.err };
}

const GOOD_TEXT = '==> good.mmstats\n  load 2.25\n\n';

describe('files too large to be stats files', () => {
  test('a 10 GiB file (sparse) is refused by its size without being read; the others print', async () => {
    fs.writeFileSync(path.join(dir, 'huge.mmstats'), Uint8Array.of(1));
    fs.truncateSync(path.join(dir, 'huge.mmstats'), 10 * 1024 ** 3);
    const result = await slurp(['good.mmstats', 'huge.mmstats']);
    expect(result.out).toBe(GOOD_TEXT);
    expect(result.err).toBe('mmstats: huge.mmstats: file is 10737418240 bytes, more than the 64 MiB a stats file may have: not read\n');
    expect(result.code).toBe(1);
  });

  test('clean skips it (found in a directory) and keeps it', async () => {
    fs.writeFileSync(path.join(dir, 'huge.mmstats'), Uint8Array.of(1));
    fs.truncateSync(path.join(dir, 'huge.mmstats'), DEFAULT_MAX_FILE_BYTES + 1);
    const io = memoryIo({ cwd: dir });
    const code = await runClean({ files: ['.'], dryRun: false }, io);
    expect(io.out).toContain(`skipped  ./huge.mmstats (cannot read: file is ${DEFAULT_MAX_FILE_BYTES + 1} bytes, more than the 64 MiB`);
    expect(fs.existsSync(path.join(dir, 'huge.mmstats'))).toBe(true);
    expect(code).toBe(0);
  });

  test('a file that reports size 0 but keeps giving bytes is cut off at the limit (/proc)', async () => {
    const status = '/proc/self/status';
    if (!fs.existsSync(status)) return; // no procfs here
    expect(fs.statSync(status).size).toBe(0);
    await expect(readRegularFile(status, { maxBytes: 16 })).rejects.toThrow(FileTooLargeError);
    await expect(readRegularFile(status, { maxBytes: 16 })).rejects.toThrow('file is more than the 16 bytes a stats file may have: not read');
    const whole = await readRegularFile(status);
    expect(Buffer.from(whole.bytes!).toString('latin1')).toMatch(/^Name:/);
  });

  test('a file with more records than the reader accepts is a decode error, quickly', async () => {
    // 100,001 records of 8 bytes: label "a", signature "b", unbuffered, one slot.
    const record = Buffer.from('010061010062ff00', 'hex');
    const bytes = Buffer.alloc(1 + 100_001 * record.length);
    bytes[0] = 1;
    for (let i = 0; i < 100_001; i++) record.copy(bytes, 1 + i * record.length);
    fs.writeFileSync(path.join(dir, 'many.mmstats'), bytes);
    const result = await slurp(['good.mmstats', 'many.mmstats']);
    expect(result.out).toBe(GOOD_TEXT);
    expect(result.err).toBe('mmstats: many.mmstats: record 100000 at 0xc3501: more than 100000 records, the most this reader accepts\n');
    expect(result.code).toBe(1);
  });
});

describe('things that are not files', () => {
  test('/dev/zero named as a file is refused at once', async () => {
    const result = await slurp(['/dev/zero', 'good.mmstats']);
    expect(result.out).toBe(GOOD_TEXT);
    expect(result.err).toBe('mmstats: /dev/zero: not a regular file\n');
    expect(result.code).toBe(1);
  });

  test('a FIFO named *.mmstats in the directory is refused without waiting for a writer', async () => {
    if (spawnSync('mkfifo', [path.join(dir, 'pipe.mmstats')]).status !== 0) return; // no mkfifo here
    const result = await slurp(['.']);
    expect(result.out).toBe('==> ./good.mmstats\n  load 2.25\n\n');
    expect(result.err).toBe('mmstats: ./pipe.mmstats: not a regular file\n');
    expect(result.code).toBe(1);
  });
});

describe('text from other processes reaches the terminal escaped', () => {
  test('labels and strings with escape sequences: text escaped, --json exact', async () => {
    writeStatsFile(dir, 'evil.mmstats', [{ label: 'x\u001b[2J', signature: '32s', buffered: false, initial: 'line\nforged 1\u001b]0;t\u0007' }]);
    const text = await slurp(['evil.mmstats']);
    expect(text.out).toBe('==> evil.mmstats\n  x\\x1b[2J line\\nforged 1\\x1b]0;t\\x07\n\n');
    const json = await slurp(['--json', 'evil.mmstats']);
    expect(json.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(JSON.parse(json.out).files[0].records[0]).toEqual({ label: 'x\u001b[2J', type: '32s', value: 'line\nforged 1\u001b]0;t\u0007' });
  });

  test('a bad file whose name holds an escape sequence: one escaped line on standard error', async () => {
    const name = 'bad\u001b[2J\n.mmstats';
    fs.writeFileSync(path.join(dir, name), 'not stats');
    const result = await slurp(['.']);
    expect(result.err).toBe('mmstats: ./bad\\x1b[2J\\n.mmstats: at 0x0: unsupported version byte 0x6e (expected 0x01): not an mmstats v1 file\n');
    expect(result.out).toBe('==> ./good.mmstats\n  load 2.25\n\n');
  });
});

describe('a file that shrinks and grows while it is read', () => {
  test('every read gives the records or one clear error naming the file', async () => {
    const { bytes, plan } = encodeFile([double('a', 1), double('b', 2), { label: 's', signature: '200s', buffered: false, initial: 'x'.repeat(150) }]);
    const file = path.join(dir, 'churn.mmstats');
    fs.writeFileSync(file, bytes);
    // Another process cuts the file to random lengths and restores it, as fast as it can.
    const script = `
      const fs = require('fs');
      const [file, hex] = process.argv.slice(1);
      const full = Buffer.from(hex, 'hex');
      const fd = fs.openSync(file, 'r+');
      const pause = new Int32Array(new SharedArrayBuffer(4));
      process.stdout.write('ready\\n');
      for (;;) {
        fs.ftruncateSync(fd, Math.floor(Math.random() * full.length));
        Atomics.wait(pause, 0, 0, 1); // stay cut for a moment, so readers meet the short file
        fs.writeSync(fd, full, 0, full.length, 0);
      }`;
    const child = spawn(process.execPath, ['-e', script, file, Buffer.from(bytes.subarray(0, plan.contentSize + 64)).toString('hex')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    try {
      const complete = ['  a 1.0', '  b 2.0', `  s ${'x'.repeat(150)}`];
      const outcomes = new Map<string, number>();
      for (let i = 0; i < 300; i++) {
        const io = memoryIo({ cwd: dir });
        const code = await runSlurp({ files: ['churn.mmstats'] }, io);
        if (code === 0) {
          // Cut between records, the file is a valid shorter one: some of the records, in order.
          expect(io.err).toBe('');
          expect(io.out).toMatch(/^==> churn\.mmstats\n(.+\n)*\n$/);
          const shown = io.out.split('\n').slice(1, -2);
          expect(shown).toEqual(complete.slice(0, shown.length));
        } else {
          expect(code).toBe(1);
          expect(io.out).toBe('');
          expect(io.err).toMatch(/^mmstats: churn\.mmstats: [^\n]+\n$/);
        }
        const kind = code === 0 ? 'records' : io.err.replace(/0x[0-9a-f]+|\d+/g, 'N');
        outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
      }
      // Cut anywhere, a file mostly fails somewhere in a record: the run must have seen errors.
      expect([...outcomes.keys()].some((kind) => kind !== 'records')).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
