import * as fs from 'node:fs';
import * as path from 'node:path';

import { isInside, ReplacedFileError } from '../../src/read/confine';
import { withStatsFile } from '../../src/read/stable-file';
import { useTempDir } from '../util';

let dir: string;
let root: string;

useTempDir((created) => {
  dir = fs.realpathSync(created);
  root = path.join(dir, 'root');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'outside'));
  fs.writeFileSync(path.join(root, 'sub', 'a.mmstats'), 'inside');
  fs.writeFileSync(path.join(dir, 'outside', 'a.mmstats'), 'secret');
});

const readAll = (file: string, options = {}) => withStatsFile(file, ({ stats, readAt }) => Buffer.from(readAt(0, stats.size)).toString(), options).result;

describe('withStatsFile confined to a directory', () => {
  test('reads a file inside, however deep', () => {
    expect(readAll(path.join(root, 'sub', 'a.mmstats'), { confineTo: root })).toBe('inside');
  });

  test('a symlinked directory on the path that leads out is refused on the open descriptor, before any read', () => {
    fs.rmSync(path.join(root, 'sub'), { recursive: true });
    fs.symlinkSync(path.join(dir, 'outside'), path.join(root, 'sub'));
    const file = path.join(root, 'sub', 'a.mmstats');
    expect(readAll(file)).toBe('secret');
    let used = false;
    expect(() => withStatsFile(file, () => (used = true), { confineTo: root })).toThrow(new ReplacedFileError('replaced while it was read'));
    expect(used).toBe(false);
  });

  test('a symlink as the last segment is refused (O_NOFOLLOW), even one to a file inside', () => {
    const link = path.join(root, 'link.mmstats');
    fs.symlinkSync(path.join(root, 'sub', 'a.mmstats'), link);
    expect(readAll(link)).toBe('inside');
    expect(() => readAll(link, { confineTo: root })).toThrow(ReplacedFileError);
  });

  test('expected: another file at the path than the one chosen (device and inode) is refused', () => {
    const file = path.join(root, 'sub', 'a.mmstats');
    const chosen = fs.lstatSync(file);
    expect(readAll(file, { expected: chosen })).toBe('inside');
    fs.renameSync(file, path.join(root, 'old'));
    fs.writeFileSync(file, 'another');
    expect(() => readAll(file, { expected: chosen })).toThrow('replaced while it was read');
  });
});

describe('isInside', () => {
  test('the directory itself and what is below it, never a sibling that shares a prefix', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b/c/d', '/a/b')).toBe(true);
    expect(isInside('/a/bc', '/a/b')).toBe(false);
    expect(isInside('/a', '/a/b')).toBe(false);
    expect(isInside('/a/b/..c', '/a/b')).toBe(true);
  });
});
