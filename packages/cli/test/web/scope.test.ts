import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { encodeFile } from '@mmstats/format';

import { collectFiles, NO_HEADER, unstableReason } from '../../src/web/collect';
import { resolveScope, selectScopedFiles } from '../../src/web/scope';
import { double, removeTempDir, writeStatsFile } from '../util';
import { makeConfinementDirs } from './helpers';

let root: string;
let stats: string;
let outside: string;

beforeEach(() => {
  ({ root, stats, outside } = makeConfinementDirs());
});

afterEach(() => {
  removeTempDir(root);
});

describe('the stats directory', () => {
  test('--glob, else $MMSTATS_GLOB, else *.mmstats in $MMSTATS_PATH or the temp directory', async () => {
    expect(await resolveScope(undefined, {}, root)).toEqual({ directory: os.tmpdir(), pattern: '*.mmstats' });
    expect(await resolveScope(undefined, { MMSTATS_PATH: 'stats' }, root)).toEqual({ directory: stats, pattern: '*.mmstats' });
    expect(await resolveScope(undefined, { MMSTATS_GLOB: `${stats}/web-*.mmstats`, MMSTATS_PATH: '/x' }, root)).toEqual({ directory: stats, pattern: 'web-*.mmstats' });
    expect(await resolveScope('stats/*/x-?.mmstats', { MMSTATS_GLOB: '/y/*' }, root)).toEqual({ directory: stats, pattern: '*/x-?.mmstats' });
    // A directory stands for its *.mmstats files, a plain file for itself.
    expect(await resolveScope(stats, {}, '/')).toEqual({ directory: stats, pattern: '*.mmstats' });
    expect(await resolveScope(`${stats}/one.mmstats`, {}, '/')).toEqual({ directory: stats, pattern: 'one.mmstats' });
  });
});

describe('confinement', () => {
  test('symlinks out of the directory, to a file or through a directory, are left out without a word', async () => {
    writeStatsFile(stats, 'inside.mmstats', [double('x', 1)]);
    const secret = writeStatsFile(outside, 'secret.mmstats', [double('secret', 42)]);
    fs.symlinkSync(secret, path.join(stats, 'link.mmstats'));
    fs.symlinkSync(outside, path.join(stats, 'sub'));
    fs.symlinkSync(path.join(stats, 'inside.mmstats'), path.join(stats, 'alias.mmstats'));
    const scope = { directory: stats, pattern: '*.mmstats' };

    const top = await selectScopedFiles(scope);
    expect(top?.root).toBe(stats);
    expect(top?.files.map((file) => file.file)).toEqual(['alias.mmstats', 'inside.mmstats']);
    expect(top?.files[0].realPath).toBe(path.join(stats, 'inside.mmstats'));
    expect((await collectFiles(scope)).skipped).toEqual([]);

    expect(await collectFiles(scope, 'sub/*.mmstats')).toEqual({ files: [], skipped: [] });
  });

  test('a symlink to a directory outside answers the same whether a file exists there or not', async () => {
    fs.mkdirSync(path.join(outside, 'private'));
    fs.writeFileSync(path.join(outside, 'private', 'secret.txt'), 'secret');
    fs.symlinkSync(root, path.join(stats, 'up'));
    const scope = { directory: stats, pattern: '*.mmstats' };
    const nothing = { files: [], skipped: [] };
    expect(await collectFiles(scope, 'up/outside/private/secret.txt')).toEqual(nothing);
    expect(await collectFiles(scope, 'up/outside/private/missing.txt')).toEqual(nothing);
    expect(await collectFiles(scope, 'up/*/*/*')).toEqual(nothing);
  });

  test('a stats directory that is itself a symlink is followed once, as configured', async () => {
    writeStatsFile(stats, 'a.mmstats', [double('x', 1)]);
    const alias = path.join(root, 'alias');
    fs.symlinkSync(stats, alias);
    const collection = await collectFiles({ directory: alias, pattern: '*.mmstats' });
    expect(collection.files.map((file) => file.file)).toEqual(['a.mmstats']);
  });

  test('unreadable, foreign and non-regular files are skipped with the reason, never thrown', async () => {
    writeStatsFile(stats, 'good.mmstats', [double('x', 1.5)]);
    fs.writeFileSync(path.join(stats, 'notes.mmstats'), 'just text');
    fs.mkdirSync(path.join(stats, 'dir.mmstats'));
    const collection = await collectFiles({ directory: stats, pattern: '*.mmstats' });
    expect(collection.files.map((file) => [file.file, file.records.map((record) => record.value)])).toEqual([['good.mmstats', [1.5]]]);
    expect(collection.skipped).toEqual([
      { file: 'dir.mmstats', error: 'not a regular file' },
      { file: 'notes.mmstats', error: NO_HEADER },
    ]);
  });

  test('a missing stats directory serves no files', async () => {
    expect(await collectFiles({ directory: path.join(root, 'nope'), pattern: '*.mmstats' })).toEqual({ files: [], skipped: [] });
  });
});

