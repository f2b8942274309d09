import type { Stats } from 'node:fs';

import {
  combineValues,
  DecodeError,
  familyMeaning,
  growthBetween,
  histogramsOf,
  type HistogramRead,
  type HistogramSeries,
  showsGrowth,
  type FileMetadata,
  type MetricKind,
  type RecordLayout,
  type RecordMeaning,
  type StatValue,
  type ValueKind,
} from '@mmstats/format';

import { ReadError } from '../errors';
import type { FileEntry } from './files';
import { describeSystemError } from './regular-file';
import { columnSeries, growthSince, mergeParts, statisticOf, type ColumnSeries } from './histogram-column';
import { selects, type HistogramStatistic, type Selector } from './selector';
import { newStatsReader } from './snapshot';
import type { StatsReader } from './stats-reader';

/** A selected file that was not there to read. */
class MissingFile {
  constructor(readonly error: ReadError) {}
}

/** One record's value, what it is stored as, and what it means (SPEC.md §14.3). */
export interface RecordSample {
  readonly value: StatValue;
  readonly kind: ValueKind;
  readonly meaning: RecordMeaning;
}

/** The values `mmstats poll` wants from one file, read at one moment. */
export interface FileSample {
  /** The name as selected (printed as is). */
  readonly file: string;
  /** Absolute path: identifies the file from one tick to the next, with `identity`. */
  readonly path: string;
  /** Device and inode: a file replaced under the same name counts as a new file. */
  readonly identity: string;
  /**
   * The wanted records, by label. A label in `unstable` has the value of the previous sample of
   * the same file here, when there was one, and is absent otherwise.
   */
  readonly values: ReadonlyMap<string, RecordSample>;
  /**
   * Wanted labels whose value changed between every two copies the read protocol made (SPEC.md
   * §8.3), so no value of this moment is known; in file order.
   */
  readonly unstable: readonly string[];
  /** For each column (selector), the labels of this file's records it shows, in file order. */
  readonly columns: ReadonlyArray<readonly string[]>;
  /**
   * For each column, the meaning of the family it names in this file's metadata, if any: a
   * labelled family holds the column before its first series exists.
   */
  readonly families: ReadonlyArray<RecordMeaning | undefined>;
  /** For each column with a histogram statistic (`latency:p99`), the series of this file it shows. */
  readonly histograms: ReadonlyArray<ColumnSeries | undefined>;
}

/** Whether `file` holds column `column`: a record it shows, or its family in the metadata. */
export function holds(file: FileSample, column: number): boolean {
  return file.columns[column].length > 0 || file.families[column] !== undefined;
}

/** Every selected file at one moment: the readable ones, and those that failed (errors). */
export interface Sample {
  /** When the sample was taken, in milliseconds since the epoch (ages of timestamps are worked out from it). */
  readonly time: number;
  readonly files: readonly FileSample[];
  /** Files that exist but could not be read or decoded. Files that vanished are simply absent. */
  readonly errors: ReadonlyArray<ReadError | DecodeError>;
  /** Absolute paths of every file selected and still there (readable or not), for telling new files from old. */
  readonly seen: ReadonlySet<string>;
  /**
   * Files selected that did not exist when they were read (named on the command line but
   * missing, or gone since they were listed): `<file>: no such file or directory`.
   */
  readonly missing: readonly ReadError[];
}

/** What to read: the columns and which files count. */
export interface SamplerOptions {
  /** The columns: which records each shows (see `parseSelector`). */
  readonly selectors: readonly Selector[];
  /** Count only files with a label starting with one of these (all must match one). Defaults to every file. */
  readonly filter?: readonly string[];
  /**
   * Reads the files and keeps their layouts. Defaults to a reader of the sampler's own that keeps
   * the layout of every file of the latest sample, however many records they hold: a cache
   * smaller than the files polled would drop, at every tick, the next file to read.
   */
  readonly reader?: StatsReader;
}

/** The wanted records of one layout and the labels of each column, or undefined if the file is filtered out. */
type Wanted = { readonly records: readonly RecordLayout[]; readonly columns: ReadonlyArray<readonly string[]> } | undefined;

