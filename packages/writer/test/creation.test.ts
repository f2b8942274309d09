// Creating a stats file where it cannot be done must fail with a clear MapError and leave nothing
// behind; permissions must be exactly what was asked, whatever the umask.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BaseMmStats, field, MapError, SchemaError, type Counter } from '@mmstats/writer';
import { tempDir } from './util';

const REPO_DIR = join(__dirname, '../../..');
const dir = tempDir();

class Small extends BaseMmStats {
  static override fields = { hits: field.counter() };
  declare readonly hits: Counter;
}

/** Runs `script` in a new node process from the repository root; returns its trimmed output. */
function child(script: string, shellPrefix = ''): string {
  const command = `${shellPrefix}exec "${process.execPath}" -e "$0"`;
  const result = spawnSync('bash', ['-c', command, script], { cwd: REPO_DIR, encoding: 'utf8' });
  if (result.status !== 0 || result.stderr !== '') throw new Error(`child failed (${result.status}): ${result.stderr}`);
  return result.stdout.trim();
}

/** A child script that creates a stats object as given and prints the outcome in one line. */
function createIn(directory: string, options: string, fields = `{ hits: field.counter() }`): string {
  return `
    const { BaseMmStats, field } = require('@mmstats/writer');
    class S extends BaseMmStats { static fields = ${fields}; }
    try {
      const s = new S({ path: ${JSON.stringify(directory)}, ${options} });
      console.log('created ' + (require('fs').statSync(s.filename).mode & 0o777).toString(8));
    } catch (e) { console.log(e.name + ': ' + e.message); }`;
}

describe('file mode', () => {
  test.each([
    ['022', 'default', '', '644'],
    ['077', 'default', '', '644'],
    ['000', '0o600', 'mode: 0o600,', '600'],
    ['077', '0o640', 'mode: 0o640,', '640'],
    ['000', '0o444', 'mode: 0o444,', '444'],
  ])('umask %s, mode %s: the file gets exactly the mode asked for', (umask, _mode, option, expected) => {
    const local = join(dir, `mode-${umask}-${expected}`);
    mkdirSync(local);
    expect(child(createIn(local, `filename: 'm.mmstats', ${option}`), `umask ${umask}; `)).toBe(`created ${expected}`);
  });

  test.each([
    ['a string', '644'],
    ['set-user-ID', 0o4755],
    ['a fraction', 420.5],
    ['negative', -1],
  ])('a mode that is not permission bits (%s) is a SchemaError, before any file exists', (_name, mode) => {
    const local = join(dir, `bad-mode-${String(mode)}`);
    mkdirSync(local);
    expect(() => new Small({ path: local, filename: 'x.mmstats', mode: mode as number })).toThrow(SchemaError);
    expect(() => new Small({ path: local, filename: 'x.mmstats', mode: mode as number })).toThrow(/mode must be permission bits from 0o000 to 0o777/);
    expect(readdirSync(local)).toEqual([]);
  });
});

describe('no room for the file', () => {
  // 64 pages of string: bigger than the limits below, so writing the image fails part way.
  const bigFields = `{ hits: field.counter(), text: field.string({ size: 64 * 4096 }) }`;

  test('a file size limit (ulimit -f): MapError EFBIG, no partial file, a small file still fits', () => {
    const local = join(dir, 'fsize');
    mkdirSync(local);
    // bash counts ulimit -f in KiB: 64 KiB.
    const big = child(createIn(local, `filename: 'big.mmstats'`, bigFields), 'ulimit -f 64; ');
    expect(big).toBe(`MapError: ${join(local, 'big.mmstats')}: cannot create stats file: file too large for the file size limit (ulimit -f) (EFBIG)`);
    expect(readdirSync(local)).toEqual([]);
    expect(child(createIn(local, `filename: 'small.mmstats'`), 'ulimit -f 64; ')).toBe('created 644');
  });

  // A real full file system needs a mount; where this process may not mount, the test is skipped
  // and the file size limit above covers the same failure path.
  const mountPoint = join(dir, 'tiny');
  mkdirSync(mountPoint);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]).status === 0;
  afterAll(() => {
    // Lazily: a mapping of the small file may outlive its stats object until garbage collection.
    if (mounted) spawnSync('umount', ['-l', mountPoint]);
  });

  (mounted ? test : test.skip)('a full file system (64 KiB tmpfs): MapError ENOSPC, no partial file, a small file still fits', () => {
    class Big extends BaseMmStats {
      static override fields = { hits: field.counter(), text: field.string({ size: 64 * 4096 }) };
    }
    let error: unknown;
    try {
      new Big({ path: mountPoint, filename: 'big.mmstats' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MapError);
    expect((error as MapError).message).toBe(`${join(mountPoint, 'big.mmstats')}: cannot create stats file: no space left on device (ENOSPC)`);
    expect((error as MapError).code).toBe('ENOSPC');
    expect(readdirSync(mountPoint)).toEqual([]);
    const small = new Small({ path: mountPoint, filename: 'small.mmstats' });
    small.hits.inc();
    expect(statSync(small.filename).size).toBe(4096);
    small.remove();
  });

  (mounted ? test : test.skip)('a read-only file system: MapError EROFS, nothing created', () => {
    const readOnly = join(dir, 'ro');
    mkdirSync(readOnly);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', readOnly]).status !== 0) throw new Error('cannot mount a read-only tmpfs');
    try {
      expect(() => new Small({ path: readOnly, filename: 'x.mmstats' })).toThrow(
        `${join(readOnly, 'x.mmstats')}: cannot create stats file: read-only file system (EROFS)`,
      );
      expect(readdirSync(readOnly)).toEqual([]);
    } finally {
      spawnSync('umount', [readOnly]);
      rmdirSync(readOnly);
    }
  });
});

describe('fallback options', () => {
  test.each([
    [{ fallback: 'pwrite' }, /fallback must be 'throw' or 'copy', got "pwrite"/],
    [{ copyInterval: 0 }, /copyInterval must be a number of milliseconds from 1 to 2147483647, got 0/],
    [{ copyInterval: Number.NaN }, /copyInterval .* got NaN/],
  ])('%j is a SchemaError, even when the binding is built', (options, message) => {
    const before = readdirSync(dir);
    expect(() => new Small({ path: dir, filename: 'fallback.mmstats', ...(options as object) })).toThrow(SchemaError);
    expect(() => new Small({ path: dir, filename: 'fallback.mmstats', ...(options as object) })).toThrow(message);
    expect(readdirSync(dir)).toEqual(before);
  });

  test('a bad MMSTATS_FALLBACK is named as such', () => {
    expect(child(createIn(dir, `filename: "env.mmstats"`), 'MMSTATS_FALLBACK=yes ')).toContain(
      `MMSTATS_FALLBACK must be 'throw' or 'copy', got "yes"`,
    );
  });
});
