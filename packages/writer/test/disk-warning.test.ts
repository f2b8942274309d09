// Stats files in a directory on a disk filesystem can stall writes under write-back pressure.
// When the user chose no directory and the default one (the OS temp dir) is on a disk, the first
// stats object created warns once; a directory on tmpfs, or one chosen explicitly, gives no warning.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isMemoryFilesystem, TMPFS_MAGIC } from '../src/disk-warning';

const REPO_DIR = join(__dirname, '../../..');

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

// A directory on a disk filesystem: the repository is checked out on one, and so usually are these.
const diskParent = ['/var/tmp', homedir(), REPO_DIR].find((dir) => writable(dir) && isMemoryFilesystem(dir) === false);
const disk = mkdtempSync(join(diskParent!, 'mmstats-disk-'));
const shm = mkdtempSync('/dev/shm/mmstats-shm-');
afterAll(() => {
  rmSync(disk, { recursive: true, force: true });
  rmSync(shm, { recursive: true, force: true });
});

const WARNING = '[MMSTATS_NOT_TMPFS]';

/** Creates two stats objects with `options` in a new process whose temp dir is `tmpdir`; returns its stderr. */
function createTwo(tmpdir: string, options: string, env: Record<string, string> = {}, nodeOptions: string[] = []): string {
  const script = `
    const { BaseMmStats, field } = require('@mmstats/writer');
    class S extends BaseMmStats { static fields = { hits: field.counter() }; }
    new S({ ...${options}, filename: 'one.mmstats' }).hits.inc();
    new S({ ...${options}, filename: 'two.mmstats' }).hits.inc();`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MMSTATS_')));
  const result = spawnSync(process.execPath, [...nodeOptions, '-e', script], {
    cwd: REPO_DIR,
    env: { ...clean, TMPDIR: tmpdir, ...env },
    encoding: 'utf8',
  });
  expect(result.status).toBe(0);
  return result.stderr;
}

test('the test directories are what they claim to be', () => {
  expect(diskParent).toBeDefined();
  expect(isMemoryFilesystem(disk)).toBe(false);
  expect(isMemoryFilesystem(shm)).toBe(true);
  expect(TMPFS_MAGIC).toBe(0x01021994);
});

test('the default directory on a disk: one warning naming it and the fix', () => {
  const stderr = createTwo(disk, '{}');
  expect(stderr.split(WARNING).length - 1).toBe(1);
  expect(stderr).toContain(`stats files go to ${disk}, the default directory, which is on a disk filesystem`);
  expect(stderr).toContain('MMSTATS_PATH');
  expect(stderr).toContain('/dev/shm');
  expect(readdirSync(disk).sort()).toEqual(['one.mmstats', 'two.mmstats']);
});

test.each([
  ['the default directory on tmpfs', () => createTwo(shm, '{}')],
  ['a directory chosen with the path option', () => createTwo(disk, `{ path: ${JSON.stringify(disk)} }`)],
  ['a directory chosen with MMSTATS_PATH', () => createTwo(disk, '{}', { MMSTATS_PATH: disk })],
  ['node --disable-warning=MMSTATS_NOT_TMPFS', () => createTwo(disk, '{}', {}, ['--disable-warning=MMSTATS_NOT_TMPFS'])],
])('no warning: %s', (_name, run) => {
  rmSync(join(disk, 'one.mmstats'), { force: true });
  rmSync(join(disk, 'two.mmstats'), { force: true });
  expect(run()).toBe('');
});
