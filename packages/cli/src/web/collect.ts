import { promises as fs } from 'node:fs';

import { DecodeError, histogramsOf, type DecodedRecord, type FileMetadata, type HistogramSeries, type RecordLayout, type RecordMeaning, type StatValue } from '@mmstats/format';

import type { ReadError } from '../errors';

import { ReplacedFileError } from '../read/confine';
import { compilePath } from '../read/glob';
import { PID_SUFFIX, toProcessId } from '../read/liveness';
import { sharedStatsReader } from '../read/snapshot';
import { quoteLabels } from '../render/labels';
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
  /** What each record means (kind, unit, family, labels), by `record.layout.index`. */
  readonly meanings: readonly RecordMeaning[];
  /** The file's histogram series (SPEC.md §14.6) whose every part was confirmed, from `histogramsOf`. */
  readonly histograms: readonly HistogramSeries[];
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

/** Default of `CollectOptions.maxBytes`: 256 MiB, the files of thousands of busy writers. */
export const DEFAULT_MAX_COLLECTED_BYTES = 256 * 1024 * 1024;

/** Options of `collectFiles`. */
export interface CollectOptions {
  /**
   * Most bytes of files one read holds: files past it (in name order) are skipped with the
   * reason, so a directory of huge files cannot make the server hold gigabytes. Defaults to
   * `DEFAULT_MAX_COLLECTED_BYTES`.
   */
  readonly maxBytes?: number;
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The part of a collection a request's pattern (relative to the stats directory) selects: the
 * files and skipped files whose names it matches, in the same order.
 */
export function narrowCollection(collection: Collection, pattern: string | undefined): Collection {
  if (pattern === undefined) return collection;
  const wanted = compilePath(pattern);
  return { files: collection.files.filter((file) => wanted(file.file)), skipped: collection.skipped.filter((file) => wanted(file.file)) };
}

/**
 * Reads every file `pattern` selects inside the scope (see `selectScopedFiles`) with the CLI's
 * shared reader (plain reads, decoded through `@mmstats/format`), each opened confined to the real
 * stats directory: a symlink swapped into its path after it was chosen makes the open fail
 * instead of reading elsewhere (see `withStatsFile`). Never throws for a bad file: unreadable
 * files, non-regular files, files replaced while read and files that are not format v1 are listed
 * in `skipped`; files that vanish between listing and reading are left out, as they are simply
 * gone. Records whose value changed between every two copies the read protocol made are left out
 * of their file (which is still served) and named in `skipped`, so that every route reports them.
 */
export async function collectFiles(scope: StatsScope, pattern?: string, options: CollectOptions = {}): Promise<Collection> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_COLLECTED_BYTES;
  const selection = await selectScopedFiles(scope, pattern);
  const files: StatsFile[] = [];
  const skipped: SkippedFile[] = [];
  if (!selection) return { files, skipped };
  const reader = sharedStatsReader();
  let bytes = 0;
  for (const { file, realPath } of selection.files) {
    const chosen = await fs.lstat(realPath).catch(() => undefined);
    if (!chosen) continue;
    // The real path held no symlink when it was resolved: one there now was swapped in since.
    if (chosen.isSymbolicLink()) {
      skipped.push({ file, error: 'replaced while it was read' });
      continue;
    }
    if (chosen.isFile()) {
      if (bytes + chosen.size > maxBytes) {
        skipped.push({ file, error: `not read: the files before it hold ${formatMiB(bytes)} and it ${formatMiB(chosen.size)}, past the ${formatMiB(maxBytes)} one read may hold` });
        continue;
      }
      bytes += chosen.size;
    }
    const snapshot = reader.snapshot({ file, path: realPath }, { confineTo: selection.root, expected: chosen });
    if (snapshot.error) {
      const cause = snapshot.error.cause;
      if ((cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') continue;
      const error = cause instanceof ReplacedFileError ? cause.message : skipReason(snapshot.error, file);
      skipped.push({ file, error });
    } else {
      const histograms = fileHistograms(snapshot, file);
      if (histograms instanceof DecodeError) {
        skipped.push({ file, error: withoutFileName(histograms.message, file) });
        continue;
      }
      const unstable = snapshot.unstable.map((record) => record.label);
      files.push({ file, pid: pidOf(snapshot.records), records: snapshot.records, unstable, meanings: snapshot.meanings, histograms });
      if (unstable.length > 0) skipped.push({ file, error: unstableReason(unstable) });
    }
  }
  return { files, skipped };
}

/**
 * The histogram series of a read file, or the `DecodeError` that says why its histogram records do
 * not form series (a bucket without a bound, a series without its count, …).
 */
export function fileHistograms(
  snapshot: { readonly records: readonly DecodedRecord[]; readonly unstable: readonly RecordLayout[]; readonly metadata: FileMetadata | undefined },
  file: string,
): HistogramSeries[] | DecodeError {
  const layout = [...snapshot.records.map((record) => record.layout), ...snapshot.unstable].sort((a, b) => a.index - b.index);
  try {
    return histogramsOf(layout, snapshot.metadata, snapshot.records, file).series;
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
}

/** The pid a file names: its last `…sys.pid` record, when that holds a process id (see `toProcessId`). */
export function pidOf(records: readonly DecodedRecord[]): number | undefined {
  let value: StatValue | undefined;
  for (const record of records) if (record.label.endsWith(PID_SUFFIX)) value = record.value;
  return toProcessId(value);
}

/**
 * Why some records of a file were left out: their labels quoted and shortened, the first few
 * only (labels come from other processes and may be 64 KiB long; this reaches logs and clients).
 */
export function unstableReason(labels: readonly string[]): string {
  return `${labels.length === 1 ? 'record' : 'records'} ${quoteLabels(labels)} left out: changed between every two reads`;
}

/** The reason given for a file without an mmstats header. */
export const NO_HEADER = 'not an mmstats file: no mmstats header (the version byte 0x01 and a valid first record), so none of its bytes are shown';

/**
 * Why a file was skipped, for clients and the log. A file without an mmstats header (SPEC.md §3:
 * the version byte 0x01, then the end marker or a whole valid first record) may be anyone's file
 * that a pattern happened to match: nothing of its bytes is quoted, not even its first byte. A
 * file with a header is a stats file, and the decoder's reason (which may quote a label or a
 * type signature) helps whoever looks after it.
 */
export function skipReason(error: DecodeError | ReadError, file: string): string {
  if (error instanceof DecodeError && !hasHeader(error)) return NO_HEADER;
  return withoutFileName(error.message, file);
}

/** Whether the file of a decode error had a header: the error lies past the first record. */
function hasHeader(error: DecodeError): boolean {
  return error.recordIndex !== undefined && error.recordIndex > 0;
}

/** An error message without the `<file>: ` the reader put in front (the API shows the file apart). */
function withoutFileName(message: string, file: string): string {
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}
