import { promises as fs, type Stats } from 'node:fs';

import type { DecodedRecord, StatValue } from '@mmstats/format';

import { readSnapshot } from '../read/snapshot';
import { selectScopedFiles, type StatsScope } from './scope';

/** One stats file as read for a request. */
export interface StatsFile {
  /** Name relative to the stats directory. */
  readonly file: string;
  /** The process that writes it (its last label ending in `sys.pid`), if it names one. */
  readonly pid?: number;
  /** The records whose value was confirmed (SPEC.md §8.3), in file order. */
  readonly records: readonly DecodedRecord[];
  /** Labels whose value changed between every two copies made: left out of `records`. */
  readonly unstable: readonly string[];
}

/** A file that could not be served, with the reason (never the file's contents). */
export interface SkippedFile {
  readonly file: string;
  readonly error: string;
}

/** Everything a request sees: the readable files in name order, and the ones skipped. */
export interface Collection {
  readonly files: readonly StatsFile[];
  readonly skipped: readonly SkippedFile[];
}

const PID_SUFFIX = 'sys.pid';

/**
 * Reads every file `pattern` selects inside the scope (see `selectScopedFiles`) with the CLI's
 * reader (`readSnapshot`: plain reads, decoded through `@mmstats/format`). Never throws for a bad
 * file: unreadable files, non-regular files and files that are not format v1 are listed in
 * `skipped`; files that vanish between listing and reading are left out, as they are simply gone.
 * Records whose value changed between every two copies the read protocol made are left out of
 * their file (which is still served) and named in `skipped`, so that every route reports them.
 */
export async function collectFiles(scope: StatsScope, pattern?: string): Promise<Collection> {
  const selection = await selectScopedFiles(scope, pattern);
  const files: StatsFile[] = [];
  const skipped: SkippedFile[] = [];
  if (selection.refused > 0) {
    const what = selection.refused === 1 ? '1 match' : `${selection.refused} matches`;
    skipped.push({ file: pattern ?? scope.pattern, error: `${what} refused: outside the stats directory (through a symlink)` });
  }
  for (const { file, realPath } of selection.files) {
    const before = await lstatOrUndefined(realPath);
    if (!before) continue;
    const snapshot = await readSnapshot({ file, path: realPath });
    // The real path held no symlink when it was resolved; one swapped in since (to read a file
    // outside the directory) shows as a symlink or another inode before or after the read.
    const after = await lstatOrUndefined(realPath);
    if (before.isSymbolicLink() || !after || after.isSymbolicLink() || after.ino !== before.ino || after.dev !== before.dev) {
      if (after) skipped.push({ file, error: 'replaced while it was read' });
      continue;
    }
    if (snapshot.error) {
      skipped.push({ file, error: withoutFileName(snapshot.error.message, file) });
    } else {
      const unstable = snapshot.unstable.map((record) => record.label);
      files.push({ file, pid: pidOf(snapshot.records), records: snapshot.records, unstable });
      if (unstable.length > 0) skipped.push({ file, error: unstableReason(unstable) });
    }
  }
  return { files, skipped };
}

/** The pid a file names: its last `…sys.pid` record, when that holds a usable process id. */
export function pidOf(records: readonly DecodedRecord[]): number | undefined {
  let value: StatValue | undefined;
  for (const record of records) if (record.label.endsWith(PID_SUFFIX)) value = record.value;
  if (typeof value === 'bigint' || typeof value === 'number') {
    const n = Number(value);
    if (Number.isSafeInteger(n) && n > 0) return n;
  }
  return undefined;
}

/** Why some records of a file were left out: their labels, quoted (they come from other processes). */
function unstableReason(labels: readonly string[]): string {
  const names = labels.slice(0, 5).map((label) => JSON.stringify(label)).join(', ');
  const more = labels.length > 5 ? ` and ${labels.length - 5} more` : '';
  const records = labels.length === 1 ? 'record' : 'records';
  return `${records} ${names}${more} left out: changed between every two reads`;
}

async function lstatOrUndefined(file: string): Promise<Stats | undefined> {
  return fs.lstat(file).catch(() => undefined);
}

/** An error message without the `<file>: ` the reader put in front (the API shows the file apart). */
function withoutFileName(message: string, file: string): string {
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}
