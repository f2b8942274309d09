import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';

import {
  couldBeUnfinishedStatsFile,
  DecodeError,
  decodeFile,
  parseTemporaryFileName,
  writerIdentityOf,
  type DecodedRecord,
  type StatValue,
  type TemporaryName,
} from '@mmstats/format';

import { defineCommand } from '../command-spec';
import type { Io } from '../io';
import { FILES_ARGUMENT } from '../options';
import { compareCodePoints, selectFiles, selectTemporaryFiles, type FileEntry } from '../read/files';
import { sameFile } from '../read/confine';
import { checkLiveness, checkWriter, hasFullIdentity, REUSE_TOLERANCE_SECONDS, systemProcessTable, type FullIdentity, type ProcessTable } from '../read/liveness';
import { describeSystemError, readRegularFile } from '../read/regular-file';
import {
  countResults,
  formatUnixTime,
  renderCleanJson,
  renderCleanLine,
  renderCleanSummary,
  type CleanKind,
  type CleanResult,
} from '../render/clean';

/** Options of `runClean`: the parsed `mmstats clean` command line. */
export interface CleanOptions {
  /** Files, directories or glob patterns. Defaults to `$MMSTATS_GLOB`, else `*.mmstats` in the default directory. */
  readonly files?: readonly string[];
  /** Report what would be removed without removing anything. Defaults to false. */
  readonly dryRun?: boolean;
  /** Print one JSON document instead of text. Defaults to false. */
  readonly json?: boolean;
}

/**
 * `mmstats clean`: removes the files of processes that are gone, or whose pid now belongs to a
 * process started after the file was created. Never removes a symlink (or what it points to), a
 * directory or other non-regular file, a file that is not a format v1 file or has no `sys.pid`, or
 * the file of a live process, whoever owns it. The temporary files writers leave when killed while
 * creating a stats file (SPEC.md §10) go by the same rules, with the pid of their name and their
 * modification time as creation time; `selectTemporaryFiles` says which are looked at. Prints one
 * line per file and a summary. Returns 0, or 1 if a removal failed or a named file could not be
 * read; skipped files are not failures.
 * `processes` answers the questions about processes (tests pass their own).
 */
export async function runClean(options: CleanOptions, io: Io, processes: ProcessTable = systemProcessTable()): Promise<number> {
  const dryRun = options.dryRun === true;
  const args = options.files ?? [];
  const items: Array<{ file: string; run: () => Promise<CleanResult> }> = [];

  // A symlink argument is reported as one, even if it points to a directory: never followed.
  const selectable: string[] = [];
  for (const arg of args) {
    const stats = await fs.lstat(path.resolve(io.cwd, arg)).catch(() => undefined);
    if (stats?.isSymbolicLink()) items.push({ file: arg, run: async () => ({ file: arg, action: 'skipped', reason: 'symlink' }) });
    else selectable.push(arg);
  }
  if (args.length === 0 || selectable.length > 0) {
    const selection = await selectFiles(selectable, io.env, io.cwd);
    // Nothing to clean is not a failure: an empty directory or a pattern without matches is a note.
    for (const error of selection.errors) io.stderr(`mmstats: ${error.message}\n`);
    if (selection.files.length === 0 && selection.searched) io.stderr(`mmstats: no mmstats files found (searched ${selection.searched})\n`);
    const listed = new Set<string>();
    for (const entry of selection.files) {
      listed.add(entry.path);
      const options = { named: args.includes(entry.file), dryRun, processes };
      // A temporary file named or matched directly is judged by its name: it may be unfinished.
      const temporary = parseTemporaryFileName(path.basename(entry.path));
      items.push({ file: entry.file, run: () => (temporary ? cleanTemporaryFile(entry, temporary, options) : cleanFile(entry, options)) });
    }
    for (const entry of await selectTemporaryFiles(selectable, io.env, io.cwd)) {
      const temporary = parseTemporaryFileName(path.basename(entry.path));
      if (listed.has(entry.path) || !temporary) continue;
      items.push({ file: entry.file, run: () => cleanTemporaryFile(entry, temporary, { named: false, dryRun, processes }) });
    }
  }
  items.sort((a, b) => compareCodePoints(a.file, b.file));

  const results: CleanResult[] = [];
  for (const item of items) {
    const result = await item.run();
    results.push(result);
    if (!options.json) io.stdout(renderCleanLine(result, dryRun));
  }
  const counts = countResults(results);
  io.stdout(options.json ? renderCleanJson(results, dryRun) : renderCleanSummary(counts, dryRun));
  return counts.failed > 0 ? 1 : 0;
}

interface CleanFileOptions {
  /** Named on the command line (not found in a directory or by a pattern): unreadable is a failure. */
  readonly named: boolean;
  readonly dryRun: boolean;
  readonly processes: ProcessTable;
}

