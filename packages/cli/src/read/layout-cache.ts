import type { Stats } from 'node:fs';

import { DEFAULT_MAX_RECORDS, type FileMetadata, type RecordLayout, type RecordMeaning, type Trailer } from '@mmstats/format';

/** What decoding a file once gives: its records, its metadata and what each record means. */
export interface DecodedLayout {
  /** Every record, in file order. */
  readonly layout: readonly RecordLayout[];
  /** The metadata block (SPEC.md §14), if the file has one. */
  readonly metadata: FileMetadata | undefined;
  /** What each record means, by `RecordLayout.index` (SPEC.md §14.3; plain records without metadata). */
  readonly meanings: readonly RecordMeaning[];
}

/** Default of `LayoutCacheOptions.maxRecords`: as many records as one file may have (about 20 MB of layouts). */
export const DEFAULT_LAYOUT_CACHE_RECORDS = DEFAULT_MAX_RECORDS;

/** Options of `LayoutCache`. */
export interface LayoutCacheOptions {
  /** Most records to keep layouts of, over all files; the least recently used files go first. */
  readonly maxRecords?: number;
}

/**
 * Decoded layouts of stats files, so that a reader decodes each file once and afterwards only
 * re-reads values. The records of a file stay where they are (SPEC.md §3): our writers build a
 * new file and publish it whole, so a different layout comes with a different inode, and a file
 * with metadata only grows, which its trailer says (SPEC.md §14.5). An entry is keyed by device,
 * inode, size and change time, and by the trailer's records end and metadata start: a file removed
 * and another created under a reused inode number, a file someone rewrote with `write(2)`, or one
 * that gained records or families is decoded again. Least recently used entries are dropped once
 * the records held pass `maxRecords`.
 */
export class LayoutCache {
  // Keyed by inode, and checked against the device: a number is looked up several times faster
  // than a string made of both (every warm read looks twice). A file seen again with another size
  // or change time, or another device's file of the same inode number, replaces the entry.
  private readonly entries = new Map<number, Entry>();
  private records = 0;
  /** Most records kept, over all files. */
  readonly maxRecords: number;

  constructor(options: LayoutCacheOptions = {}) {
    this.maxRecords = options.maxRecords ?? DEFAULT_LAYOUT_CACHE_RECORDS;
  }

  /**
   * What was kept for the file `stats` describes, whose trailer (read just now) is `trailer`, if
   * anything (and marks it recently used).
   */
  get(stats: Stats, trailer: Trailer | null = null): DecodedLayout | undefined {
    const entry = this.entryOf(stats);
    // Compared as numbers: formatting the change time for a string key cost more than the lookup.
    if (entry === undefined || entry.size !== stats.size || entry.ctimeMs !== stats.ctimeMs) return undefined;
    if ((entry.recordsEnd ?? -1) !== (trailer?.recordsEnd ?? -1) || (entry.metadataStart ?? -1) !== (trailer?.metadataStart ?? -1)) return undefined;
    this.entries.delete(stats.ino);
    this.entries.set(stats.ino, entry);
    return entry.decoded;
  }

  /**
   * If a layout is kept for the file `stats` describes at its size and change time (whatever its
   * trailer), how many bytes from the start hold its records: the records end of the trailer it
   * was decoded by, else the whole file. Undefined if none is kept.
   */
  keptRecordsEnd(stats: Stats): number | undefined {
    const entry = this.entryOf(stats);
    if (entry === undefined || entry.size !== stats.size || entry.ctimeMs !== stats.ctimeMs) return undefined;
    return entry.recordsEnd ?? stats.size;
  }

  /** Keeps `decoded` for the file `stats` describes, dropping the least recently used to make room. */
  set(stats: Stats, decoded: DecodedLayout, trailer: Trailer | null = null): void {
    this.forget(stats.ino);
    const layout = decoded.layout;
    if (layout.length > this.maxRecords) return;
    this.entries.set(stats.ino, {
      dev: stats.dev,
      size: stats.size,
      ctimeMs: stats.ctimeMs,
      recordsEnd: trailer?.recordsEnd,
      metadataStart: trailer?.metadataStart,
      decoded,
    });
    this.records += layout.length;
    for (const ino of this.entries.keys()) {
      if (this.records <= this.maxRecords) break;
      this.forget(ino);
    }
  }

  /** Forgets the layout of the file `stats` describes (whatever its size and change time). */
  delete(stats: Stats): void {
    if (this.entryOf(stats) !== undefined) this.forget(stats.ino);
  }

  /**
   * Forgets the layouts of every file but those `kept` describes (by device and inode): a reader
   * of the same files tick after tick (poll) keeps exactly the files it still reads.
   */
  keepOnly(kept: Iterable<Stats>): void {
    const devices = new Map<number, number>();
    for (const stats of kept) devices.set(stats.ino, stats.dev);
    for (const [ino, entry] of this.entries) {
      if (devices.get(ino) !== entry.dev) this.forget(ino);
    }
  }

  /** How many files have a layout kept. */
  get files(): number {
    return this.entries.size;
  }

  /** The entry of the file `stats` describes (same device and inode), whatever its size and change time. */
  private entryOf(stats: Stats): Entry | undefined {
    const entry = this.entries.get(stats.ino);
    return entry !== undefined && entry.dev === stats.dev ? entry : undefined;
  }

  private forget(ino: number): void {
    const old = this.entries.get(ino);
    if (old === undefined) return;
    this.entries.delete(ino);
    this.records -= old.decoded.layout.length;
  }
}

interface Entry {
  readonly dev: number;
  readonly size: number;
  readonly ctimeMs: number;
  readonly recordsEnd: number | undefined;
  readonly metadataStart: number | undefined;
  readonly decoded: DecodedLayout;
}