/**
 * Reads the wanted values of many files, tick after tick. Through a `StatsReader`, each file's
 * layout and what its records mean are decoded once and kept until the file changes or grows;
 * later ticks only read the wanted values, through the stable read protocol
 * (`readStableRecords`, SPEC.md §8.3), so no value is ever torn by a concurrent write. A record
 * is wanted when a selector selects it (`selects`: by family and parsed series labels). A value
 * that changed between every two copies is not a failure: the file still counts, with that
 * label's value from the previous tick (see `FileSample.unstable`).
 */
export class Sampler {
  private readonly selectors: readonly Selector[];
  private readonly filter: readonly string[];
  /** Reads the files and keeps their layouts (`SamplerOptions.reader`). */
  readonly reader: StatsReader;
  // Whether the reader is the sampler's own, whose cache it trims to the files of each sample.
  private readonly ownsReader: boolean;
  // Keyed by the layout the reader's cache hands out: the same array as long as the file is unchanged.
  private readonly wanted = new WeakMap<readonly RecordLayout[], Wanted>();
  // What `familiesOf` found, by the metadata the reader's cache hands out with the layout.
  private readonly families = new WeakMap<FileMetadata, ReadonlyArray<RecordMeaning | undefined>>();
  private previous = new Map<string, FileSample>();
  private readonly pick = (layout: readonly RecordLayout[], meanings: readonly RecordMeaning[]): readonly RecordLayout[] =>
    this.wantedRecords(layout, meanings)?.records ?? [];

  constructor(options: SamplerOptions) {
    this.selectors = options.selectors;
    this.filter = options.filter ?? [];
    this.ownsReader = options.reader === undefined;
    this.reader = options.reader ?? newStatsReader(Infinity);
  }

  /** Reads every file of `entries`; `time` is stored in the sample. Never throws for a bad file. */
  async sample(entries: readonly FileEntry[], time: number): Promise<Sample> {
    const files: FileSample[] = [];
    const errors: Array<ReadError | DecodeError> = [];
    const seen = new Set<string>();
    const latest = new Map<string, FileSample>();
    const missing: ReadError[] = [];
    const kept: Stats[] = [];
    for (const entry of entries) {
      const result = this.readFile(entry, kept);
      if (result instanceof MissingFile) {
        missing.push(result.error);
        continue;
      }
      seen.add(entry.path);
      if (result instanceof Error) errors.push(result);
      else if (result) {
        files.push(result);
        latest.set(entry.path, result);
      }
    }
    this.previous = latest;
    if (this.ownsReader) this.reader.cache.keepOnly(kept);
    return { time, files, errors, seen, missing };
  }

  /**
   * The file's sample, undefined if it is filtered out, an error, or `MissingFile` if it does not
   * exist. The stats of a file read are added to `kept`.
   */
  private readFile(entry: FileEntry, kept: Stats[]): FileSample | ReadError | DecodeError | MissingFile | undefined {
    let read;
    try {
      read = this.reader.readFile(entry, this.pick);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new MissingFile(new ReadError(entry.file, describeSystemError(err), { cause: err }));
      if (err instanceof ReadError || err instanceof DecodeError) return err;
      return new ReadError(entry.file, describeSystemError(err), { cause: err });
    }
    if (!read) return new ReadError(entry.file, 'not a regular file');
    kept.push(read.stats);
    const wanted = this.wantedRecords(read.layout, read.meanings);
    if (wanted === undefined) return undefined;
    const identity = `${read.stats.dev}:${read.stats.ino}`;
    const values = new Map<string, RecordSample>();
    for (const record of read.read.records) {
      values.set(record.label, { value: record.value, kind: record.layout.type.kind, meaning: read.meanings[record.layout.index] });
    }
    const unstable = read.read.unstable.map((record) => record.label);
    const before = this.previous.get(entry.path);
    const same = before && before.identity === identity ? before : undefined;
    for (const label of unstable) {
      // Keeping the last value read makes this tick's growth zero for the file and hands it to the next tick.
      const kept = same?.values.get(label);
      if (kept) values.set(label, kept);
    }
    let histograms: Array<ColumnSeries | undefined>;
    try {
      histograms = this.histogramsOf(read, entry.file, same);
    } catch (err) {
      if (err instanceof DecodeError) return err;
      throw err;
    }
    const families = this.familiesOf(read.metadata);
    return { file: entry.file, path: entry.path, identity, values, unstable, columns: wanted.columns, families, histograms };
  }