describe('reach: a request picks among the files the server was started to serve', () => {
  test('glob= matches only names the configured pattern matches, at its depth', async () => {
    writeStatsFile(stats, 'a.mmstats', [double('x', 1)]);
    writeStatsFile(stats, 'sub/deep.mmstats', [double('deep', 2)]);
    writeStatsFile(stats, 'sub/deeper/deepest.mmstats', [double('deepest', 3)]);
    fs.writeFileSync(path.join(stats, 'notes.txt'), 'someone else\'s notes');
    const scope = { directory: stats, pattern: '*.mmstats' };
    const names = async (pattern?: string) => {
      const collection = await collectFiles(scope, pattern);
      return [...collection.files, ...collection.skipped].map((file) => file.file);
    };
    expect(await names()).toEqual(['a.mmstats']);
    expect(await names('*')).toEqual(['a.mmstats']);
    expect(await names('sub/*.mmstats')).toEqual([]);
    expect(await names('*/*')).toEqual([]);
    expect(await names('*/*/*.mmstats')).toEqual([]);
    expect(await names('notes.txt')).toEqual([]);
    // A deeper configured pattern reaches that depth, and no other.
    const deep = { directory: stats, pattern: '*/*.mmstats' };
    expect((await collectFiles(deep, '*/*')).files.map((file) => file.file)).toEqual(['sub/deep.mmstats']);
    expect((await collectFiles(deep, '*.mmstats')).files).toEqual([]);
  });

  test("a file without an mmstats header is skipped without quoting any of its bytes; a stats file's reason names the record", async () => {
    fs.writeFileSync(path.join(stats, 'secret.mmstats'), 'password=hunter2');
    // The version byte, then bytes that are no record: the first record is the rest of the header.
    fs.writeFileSync(path.join(stats, 'versioned.mmstats'), Buffer.concat([Buffer.from([1, 9, 0]), Buffer.from('hunter2!!'), Buffer.from([1, 0, 0x5a])]));
    const bytes = Buffer.from(encodeFile([{ label: 'first', signature: 'Q', buffered: true, initial: 1 }]).bytes);
    // A valid first record (28 bytes with the version byte), then one whose signature is unknown: a stats file, damaged.
    Buffer.from([4, 0, ...Buffer.from('hurt'), 1, 0, 0x5a, 0xff, 0]).copy(bytes, 28);
    fs.writeFileSync(path.join(stats, 'damaged.mmstats'), bytes);
    const { skipped } = await collectFiles({ directory: stats, pattern: '*.mmstats' });
    expect(skipped).toEqual([
      { file: 'damaged.mmstats', error: 'record 1 at 0x24: record "hurt": unknown type signature "Z"' },
      { file: 'secret.mmstats', error: NO_HEADER },
      { file: 'versioned.mmstats', error: NO_HEADER },
    ]);
  });
});

describe('what a file says of itself', () => {
  test('its pid: the last sys.pid when it is a process id (1 to 2^31-1), as clean reads it', async () => {
    const pid = (label: string, value: number | bigint) => ({ label, signature: 'Q' as const, buffered: true, initial: value });
    writeStatsFile(stats, 'a.mmstats', [pid('sys.pid', 1), pid('web.sys.pid', 4242)]);
    writeStatsFile(stats, 'b.mmstats', [pid('sys.pid', 2 ** 31)]);
    writeStatsFile(stats, 'c.mmstats', [pid('sys.pid', 0)]);
    const collection = await collectFiles({ directory: stats, pattern: '*.mmstats' });
    expect(collection.files.map((file) => [file.file, file.pid])).toEqual([['a.mmstats', 4242], ['b.mmstats', undefined], ['c.mmstats', undefined]]);
  });

  test('unstable labels are named quoted, shortened and the first five only: a 64 KiB label never reaches a log whole', () => {
    const long = 'x'.repeat(65535);
    expect(unstableReason(['hot'])).toBe('record "hot" left out: changed between every two reads');
    const reason = unstableReason([long, 'a', 'b', 'c', 'd', 'e\n', 'f']);
    expect(reason).toBe(`records "${'x'.repeat(60)}…", "a", "b", "c", "d" and 2 more left out: changed between every two reads`);
  });
});