/** Checks one file and removes it if its process is gone. Never throws for a bad file. */
async function cleanFile(entry: FileEntry, options: CleanFileOptions): Promise<CleanResult> {
  const { file } = entry;
  const skipped = (reason: string, pid?: number): CleanResult => ({ file, action: 'skipped', reason, pid });
  const unreadable = (err: unknown): CleanResult => ({
    file,
    action: options.named ? 'failed' : 'skipped',
    reason: `cannot read: ${describeSystemError(err)}`,
  });

  let before: Stats;
  try {
    before = await fs.lstat(entry.path);
  } catch (err) {
    return unreadable(err);
  }
  if (before.isSymbolicLink()) return skipped('symlink');
  if (before.isDirectory()) return skipped('directory');
  if (!before.isFile()) return skipped('not a regular file');

  let bytes: Uint8Array;
  try {
    // noFollow: a symlink swapped in after the lstat fails (ELOOP) instead of being read through.
    const read = await readRegularFile(entry.path, { noFollow: true });
    if (!read.bytes || !sameFile(read.stats, before)) return skipped('changed while being checked');
    bytes = read.bytes;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') return skipped('symlink');
    return unreadable(err);
  }

  let records: DecodedRecord[];
  try {
    records = decodeFile(bytes);
  } catch (err) {
    if (err instanceof DecodeError) return skipped(`not an mmstats file: ${err.message}`);
    throw err;
  }

  const identity = writerIdentityOf(records);
  if (!identity) return skipped('no sys.pid record');
  if ('invalidPid' in identity) return skipped(`invalid ${identity.invalidPid.label}: ${showValue(identity.invalidPid.value)}`);
  const { pid, created } = identity;
  const { processes } = options;
  if (hasFullIdentity(identity) && processes.bootId && processes.findThread) {
    return judgeByIdentity(entry, before, identity, { ...options, processes: processes as Required<ProcessTable> });
  }

  const liveness = checkLiveness(pid, created, options.processes);
  switch (liveness.state) {
    case 'alive':
      return { file, action: 'kept', reason: `pid ${pid} is alive${liveness.foreign ? ', owned by another user' : ''}`, pid };
    case 'unknown':
      return skipped(`cannot check pid ${pid}: ${liveness.reason}`, pid);
    case 'gone':
      return remove(entry, before, `pid ${pid} is gone`, pid, options.dryRun);
    case 'reused':
      return remove(
        entry,
        before,
        `pid ${pid} was reused: process started ${formatUnixTime(liveness.started)}, file created ${formatUnixTime(created!)}`,
        pid,
        options.dryRun,
      );
  }
}

/**
 * Keeps or removes a file that records its writer's boot, PID namespace, thread and start ticks
 * (SPEC.md §10): removed only when that thread is verifiably gone or its ids now belong to a
 * thread that started at another tick; skipped, with the reason, whenever this view cannot verify.
 */
function judgeByIdentity(
  entry: FileEntry,
  before: Stats,
  identity: FullIdentity,
  options: CleanFileOptions & { readonly processes: Required<ProcessTable> },
): Promise<CleanResult> | CleanResult {
  const { file } = entry;
  const { pid, tid } = identity;
  const writer = tid === pid ? `pid ${pid}` : `thread ${tid} of pid ${pid}`;
  const liveness = checkWriter(identity, options.processes);
  switch (liveness.state) {
    case 'alive':
      return { file, action: 'kept', reason: `${writer} is alive`, pid };
    case 'unknown':
      return { file, action: 'skipped', reason: `cannot check ${writer}: ${liveness.reason}`, pid };
    case 'gone':
      return remove(entry, before, `${writer} is gone`, pid, options.dryRun);
    case 'reused':
      return remove(
        entry,
        before,
        `${writer} was reused: it started at clock tick ${liveness.startTicks}, the file's writer at ${identity.startTicks}`,
        pid,
        options.dryRun,
      );
  }
}

/**
 * Linux hands out ids from 300 on once it has wrapped around, so a kernel thread id of a worker is
 * at least that, except in a young PID namespace (a container), where the thread rule is skipped.
 * Below it, a name may hold a Node worker number from a writer of before kernel ids.
 */
const FIRST_KERNEL_TID = 300;

/**
 * Checks a writer's temporary file and removes it if the process its name gives is gone, or was
 * started after the file was last written (the pid was reused), and likewise for the worker
 * thread its name gives in a live process. A live thread may be creating the file right now, so
 * its file stays. Never throws for a bad file.
 */