  /** For each column with a histogram statistic, the series of the file it shows (see `columnSeries`). */
  private histogramsOf(
    read: { layout: readonly RecordLayout[]; metadata: FileMetadata | undefined; read: { records: Parameters<typeof histogramsOf>[2] } },
    file: string,
    before: FileSample | undefined,
  ): Array<ColumnSeries | undefined> {
    let all: HistogramRead | undefined;
    return this.selectors.map((selector, column) => {
      if (selector.statistic === undefined || read.metadata?.families.get(selector.name)?.kind !== 'histogram') return undefined;
      all ??= histogramsOf(read.layout, read.metadata, read.read.records, file);
      return columnSeries(selector, all, before?.histograms[column]);
    });
  }

  /**
   * For each selector, the meaning of the family it names in `metadata`, if any; worked out once
   * per metadata block read (the reader keeps it with the layout, tick after tick).
   */
  private familiesOf(metadata: FileMetadata | undefined): ReadonlyArray<RecordMeaning | undefined> {
    const known = metadata && this.families.get(metadata);
    if (known !== undefined) return known;
    const families = this.selectors.map((selector) => {
      const family = metadata?.families.get(selector.name);
      return family === undefined ? undefined : familyMeaning(family);
    });
    if (metadata !== undefined) this.families.set(metadata, families);
    return families;
  }

  private wantedRecords(layout: readonly RecordLayout[], meanings: readonly RecordMeaning[]): Wanted {
    if (this.wanted.has(layout)) return this.wanted.get(layout);
    let wanted: Wanted;
    if (this.filter.length === 0 || layout.some((record) => this.filter.some((p) => record.label.startsWith(p)))) {
      const byLabel = new Map<string, RecordLayout>();
      const columns = this.selectors.map((selector) => {
        const labels: string[] = [];
        for (const record of layout) {
          if (!selects(selector, meanings[record.index])) continue;
          // The first record of a label wins, as a reader looking the label up would find it.
          const first = byLabel.get(record.label);
          if (first !== undefined && first !== record) continue;
          byLabel.set(record.label, record);
          labels.push(record.label);
        }
        return labels;
      });
      wanted = { records: [...byLabel.values()].sort((a, b) => a.index - b.index), columns };
    }
    this.wanted.set(layout, wanted);
    return wanted;
  }
}

/** The columns (by index) that no file of `sample` holds. */
export function missingColumns(sample: Sample, columns: number): number[] {
  const missing: number[] = [];
  for (let column = 0; column < columns; column++) {
    if (!sample.files.some((file) => holds(file, column))) missing.push(column);
  }
  return missing;
}

/**
 * What one row shows of the fields that grow (counters, and the integers of files without
 * metadata, `showsGrowth`); every other field shows its current value in every mode:
 * - `delta`: growth since the previous tick (the first row shows totals);
 * - `rate`: that growth divided by the seconds between the two ticks;
 * - `absolute`: the totals of the current tick.
 */
export type PollMode = 'delta' | 'rate' | 'absolute';

/**
 * One cell:
 * - `growth`: how much a field that grows grew (or its total), summed over the files: exact as
 *   a bigint, or a number if some file holds it as a float;
 * - `rate`: that growth per second;
 * - `value`: the current values combined across the files by the field's aggregate (SPEC.md
 *   §14.3); undefined when no file has a value;
 * - `unknown`: not known at this row (a value changed between every two reads, or no file
 *   holds the field any more).
 * `unit` and `metric` come from the field's metadata, for showing the number.
 */
export type Cell =
  | { readonly kind: 'growth'; readonly value: bigint | number; readonly unit?: string }
  | { readonly kind: 'rate'; readonly value: number; readonly unit?: string }
  | {
      readonly kind: 'value';
      readonly value: StatValue | undefined;
      readonly unit?: string;
      readonly metric?: MetricKind;
      /** Whether the records hold floats (`5.0` rather than `5`). */
      readonly float?: boolean;
    }
  | { readonly kind: 'unknown' };

