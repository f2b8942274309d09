import type { Stats } from 'node:fs';

import {
  checkVersion,
  DecodeError,
  decodeCopy,
  decodeTrailer,
  meaningsOf,
  readStableRecords,
  readTrailerBytes,
  trailerForCopy,
  type FileMetadata,
  type ReadAt,
  type RecordLayout,
  type RecordMeaning,
  type StableRead,
} from '@mmstats/format';

import { ReadError } from '../errors';
import type { FileEntry } from './files';
import { LayoutCache, type DecodedLayout } from './layout-cache';
import { describeSystemError } from './regular-file';
import { withStatsFile, type StatsFileOptions } from './stable-file';

/** What `StatsReader.readFile` read of one regular file. */
export interface StableFileRead extends DecodedLayout {
  readonly stats: Stats;
  /** The values of the records picked: confirmed ones in `records`, the others in `unstable`. */
  readonly read: StableRead;
}

/**
 * The records of one file as read at one moment, or why the file could not be read. A read
 * succeeds even when some records changed between every two copies the protocol made: their
 * layouts are in `unstable` (file order), never with a value, and `records` holds the others.
 */
export type FileSnapshot =
  | {
      readonly file: string;
      /** The records whose value was confirmed (SPEC.md §8.3), in file order. */
      readonly records: readonly DecodedRecordOf[];
      /** The records no two copies agreed on: no value is known for them. */
      readonly unstable: readonly RecordLayout[];
      /** What each record means, by `RecordLayout.index`. */
      readonly meanings: readonly RecordMeaning[];
      /** The file's metadata block, if it has one. */
      readonly metadata: FileMetadata | undefined;
      readonly error?: undefined;
    }
  | {
      readonly file: string;
      readonly records?: undefined;
      readonly unstable?: undefined;
      readonly meanings?: undefined;
      readonly metadata?: undefined;
      readonly error: DecodeError | ReadError;
    };

type DecodedRecordOf = StableRead['records'][number];

/**
 * Picks the records to read from a file's layout, given what each record means (by
 * `RecordLayout.index`); the same layout always gives the same answer.
 */
export type PickRecords = (layout: readonly RecordLayout[], meanings: readonly RecordMeaning[]) => readonly RecordLayout[];

/**
 * Reads stats files through the stable read protocol (SPEC.md §8.3) with plain reads (no mmap),
 * keeping each file's decoded layout in a `LayoutCache`: reading a file already seen takes one
 * copy of the whole file and one copy of the value bytes, with no decoding of labels or types.
 * One reader serves `readSnapshot` (slurp, the web server) and `Sampler` (poll) alike.
 */
export class StatsReader {
  /** The layouts kept between reads. */
  readonly cache: LayoutCache;
  /** Copies made of a record still changing after the usual ones (SPEC.md §8.3 step 5). */
  readonly patientCopies: number | undefined;

  /**
   * `patientCopies`: how many more copies a record still changing after the usual 16 gets, alone
   * (default `DEFAULT_PATIENT_COPIES` of @mmstats/format; 0 reports it unstable at once).
   */
  constructor(options: { readonly cache?: LayoutCache; readonly patientCopies?: number } = {}) {
    this.cache = options.cache ?? new LayoutCache();
    this.patientCopies = options.patientCopies;
  }

  /**
   * Reads the records `pick` selects (default: all) of the file at `entry.path`. Returns
   * undefined when it is not a regular file. Throws system errors (ENOENT, EACCES) as they are,
   * `FileTooLargeError` for more than 64 MiB, and a `DecodeError` naming `entry.file` for bytes
   * that are not a format v1 file. A kept layout that no longer fits the file (someone rewrote it
   * in place) is dropped and the file decoded again. `open` says what the opened file must be
   * (see `withStatsFile`): anything else is a `ReplacedFileError`, and nothing of it is read.
   */
  readFile(entry: FileEntry, pick?: PickRecords, open: StatsFileOptions = {}): StableFileRead | undefined {
    const options = { path: entry.file, patientCopies: this.patientCopies };
    try {
      return withStatsFile(entry.path, ({ stats, readAt }) => {
        // The trailer first, with its own read: every record it counts is whole in any copy made
        // after it (SPEC.md §14.5), the copy of a kept layout's records or the whole file's below.
        const tail = readTrailerBytes(readAt, stats.size);
        const recordsEnd = this.cache.keptRecordsEnd(stats);
        if (recordsEnd !== undefined) {
          // A file whose layout is kept: a copy of its records only (not of the reserve and
          // metadata block below the trailer). The kept layout counts only records that were whole
          // when it was decoded, and records never move, so it fits any later copy; the trailer,
          // which only ever grows the records, tells whether records or families were added since
          // (then the file is decoded again, below).
          const copy = readAt(0, recordsEnd);
          checkVersion(copy, entry.file);
          const kept = this.cache.get(stats, tail === undefined ? null : (decodeTrailer(tail, stats.size, entry.file) ?? null));
          const read = kept && this.tryKept(readAt, copy, kept, pick, options);
          if (kept && read) return { stats, ...kept, read };
        }
        const first = readAt(0, stats.size);
        const trailer = trailerForCopy(tail, first, stats.size, entry.file);
        this.cache.delete(stats);
        const { layout, metadata } = decodeCopy(first, trailer, options);
        const decoded: DecodedLayout = { layout, metadata, meanings: meaningsOf(layout, metadata, entry.file) };
        this.cache.set(stats, decoded, trailer);
        return { stats, ...decoded, read: readStableRecords(readAt, pick ? pick(layout, decoded.meanings) : layout, options, first) };
      }, open).result;
    } catch (err) {
      if (err instanceof DecodeError) throw err.withPath(entry.file);
      throw err;
    }
  }

  /**
   * Reads one file whole. Never throws for a bad file: a missing or unreadable file, anything but
   * a regular file, or bytes that are not a format v1 file give a snapshot with one `error`
   * naming the file (its `cause` is the system error or `ReplacedFileError`). `open` as for `readFile`.
   */
  snapshot(entry: FileEntry, open: StatsFileOptions = {}): FileSnapshot {
    const { file } = entry;
    try {
      const result = this.readFile(entry, undefined, open);
      if (!result) return { file, error: new ReadError(file, 'not a regular file') };
      return { file, records: result.read.records, unstable: result.read.unstable, meanings: result.meanings, metadata: result.metadata };
    } catch (err) {
      if (err instanceof DecodeError) return { file, error: err.withPath(file) };
      if (err instanceof ReadError) return { file, error: err };
      return { file, error: new ReadError(file, describeSystemError(err), { cause: err }) };
    }
  }

  private tryKept(
    readAt: ReadAt,
    first: Uint8Array,
    { layout, meanings }: DecodedLayout,
    pick: PickRecords | undefined,
    options: { path: string },
  ): StableRead | undefined {
    const last = layout[layout.length - 1];
    if (last !== undefined && last.end > first.length) return undefined;
    try {
      return readStableRecords(readAt, pick ? pick(layout, meanings) : layout, options, first);
    } catch (err) {
      if (err instanceof DecodeError) return undefined;
      throw err;
    }
  }
}
