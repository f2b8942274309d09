import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { compareCodePoints, compileSegment, defaultDirectory, expandGlob, selectFiles } from '../../src/read/files';
import { removeTempDir, useTempDir } from '../util';

let dir: string;

function touch(...names: string[]): void {
  for (const name of names) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
  }
}

useTempDir((created) => (dir = created));

describe('compileSegment', () => {
  test.each<[string, string, boolean]>([
    ['*.mmstats', 'app-1-1.mmstats', true],
    ['*.mmstats', 'app.mmstats.tmp', false],
    ['*.mmstats', '.app.mmstats', false],
    ['.*.mmstats', '.app.mmstats', true],
    ['*', '.hidden', false],
    ['?.x', 'a.x', true],
    ['?.x', 'ab.x', false],
    ['?.x', '😀.x', true],
    ['[ab].x', 'b.x', true],
    ['[ab].x', 'c.x', false],
    ['[!ab].x', 'c.x', true],
    ['[!ab].x', 'a.x', false],
    ['[a-c]1', 'b1', true],
    ['[a-c]1', 'd1', false],
    ['[]]', ']', true],
    ['[!]]', 'a', true],
    ['[*]', '*', true],
    ['[*]', 'a', false],
    ['x[', 'x[', true],
    ['a.b', 'axb', false],
    ['(a)+', '(a)+', true],
    ['a\\b', 'a\\b', true],
    ['[z-a]', '[z-a]', true],
  ])('%s matches %s: %s', (segment, name, expected) => {
    expect(compileSegment(segment)(name)).toBe(expected);
  });
});

describe('expandGlob', () => {
  test('expands each segment and keeps relative names relative', async () => {
    touch('a/1.mmstats', 'a/2.mmstats', 'b/3.mmstats', 'b/skip.txt', 'c/.4.mmstats');
    const found = await expandGlob('*/*.mmstats', dir);
    expect(found.sort()).toEqual(['a/1.mmstats', 'a/2.mmstats', 'b/3.mmstats']);
    expect((await expandGlob('./a/?.mmstats', dir)).sort()).toEqual(['./a/1.mmstats', './a/2.mmstats']);
  });

  test('absolute patterns give absolute names', async () => {
    touch('x.mmstats');
    expect(await expandGlob(path.join(dir, '*.mmstats'), '/')).toEqual([path.join(dir, 'x.mmstats')]);
  });

  test('a literal last segment matches only where it exists', async () => {
    touch('a/stats.mmstats', 'b/other');
    expect(await expandGlob('*/stats.mmstats', dir)).toEqual(['a/stats.mmstats']);
  });

  test('never matches dot-prefixed temporary files with *', async () => {
    touch('.app-1-1.mmstats.tmp123', '.app-1-1.mmstats', 'app-1-1.mmstats');
    expect(await expandGlob('*', dir)).toEqual(['app-1-1.mmstats']);
  });

  test('no match, or a missing directory, gives nothing', async () => {
    expect(await expandGlob('*.mmstats', dir)).toEqual([]);
    expect(await expandGlob('missing/*.mmstats', dir)).toEqual([]);
  });

  test('confineTo: a symlinked directory leading out is neither listed nor looked into', async () => {
    const root = path.join(dir, 'root');
    touch('root/in/a.mmstats', 'outside/private/secret.txt', 'outside/b.mmstats');
    fs.symlinkSync(path.join(dir, 'outside'), path.join(root, 'out'));
    fs.symlinkSync(path.join(root, 'in'), path.join(root, 'alias'));
    // Unconfined (slurp, poll, clean), the symlink is followed as before.
    expect(await expandGlob('out/*/*', root)).toEqual(['out/private/secret.txt']);
    expect(await expandGlob('out/private/secret.txt', root)).toEqual(['out/private/secret.txt']);
    const confined = { confineTo: root };
    expect(await expandGlob('out/*/*', root, confined)).toEqual([]);
    expect(await expandGlob('*/*.mmstats', root, confined)).toEqual(['alias/a.mmstats', 'in/a.mmstats']);
    // A file that exists outside and one that does not give the same answer.
    expect(await expandGlob('out/private/secret.txt', root, confined)).toEqual([]);
    expect(await expandGlob('out/private/missing.txt', root, confined)).toEqual([]);
    expect(await expandGlob('in/a.mmstats', root, confined)).toEqual(['in/a.mmstats']);
  });
});

