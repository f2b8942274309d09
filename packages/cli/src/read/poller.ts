import { DecodeError, type RecordLayout, type StatValue, type ValueKind } from '@mmstats/format';

import { ReadError } from '../errors';
import type { FileEntry } from './files';
import { describeSystemError } from './regular-file';
import { sharedStatsReader } from './snapshot';
import type { StatsReader } from './stats-reader';

/** A selected file that was not there to read. */
class MissingFile {
  constructor(readonly error: ReadError) {}
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
   * The wanted labels this file has, with their values and kinds. A label in `unstable` has the
   * value of the previous sample of the same file here, when there was one.
   */
  readonly values: ReadonlyMap<string, { readonly value: StatValue; readonly kind: ValueKind }>;
  /**
   * Wanted labels whose value changed between every two copies the read protocol made (SPEC.md
   * §8.3), so no value of this moment is known; in file order.
   */
  readonly unstable: readonly string[];
}

/** Every selected file at one moment: the readable ones, and those that failed (errors). */
export interface Sample {
  /** When the sample was taken, in milliseconds (any clock; only differences matter). */
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

/** What to read: the full labels (prefix included) and which files count. */
export interface SamplerOptions {
  /** Full labels to read from every file. */
  readonly labels: readonly string[];
  /** Count only files with a label starting with one of these (all must match one). Defaults to every file. */
  readonly filter?: readonly string[];
  /** Reads the files and keeps their layouts. Defaults to the process-wide `sharedStatsReader()`. */
  readonly reader?: StatsReader;
}

/** The wanted records of one layout, or undefined if the file is filtered out. */
type Wanted = readonly RecordLayout[] | undefined;

/**
 * Reads the wanted values of many files, tick after tick. Through a `StatsReader`, each file's
 * layout is decoded once (through `@mmstats/format`'s `decodeLayout`) and kept while its device,
 * inode, size and change time stay the same; later ticks only read the wanted values, through
 * the stable read protocol (`readStableRecords`, SPEC.md §8.3), so no value is ever torn by a
 * concurrent write. A value that changed between every two copies is not a failure: the file
 * still counts, with that label's value from the previous tick (see `FileSample.unstable`).
 */
export class Sampler {
  private readonly labels: ReadonlySet<string>;
  private readonly filter: readonly string[];
  private readonly reader: StatsReader;
  // Keyed by the layout the reader's cache hands out: the same array as long as the file is unchanged.
  private readonly wanted = new WeakMap<readonly RecordLayout[], Wanted>();
  private previous = new Map<string, FileSample>();
  private readonly pick = (layout: readonly RecordLayout[]): readonly RecordLayout[] => this.wantedRecords(layout) ?? [];

  constructor(options: SamplerOptions) {
    this.labels = new Set(options.labels);
    this.filter = options.filter ?? [];
    this.reader = options.reader ?? sharedStatsReader();
  }