/** One row of `mmstats poll`. */
export interface Tick {
  /** When the current sample was taken (the sample's `time`). */
  readonly time: number;
  /** How many files counted: those that hold at least one of the fields. */
  readonly files: number;
  /** One cell per column. */
  readonly cells: readonly Cell[];
  /** Names of files counted in the previous sample that are no longer there. */
  readonly gone: readonly string[];
}

/** What a column means: the first meaning found, preferring one from metadata (see `computeTick`). */
interface ColumnMeaning {
  readonly meaning: RecordMeaning;
  readonly kind: ValueKind | undefined;
}

/**
 * Works out one row. Every column is one of two sorts, by what its records mean
 * (`@mmstats/format`'s `showsGrowth`): fields that grow (counters, and integers in files without
 * metadata, as our tools always showed them) show their growth; all others (gauges, timestamps,
 * averages, timers, text, constants, floats without metadata) show their current values combined
 * across files by the field's aggregate (`combineValues`: a gauge by its `aggregate`, a
 * timestamp by the latest, an average or timer by the mean, text by the last file in name order).
 * A column that selects several series of a family (`requests` or `requests{status=5xx}`)
 * combines all of them the same way. Files that disagree on what a field is (an old and a new
 * version of a program) are shown as the first file with metadata for it says.
 *
 * Growth is computed per file and series, so that files and series coming and going never make
 * a row jump: a series in both samples of the same file (same path, same inode) adds `current −
 * previous` (a counter that wrapped at 2^64 adds what it grew); a file that went away adds
 * nothing (its last values drop out without a negative delta); a file that is new since the
 * previous sample, or a series added to a file since then, adds its whole value, since it was
 * created during the interval and writers start counting at zero. A file that was already there
 * but unreadable in the previous sample has no base to compare with and adds nothing in this tick.
 *
 * A cell is `unknown` when a file that counts had a selected record unstable in this sample
 * (SPEC.md §8.3): its value of this moment is not known, so neither is the sum nor the growth,
 * and showing the growth as 0 would say the opposite of the truth about the hottest counter. The
 * file's previous value is kept (see `Sampler`), so the next known row catches up. A cell is
 * also `unknown` when no file holds the field any more: its files went away.
 */
export function computeTick(
  previous: Sample | undefined,
  current: Sample,
  columns: number,
  mode: PollMode,
  statistics: ReadonlyArray<HistogramStatistic | undefined> = [],
): Tick {
  const before = new Map<string, FileSample>();
  for (const file of previous?.files ?? []) before.set(file.path, file);
  const gone: string[] = [];
  if (previous) {
    const now = new Set(current.files.map((file) => file.path));
    for (const file of previous.files) {
      if (!now.has(file.path) && !current.seen.has(file.path)) gone.push(file.file);
    }
  }
  const totals = mode === 'absolute' || previous === undefined;
  const seconds = previous ? (current.time - previous.time) / 1000 : 0;
  const cells: Cell[] = [];
  for (let column = 0; column < columns; column++) {
    const holding = current.files.filter((file) => holds(file, column));
    if (holding.length === 0 || holding.some((file) => file.columns[column].some((label) => file.unstable.includes(label)))) {
      cells.push({ kind: 'unknown' });
      continue;
    }
    const found = columnMeaning(current, previous, column);
    const unit = found?.meaning.unit;
    const statistic = statistics[column];
    if (statistic !== undefined) {
      // A rate is over the interval in every mode; the other statistics follow the mode as counters do.
      const since = totals && statistic.kind !== 'rate' ? undefined : previous;
      cells.push(histogramCell(statistic, histogramGrowth(holding, column, before, since), unit, mode, totals, seconds));
      continue;
    }
    if (found !== undefined && !showsGrowth(found.meaning, found.kind ?? 'float')) {
      const values: StatValue[] = [];
      for (const file of holding) {
        for (const label of file.columns[column]) {
          const entry = file.values.get(label);
          if (entry !== undefined) values.push(entry.value);
        }
      }
      const value = combineValues(found.meaning.aggregate ?? 'last', values);
      cells.push({ kind: 'value', value, unit, metric: found.meaning.kind, float: found.kind === 'float' });
      continue;
    }
    let exact = 0n;
    let fractional = 0;
    let float = false;
    for (const file of holding) {
      let old: FileSample | undefined;
      if (!totals) {
        old = before.get(file.path);
        // Unreadable at the previous row: no base to compare with.
        if (old === undefined && previous!.seen.has(file.path)) continue;
        // A file replaced under the same name (another inode) is a new file.
        if (old !== undefined && old.identity !== file.identity) old = undefined;
      }
      for (const label of file.columns[column]) {
        const entry = file.values.get(label);
        if (entry === undefined) continue;
        // A series the file did not have before was added during the interval, from zero.
        const base = old?.values.get(label)?.value ?? 0;
        const growth = growthBetween(entry.meaning, base, entry.value);
        if (typeof growth === 'bigint') exact += growth;
        else if (growth !== undefined) {
          float = true;
          fractional += growth;
        }
      }
    }
    const growth = float ? Number(exact) + fractional : exact;
    cells.push(mode === 'rate' && !totals ? { kind: 'rate', value: Number(growth) / seconds, unit } : { kind: 'growth', value: growth, unit });
  }
  const files = current.files.filter((file) => file.columns.some((_, column) => holds(file, column))).length;
  return { time: current.time, files, cells, gone };
}

