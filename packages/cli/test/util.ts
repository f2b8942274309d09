import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { encodeFile, type RecordSpec } from '@mmstats/format';

/** The cli package's root directory. */
export const PACKAGE_DIR = path.resolve(__dirname, '..');

/** The repository's root: child processes started here find the built packages by name. */
export const REPO_DIR = path.resolve(PACKAGE_DIR, '..', '..');

/** Whether this system has /proc (process start times, liveness checks). */
export const HAS_PROC = fs.existsSync('/proc/self/stat');

/** The committed launcher. */
export const BIN = path.join(PACKAGE_DIR, 'bin', 'mmstats');

/** Files written by the original Python mmstats. */
export const ORIGINAL_FIXTURES = path.resolve(PACKAGE_DIR, '..', 'format', 'test', 'fixtures', 'original');

/** A new empty directory under the system temp directory; remove it with `removeTempDir`. */
export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mmstats-cli-test-'));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes a format v1 file built by `@mmstats/format` and returns its path. */
export function writeStatsFile(dir: string, name: string, specs: readonly RecordSpec[]): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Legacy signatures (L, l) too: readers must still print files that hold them.
  fs.writeFileSync(file, encodeFile(specs, { allowLegacySignatures: true }).bytes);
  return file;
}

/** A buffered double record, the most common kind. */
export function double(label: string, value: number): RecordSpec {
  return { label, signature: 'd', buffered: true, initial: value };
}

/** Throws a clear message when tests that spawn the launcher run before `tsc -b`. */
export function requireBuild(): void {
  if (!fs.existsSync(path.join(PACKAGE_DIR, 'dist', 'main.js'))) {
    throw new Error('packages/cli/dist/main.js is missing: run `npx tsc -b` before these tests');
  }
}

/**
 * Gives every test of the calling file a new empty temp directory (passed to `onCreate` before
 * each test) and removes it after each test.
 */
export function useTempDir(onCreate: (dir: string) => void): void {
  let dir: string | undefined;
  beforeEach(() => {
    dir = makeTempDir();
    onCreate(dir);
  });
  afterEach(() => {
    if (dir !== undefined) removeTempDir(dir);
    dir = undefined;
  });
}