  /** Reads every file of `entries`; `time` is stored in the sample. Never throws for a bad file. */
  async sample(entries: readonly FileEntry[], time: number): Promise<Sample> {
    const files: FileSample[] = [];
    const errors: Array<ReadError | DecodeError> = [];
    const seen = new Set<string>();
    const latest = new Map<string, FileSample>();
    const missing: ReadError[] = [];
    for (const entry of entries) {
      const result = this.readFile(entry);
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
    return { time, files, errors, seen, missing };
  }

  /** The file's sample, undefined if it is filtered out, an error, or `MissingFile` if it does not exist. */
  private readFile(entry: FileEntry): FileSample | ReadError | DecodeError | MissingFile | undefined {
    let read;
    try {
      read = this.reader.readFile(entry, this.pick);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new MissingFile(new ReadError(entry.file, describeSystemError(err), { cause: err }));
      if (err instanceof ReadError || err instanceof DecodeError) return err;
      return new ReadError(entry.file, describeSystemError(err), { cause: err });
    }
    if (!read) return new ReadError(entry.file, 'not a regular file');
    if (this.wantedRecords(read.layout) === undefined) return undefined;
    const identity = `${read.stats.dev}:${read.stats.ino}`;
    const values = new Map<string, { value: StatValue; kind: ValueKind }>();
    for (const record of read.read.records) values.set(record.label, { value: record.value, kind: record.layout.type.kind });
    const unstable = read.read.unstable.map((record) => record.label);
    const before = this.previous.get(entry.path);
    for (const label of unstable) {
      // Keeping the last value read makes this tick's growth zero for the file and hands it to the next tick.
      const kept = before && before.identity === identity ? before.values.get(label) : undefined;
      if (kept) values.set(label, kept);
    }
    return { file: entry.file, path: entry.path, identity, values, unstable };
  }

  private wantedRecords(layout: readonly RecordLayout[]): Wanted {
    if (this.wanted.has(layout)) return this.wanted.get(layout);
    let wanted: Wanted;
    if (this.filter.length === 0 || layout.some((record) => this.filter.some((p) => record.label.startsWith(p)))) {
      const byLabel = new Map<string, RecordLayout>();
      for (const record of layout) {
        // The first record of a label wins, as a reader looking the label up would find it.
        if (this.labels.has(record.label) && !byLabel.has(record.label)) byLabel.set(record.label, record);
      }
      wanted = [...byLabel.values()];
    }
    this.wanted.set(layout, wanted);
    return wanted;
  }
}

/** The labels of `labels` that no file of `sample` has. */
export function missingLabels(sample: Sample, labels: readonly string[]): string[] {
  return labels.filter((label) => !sample.files.some((file) => file.values.has(label) || file.unstable.includes(label)));
}

/**
 * What one row shows:
 * - `delta`: growth since the previous tick (the first row shows totals);
 * - `rate`: that growth divided by the seconds between the two ticks;
 * - `absolute`: the totals of the current tick.
 */
export type PollMode = 'delta' | 'rate' | 'absolute';

/**
 * One cell: an exact integer sum, a float, a rate, a string (the value in the last file that has
 * the label, by file name; undefined if none has it), or a count of files where a bool is true.
 */
export type Cell =
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'rate'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string | undefined }
  | { readonly kind: 'count'; readonly value: number }
  | { readonly kind: 'unknown' };

/** One row of `mmstats poll`. */
export interface Tick {
  /** When the current sample was taken (the sample's `time`). */
  readonly time: number;
  /** How many files counted. */
  readonly files: number;
  /** One cell per label, in the order of `labels`. */
  readonly cells: readonly Cell[];
  /** Names of files counted in the previous sample that are no longer there. */
  readonly gone: readonly string[];
}

/**
 * Sums one tick. Numbers are summed over every file that has the label: integers exactly (as
 * bigint), floats as doubles; a label that is an integer in some files and a float in others is
 * summed as doubles.
 *
 * Deltas are computed per file, so that files coming and going never make a row jump: a file in
 * both samples (same path, same inode) adds `current − previous`; a file that went away adds
 * nothing (its last values drop out without a negative delta); a file that is new since the
 * previous sample adds its whole value, since it was created during the interval and writers
 * start counting at zero; that keeps every unit of growth counted once, even from short-lived
 * processes. A file that was already there but unreadable in the previous sample has no base to
 * compare with and adds nothing in this tick.
 *
 * Strings and bools are not summed: a string cell shows the value of the last file (in name
 * order) that has the label, a bool cell how many files have it true; both are current values in
 * every mode.
 *
 * A cell is `unknown` when a file that counts had the label unstable in this sample (SPEC.md
 * §8.3): its value of this moment is not known, so neither is the sum nor the growth, and showing
 * the growth as 0 would say the opposite of the truth about the hottest counter. The file's
 * previous value is kept (see `Sampler`), so the next known row catches up.
 */
export function computeTick(previous: Sample | undefined, current: Sample, labels: readonly string[], mode: PollMode): Tick {
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
  const cells = labels.map((label): Cell => {
    if (current.files.some((file) => file.unstable.includes(label))) return { kind: 'unknown' };
    let kind: 'int' | 'float' | 'bool' | 'string' | undefined;
    let intSum = 0n;
    let floatSum = 0;
    let trueCount = 0;
    let text: string | undefined;
    for (const file of current.files) {
      const entry = file.values.get(label);
      if (!entry) continue;
      const { value } = entry;
      if (entry.kind === 'string') {
        kind ??= 'string';
        text = String(value);
        continue;
      }
      if (entry.kind === 'bool') {
        kind ??= 'bool';
        if (value) trueCount++;
        continue;
      }
      let base: StatValue | undefined = 0;
      if (!totals) {
        const old = before.get(file.path);
        // A file replaced under the same name (another inode) is a new file.
        if (old) base = old.identity === file.identity ? old.values.get(label)?.value : 0;
        else if (previous!.seen.has(file.path)) base = undefined;
      }
      if (base === undefined || typeof base === 'string' || typeof base === 'boolean') continue;
      if (entry.kind === 'float' || kind === 'float') {
        if (kind === 'int') floatSum = Number(intSum);
        kind = 'float';
        floatSum += Number(value) - Number(base);
      } else {
        kind ??= 'int';
        intSum += BigInt(value as number | bigint) - BigInt(base);
      }
    }
    if (kind === undefined) kind = labelKind(current, previous, label);
    switch (kind) {
      case 'string':
        return { kind: 'string', value: text };
      case 'bool':
        return { kind: 'count', value: trueCount };
      case 'float':
        return mode === 'rate' && !totals ? { kind: 'rate', value: floatSum / seconds } : { kind: 'float', value: floatSum };
      case 'int':
        return mode === 'rate' && !totals ? { kind: 'rate', value: Number(intSum) / seconds } : { kind: 'int', value: intSum };
    }
  });
  return { time: current.time, files: current.files.length, cells, gone };
}

/** The kind of a label nobody contributed to in this tick, from any file that has it. */
function labelKind(current: Sample, previous: Sample | undefined, label: string): 'int' | 'float' | 'bool' | 'string' {
  for (const file of [...current.files, ...(previous?.files ?? [])]) {
    const kind = file.values.get(label)?.kind;
    if (kind === 'string' || kind === 'bool' || kind === 'float') return kind;
    if (kind) return 'int';
  }
  return 'int';
}