async function cleanTemporaryFile(entry: FileEntry, temporary: TemporaryName, options: CleanFileOptions): Promise<CleanResult> {
  const { file } = entry;
  const { pid } = temporary;
  const kind = 'temporary';
  const skipped = (reason: string): CleanResult => ({ file, kind, action: 'skipped', reason });

  let before: Stats;
  let bytes: Uint8Array;
  try {
    before = await fs.lstat(entry.path);
    if (before.isSymbolicLink()) return skipped('symlink');
    if (before.isDirectory()) return skipped('directory');
    if (!before.isFile()) return skipped('not a regular file');
    const read = await readRegularFile(entry.path, { noFollow: true });
    if (!read.bytes || !sameFile(read.stats, before)) return skipped('changed while being checked');
    bytes = read.bytes;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') return skipped('symlink');
    return { file, kind, action: options.named ? 'failed' : 'skipped', reason: `cannot read: ${describeSystemError(err)}` };
  }
  // The name alone could be a coincidence: a writer's unfinished file is empty or starts as a stats file does.
  if (!couldBeUnfinishedStatsFile(bytes)) return skipped(`not an mmstats temporary file: first byte 0x${bytes[0].toString(16).padStart(2, '0')}`);

  // The file is written right after it is created, so its last modification is its creation.
  const created = before.mtimeMs / 1000;
  const liveness = checkLiveness(pid, created, options.processes);
  const what = 'temporary file, ';
  switch (liveness.state) {
    case 'alive': {
      // A worker thread killed while creating its file (worker.terminate()) leaves it behind in a
      // live process: the thread in the name tells. Names give the kernel's thread id; the main
      // thread's is the pid, and writers before that gave 0 for it and a small Node number for
      // workers, which this rule cannot tell from a kernel id, so those are judged by the pid alone.
      const tid = temporary.threadId;
      const thread = tid !== pid && tid >= FIRST_KERNEL_TID ? options.processes.threadStartTime?.(pid, tid) : undefined;
      if (thread === null) return remove(entry, before, `${what}thread ${tid} of pid ${pid} is gone`, pid, options.dryRun, kind);
      if (thread !== undefined && thread > created + REUSE_TOLERANCE_SECONDS) {
        return remove(entry, before, `${what}thread ${tid} of pid ${pid} was reused: started ${formatUnixTime(thread)}, file modified ${formatUnixTime(created)}`, pid, options.dryRun, kind);
      }
      return { file, kind, action: 'kept', reason: `${what}pid ${pid} is alive${liveness.foreign ? ', owned by another user' : ''}`, pid };
    }
    case 'unknown':
      return { file, kind, action: 'skipped', reason: `${what}cannot check pid ${pid}: ${liveness.reason}`, pid };
    case 'gone':
      return remove(entry, before, `${what}pid ${pid} is gone`, pid, options.dryRun, kind);
    case 'reused':
      return remove(
        entry,
        before,
        `${what}pid ${pid} was reused: process started ${formatUnixTime(liveness.started)}, file modified ${formatUnixTime(created)}`,
        pid,
        options.dryRun,
        kind,
      );
  }
}

/** Unlinks the file if it is still the regular file that was decoded (same device and inode). */
async function remove(
  entry: FileEntry,
  before: Stats,
  reason: string,
  pid: number,
  dryRun: boolean,
  kind: CleanKind = 'stats',
): Promise<CleanResult> {
  const { file } = entry;
  if (dryRun) return { file, kind, action: 'would-remove', reason, pid };
  try {
    const now = await fs.lstat(entry.path);
    if (!now.isFile() || !sameFile(now, before)) return { file, kind, action: 'skipped', reason: 'changed while being checked', pid };
    await fs.unlink(entry.path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file, kind, action: 'skipped', reason: 'already gone', pid };
    return { file, kind, action: 'failed', reason: `cannot remove: ${describeSystemError(err)}`, pid };
  }
  return { file, kind, action: 'removed', reason, pid };
}

function showValue(value: StatValue): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
}

/** `mmstats clean [files..]`: what it takes, its help, and `runClean` to run it. */
export const cleanCommand = defineCommand({
  name: 'clean',
  describe: 'remove the mmstats files (and unfinished temporary files) of processes that are gone',
  positionals: [FILES_ARGUMENT],
  options: {
    'dry-run': { type: 'boolean', short: 'n', default: false, describe: 'report what would be removed, remove nothing' },
    json: { type: 'boolean', default: false, describe: 'print one JSON document with every file and the counts' },
  },
  examples: [
    ['mmstats clean --dry-run', 'what would go from the default directory'],
    ['mmstats clean /run/myapp', 'remove the files of dead processes in a directory'],
  ],
  run: ({ options, positionals }, io) => runClean({ files: positionals.files, dryRun: options['dry-run'], json: options.json }, io),
});
