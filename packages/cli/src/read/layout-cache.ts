import type { Stats } from 'node:fs';

import { DEFAULT_MAX_RECORDS, type RecordLayout } from '@mmstats/format';

/** Default of `LayoutCacheOptions.maxRecords`: as many records as one file may have (about 20 MB of layouts). */
export const DEFAULT_LAYOUT_CACHE_RECORDS = DEFAULT_MAX_RECORDS;

/** Options of `LayoutCache`. */
export interface LayoutCacheOptions {
  /** Most records to keep layouts of, over all files; the least recently used files go first. */
  readonly maxRecords?: number;
}

/**
 * Decoded layouts of stats files, so that a reader decodes each file once and afterwards only
 * re-reads values. A file's layout never changes (SPEC.md §3): our writers build a new file and
 * rename it into place, so a different layout comes with a different inode. An entry is keyed by
 * device, inode, size and change time: a file removed and another created under a reused inode
 * number, or a file someone rewrote with `write(2)`, has another change time and is decoded again.
 * Least recently used entries are dropped once the records held pass `maxRecords`.
 */
export class LayoutCache {
  // Keyed by device and inode: a file seen again with another size or change time replaces its entry.
  private readonly entries = new Map<string, { readonly size: number; readonly ctimeMs: number; readonly layout: readonly RecordLayout[] }>();
  private records = 0;
  /** Most records kept, over all files. */
  readonly maxRecords: number;

  constructor(options: LayoutCacheOptions = {}) {
    this.maxRecords = options.maxRecords ?? DEFAULT_LAYOUT_CACHE_RECORDS;
  }

  /** The layout kept for the file `stats` describes, if any (and marks it recently used). */
  get(stats: Stats): readonly RecordLayout[] | undefined {
    const key = identityOf(stats);
    const entry = this.entries.get(key);
    // Compared as numbers: formatting the change time for a string key cost more than the lookup.
    if (entry === undefined || entry.size !== stats.size || entry.ctimeMs !== stats.ctimeMs) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.layout;
  }

  /** Keeps `layout` for the file `stats` describes, dropping the least recently used to make room. */
  set(stats: Stats, layout: readonly RecordLayout[]): void {
    this.delete(stats);
    if (layout.length > this.maxRecords) return;
    this.entries.set(identityOf(stats), { size: stats.size, ctimeMs: stats.ctimeMs, layout });
    this.records += layout.length;
    for (const [key, old] of this.entries) {
      if (this.records <= this.maxRecords) break;
      this.entries.delete(key);
      this.records -= old.layout.length;
    }
  }

  /** Forgets the layout of the file `stats` describes (whatever its size and change time). */
  delete(stats: Stats): void {
    const key = identityOf(stats);
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    this.records -= old.layout.length;
  }

  /** How many files have a layout kept. */
  get files(): number {
    return this.entries.size;
  }
}

function identityOf(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}
