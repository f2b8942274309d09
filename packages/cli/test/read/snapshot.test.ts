import * as fs from 'node:fs';
import * as path from 'node:path';

import { DecodeError, encodeFile } from '@mmstats/format';

import { ReadError } from '../../src/errors';
import { readSnapshot } from '../../src/read/snapshot';
import { double, ORIGINAL_FIXTURES, writeStatsFile, useTempDir } from '../util';

let dir: string;
useTempDir((created) => (dir = created));

function entry(file: string) {
  return { file, path: path.resolve(dir, file) };
}

describe('readSnapshot', () => {
  test('decodes a file written by the original mmstats', async () => {
    const snapshot = await readSnapshot({ file: 'basic.mmstats', path: path.join(ORIGINAL_FIXTURES, 'basic.mmstats') });
    expect(snapshot.error).toBeUndefined();
    expect(snapshot.records?.map((r) => [r.label, r.value])).toEqual([
      ['load', 2.25],
      ['hits', 5],
      ['name', 'hi'],
      ['up', true],
    ]);
  });

  test('reads a file of our own', async () => {
    writeStatsFile(dir, 'a.mmstats', [double('x', 1.5)]);
    const snapshot = await readSnapshot(entry('a.mmstats'));
    expect(snapshot.records?.[0].value).toBe(1.5);
  });

  test('a missing file is a ReadError naming it', async () => {
    const snapshot = await readSnapshot(entry('missing.mmstats'));
    expect(snapshot.error).toBeInstanceOf(ReadError);
    expect(snapshot.error?.message).toBe('missing.mmstats: no such file or directory');
  });

  test('a directory is not a regular file', async () => {
    fs.mkdirSync(path.join(dir, 'd.mmstats'));
    const snapshot = await readSnapshot(entry('d.mmstats'));
    expect(snapshot.error?.message).toBe('d.mmstats: not a regular file');
  });

  test('a FIFO is refused without waiting for a writer', async () => {
    const fifo = path.join(dir, 'f.mmstats');
    const { spawnSync } = await import('node:child_process');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return; // no mkfifo here
    const snapshot = await readSnapshot(entry('f.mmstats'));
    expect(snapshot.error?.message).toBe('f.mmstats: not a regular file');
  });

  test('bytes that are not format v1 give a DecodeError naming the file', async () => {
    fs.writeFileSync(path.join(dir, 'text.mmstats'), 'hello');
    const snapshot = await readSnapshot(entry('text.mmstats'));
    expect(snapshot.error).toBeInstanceOf(DecodeError);
    expect(snapshot.error?.message).toMatch(/^text\.mmstats: at 0x0: .*version/);
  });

  test('a truncated file gives a DecodeError naming the file and the record', async () => {
    const { bytes, plan } = encodeFile([double('a', 1), double('b', 2)]);
    fs.writeFileSync(path.join(dir, 'cut.mmstats'), bytes.subarray(0, plan.records[1].end - 3));
    const snapshot = await readSnapshot(entry('cut.mmstats'));
    expect(snapshot.error).toBeInstanceOf(DecodeError);
    expect((snapshot.error as DecodeError).recordIndex).toBe(1);
    expect(snapshot.error?.message).toMatch(/^cut\.mmstats: record 1 at 0x[0-9a-f]+: /);
  });

  test('an empty file is an error', async () => {
    fs.writeFileSync(path.join(dir, 'empty.mmstats'), '');
    const snapshot = await readSnapshot(entry('empty.mmstats'));
    expect(snapshot.error?.message).toMatch(/^empty\.mmstats: /);
  });
});

describe('MMSTATS_PATIENT_COPIES', () => {
  test('a whole number of copies, none for the default, and a clear error for anything else', async () => {
    const { patientCopiesFromEnvironment } = await import('../../src/read/snapshot');
    expect(patientCopiesFromEnvironment(undefined)).toBeUndefined();
    expect(patientCopiesFromEnvironment('')).toBeUndefined();
    expect(patientCopiesFromEnvironment('0')).toBe(0);
    expect(patientCopiesFromEnvironment('100')).toBe(100);
    expect(() => patientCopiesFromEnvironment('-1')).toThrow('MMSTATS_PATIENT_COPIES must be a whole number of copies (0 gives up on a changing value at once), got "-1"');
    expect(() => patientCopiesFromEnvironment('lots')).toThrow(/got "lots"/);
  });
});
