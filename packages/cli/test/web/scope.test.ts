import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { collectFiles } from '../../src/web/collect';
import { isInside, resolveScope, selectScopedFiles } from '../../src/web/scope';
import { double, makeTempDir, removeTempDir, writeStatsFile } from '../util';

let root: string;
let stats: string;
let outside: string;

beforeEach(() => {
  root = fs.realpathSync(makeTempDir());
  stats = path.join(root, 'stats');
  outside = path.join(root, 'outside');
  fs.mkdirSync(stats);
  fs.mkdirSync(outside);
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

  test('isInside: the directory itself and what is below it, never a sibling that shares a prefix', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b/c/d', '/a/b')).toBe(true);
    expect(isInside('/a/bc', '/a/b')).toBe(false);
    expect(isInside('/a', '/a/b')).toBe(false);
    expect(isInside('/a/b/..c', '/a/b')).toBe(true);
  });
});

describe('confinement', () => {
  test('symlinks out of the directory, to a file or through a directory, are refused and only counted', async () => {
    writeStatsFile(stats, 'inside.mmstats', [double('x', 1)]);
    const secret = writeStatsFile(outside, 'secret.mmstats', [double('secret', 42)]);
    fs.symlinkSync(secret, path.join(stats, 'link.mmstats'));
    fs.symlinkSync(outside, path.join(stats, 'sub'));
    fs.symlinkSync(path.join(stats, 'inside.mmstats'), path.join(stats, 'alias.mmstats'));
    const scope = { directory: stats, pattern: '*.mmstats' };

    const top = await selectScopedFiles(scope);
    expect(top.files.map((file) => file.file)).toEqual(['alias.mmstats', 'inside.mmstats']);
    expect(top.files[0].realPath).toBe(path.join(stats, 'inside.mmstats'));
    expect(top.refused).toBe(1);

    const through = await collectFiles(scope, 'sub/*.mmstats');
    expect(through.files).toEqual([]);
    expect(through.skipped).toEqual([{ file: 'sub/*.mmstats', error: '1 match refused: outside the stats directory (through a symlink)' }]);
    // The refusal never names what lies outside.
    expect(JSON.stringify(through)).not.toContain('secret');
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
      { file: 'notes.mmstats', error: expect.stringMatching(/^at 0x0: unsupported version byte 0x6a/) },
    ]);
  });

  test('a missing stats directory serves no files', async () => {
    expect(await collectFiles({ directory: path.join(root, 'nope'), pattern: '*.mmstats' })).toEqual({ files: [], skipped: [] });
  });
});