describe('selectFiles', () => {
  test('sorts by name and lists each file once', async () => {
    touch('b.mmstats', 'a.mmstats', 'c.mmstats');
    const selection = await selectFiles(['c.mmstats', 'b.mmstats', '*.mmstats', './a.mmstats'], {}, dir);
    expect(selection.files.map((f) => f.file)).toEqual(['a.mmstats', 'b.mmstats', 'c.mmstats']);
    expect(selection.files[0].path).toBe(path.join(dir, 'a.mmstats'));
    expect(selection.errors).toEqual([]);
  });

  test('a directory stands for its *.mmstats files', async () => {
    touch('d/x.mmstats', 'd/.x.mmstats.tmp', 'd/notes.txt');
    const selection = await selectFiles(['d', 'd/'], {}, dir);
    expect(selection.files.map((f) => f.file)).toEqual(['d/x.mmstats']);
  });

  test('a file is read as named, whatever its name', async () => {
    touch('notes.txt', 'odd[1].mmstats');
    const selection = await selectFiles(['notes.txt', 'odd[1].mmstats', 'missing.mmstats'], {}, dir);
    expect(selection.files.map((f) => f.file)).toEqual(['missing.mmstats', 'notes.txt', 'odd[1].mmstats']);
  });

  test('an argument that names nothing is an error naming it', async () => {
    fs.mkdirSync(path.join(dir, 'empty'));
    const selection = await selectFiles(['empty', 'nothing-*.mmstats'], {}, dir);
    expect(selection.files).toEqual([]);
    expect(selection.errors.map((e) => e.message)).toEqual([
      'empty: no *.mmstats files in this directory',
      'nothing-*.mmstats: no files match this pattern',
    ]);
  });

  test('defaults to *.mmstats in $MMSTATS_PATH', async () => {
    touch('p.mmstats', 'q.mmstats', '.p.mmstats.tmp1', 'r.txt');
    const selection = await selectFiles([], { MMSTATS_PATH: dir }, '/');
    expect(selection.files.map((f) => f.file)).toEqual([path.join(dir, 'p.mmstats'), path.join(dir, 'q.mmstats')]);
    expect(selection.searched).toBe(`*.mmstats in ${dir}`);
  });

  test('$MMSTATS_GLOB wins over $MMSTATS_PATH', async () => {
    touch('run/app-1.stats', 'run/app-2.stats', 'p.mmstats');
    const selection = await selectFiles([], { MMSTATS_GLOB: 'run/app-*.stats', MMSTATS_PATH: dir }, dir);
    expect(selection.files.map((f) => f.file)).toEqual(['run/app-1.stats', 'run/app-2.stats']);
    expect(selection.searched).toBe('MMSTATS_GLOB=run/app-*.stats');
  });

  test('the default directory is the temp directory', () => {
    expect(defaultDirectory({})).toBe(os.tmpdir());
    expect(defaultDirectory({ MMSTATS_PATH: '/run/x' })).toBe('/run/x');
  });
});

describe('compareCodePoints', () => {
  test('orders by code point, not UTF-16 unit', () => {
    // U+FF5E is above the surrogates of U+1F600 as UTF-16 units, below it as a code point.
    expect(['😀', '～', 'a'].sort(compareCodePoints)).toEqual(['a', '～', '😀']);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('b', 'b')).toBe(0);
  });
});