/**
 * The observations of column `column` since `previous` (since the start without one), of every
 * file of `holding`, merged exactly: a file and series new since `previous` count whole, a file
 * unreadable at `previous` not at all (no base to compare with), as for counters.
 */
function histogramGrowth(
  holding: readonly FileSample[],
  column: number,
  before: ReadonlyMap<string, FileSample>,
  previous: Sample | undefined,
): HistogramSeries | undefined {
  const parts: HistogramSeries[] = [];
  for (const file of holding) {
    let old: FileSample | undefined;
    if (previous !== undefined) {
      old = before.get(file.path);
      if (old === undefined && previous.seen.has(file.path)) continue;
      if (old !== undefined && old.identity !== file.identity) old = undefined;
    }
    for (const [key, series] of file.histograms[column] ?? []) parts.push(growthSince(old?.histograms[column]?.get(key), series));
  }
  return mergeParts(parts);
}

/**
 * The cell of a histogram statistic over the interval: a quantile or the highest bound as a
 * value in the family's unit (no value without observations); `count` as a counter's growth (or
 * rate); `rate` per second, unknown at the first row, which has no interval.
 */
function histogramCell(statistic: HistogramStatistic, merged: HistogramSeries | undefined, unit: string | undefined, mode: PollMode, totals: boolean, seconds: number): Cell {
  const value = statisticOf(statistic, merged);
  switch (statistic.kind) {
    case 'count':
      return mode === 'rate' && !totals ? { kind: 'rate', value: value / seconds } : { kind: 'growth', value };
    case 'rate':
      return seconds > 0 ? { kind: 'rate', value: value / seconds } : { kind: 'unknown' };
    default:
      return { kind: 'value', value: Number.isNaN(value) ? undefined : value, unit, metric: 'histogram', float: true };
  }
}

/**
 * What column `column` means: from the first of its records (in the current files, then the
 * previous ones) whose family has metadata, else from its first record, else from a family
 * without records; undefined if nothing is known (a field of files without metadata: it grows).
 */
function columnMeaning(current: Sample, previous: Sample | undefined, column: number): ColumnMeaning | undefined {
  let plain: ColumnMeaning | undefined;
  let family: RecordMeaning | undefined;
  for (const file of [...current.files, ...(previous?.files ?? [])]) {
    if (column >= file.columns.length) continue;
    for (const label of file.columns[column]) {
      const entry = file.values.get(label);
      if (entry === undefined) continue;
      if (entry.meaning.kind !== undefined) return { meaning: entry.meaning, kind: entry.kind };
      plain ??= { meaning: entry.meaning, kind: entry.kind };
    }
    family ??= file.families[column];
  }
  if (family !== undefined) return { meaning: family, kind: undefined };
  return plain;
}
