// Histograms (SPEC.md §14.6): a family of kind `histogram` is stored as ordinary v1 counters, one
// per bucket, plus a count and a sum. This module holds everything a writer needs to lay them out
// and everything a reader needs to take them apart again: the series of a file with their bounds
// and counts, the counts readers publish, quantiles with their error, and exact merges.
import { DecodeError } from './errors';
import type { DecodedRecord } from './decode';
import type { RecordSpec } from './encode';
import type { RecordLayout } from './layout';
import type { FileMetadata } from './meta';
import { meaningOf } from './semantics';
import { seriesLabel } from './series';
import type { StatValue } from './types';

/** The label name of a bucket's upper bound. */
export const BOUND_LABEL = 'le';

/** The parts of a histogram series, as the suffix of the family name in their records' labels. */
export type HistogramPart = 'bucket' | 'count' | 'sum';

/** Every part, in the order a writer lays out a series: buckets, then the count, then the sum. */
export const HISTOGRAM_PARTS: readonly HistogramPart[] = ['bucket', 'count', 'sum'];

/** The signature of each part: buckets and count are counters, the sum a double. */
export const HISTOGRAM_PART_SIGNATURES: Readonly<Record<HistogramPart, string>> = Object.freeze({ bucket: 'Q', count: 'Q', sum: 'd' });

/** The text of a bound in a bucket's `le` label: `+Inf`, or the shortest decimal that reads back as the bound. */
export function formatBound(bound: number): string {
  if (bound === Infinity) return '+Inf';
  if (!Number.isFinite(bound)) throw new RangeError(`a bucket bound is a finite number or +Infinity, got ${bound}`);
  return Object.is(bound, -0) ? '0' : String(bound);
}

const BOUND_TEXT = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** The bound a bucket's `le` label text stands for, or undefined if it is not one (SPEC.md §14.6). */
export function parseBound(text: string): number | undefined {
  if (text === '+Inf') return Infinity;
  if (!BOUND_TEXT.test(text)) return undefined;
  const bound = Number(text);
  return Number.isFinite(bound) ? bound : undefined;
}

/** Why `bounds` cannot be the finite bucket bounds of a histogram, or undefined if they can. */
export function boundsProblem(bounds: unknown): string | undefined {
  if (!Array.isArray(bounds) || bounds.length === 0) return 'buckets must be a non-empty array of finite numbers, in increasing order';
  for (let i = 0; i < bounds.length; i++) {
    const bound = bounds[i] as unknown;
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      // A trailing +Infinity is what some libraries list; the +Inf bucket is always there anyway.
      if (bound === Infinity && i === bounds.length - 1 && i > 0) continue;
      return `bucket bound ${String(bound)} is not a finite number`;
    }
    if (i > 0 && !(bound > (bounds[i - 1] as number))) return `bucket bounds must increase: ${String(bounds[i - 1])} then ${bound}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The log-scale scheme (SPEC.md §14.6)

/** Buckets per power of two of the log scale: bucket k ends at 2^(k/16), rounded. */
export const LOG_BUCKETS_PER_OCTAVE = 16;

/** Significant decimal digits of a log-scale bound: short labels, and ratios stay within LOG_SCALE_MAX_ERROR. */
export const LOG_BOUND_DIGITS = 4;

/**
 * The largest relative width `(upper − lower) / lower` of a log-scale bucket inside the range:
 * 2^(1/16) − 1 = 4.43 %, widened by the rounding of the bounds to 4 digits. A quantile estimate
 * that lies in the bucket of the true quantile (ours, and Prometheus' `histogram_quantile`) is
 * within this fraction of it.
 */
export const LOG_SCALE_MAX_ERROR = 0.046;

/** Default range of the log scale: 1 ms to 100 s for durations in seconds. */
export const DEFAULT_LOG_RANGE: readonly [number, number] = [0.001, 100];

/** Bound `k` of the log scale: 2^(k/16) to 4 significant digits. */
export function logScaleBound(k: number): number {
  return Number(Math.pow(2, k / LOG_BUCKETS_PER_OCTAVE).toPrecision(LOG_BOUND_DIGITS));
}

/** The first `k` whose bound is at most `min` (the underflow bucket ends there). */
export function logScaleFirstIndex(min: number): number {
  let k = Math.floor(Math.log2(min) * LOG_BUCKETS_PER_OCTAVE);
  while (logScaleBound(k) > min) k--;
  while (logScaleBound(k + 1) <= min) k++;
  return k;
}

/** The last `k` whose bound is at least `max` (the overflow bucket starts there). */
export function logScaleLastIndex(max: number): number {
  let k = Math.ceil(Math.log2(max) * LOG_BUCKETS_PER_OCTAVE);
  while (logScaleBound(k) < max) k++;
  while (logScaleBound(k - 1) >= max) k--;
  return k;
}

/** Smallest `min` of a log-scale range: well inside normal doubles. */
export const LOG_SCALE_MIN = 1e-300;
/** Largest `max` of a log-scale range. */
export const LOG_SCALE_MAX = 1e300;

/** Why `[min, max]` cannot be a log-scale range, or undefined if it can. */
export function logRangeProblem(min: unknown, max: unknown): string | undefined {
  if (typeof min !== 'number' || typeof max !== 'number' || !(min >= LOG_SCALE_MIN) || !(max <= LOG_SCALE_MAX) || !(min < max)) {
    return `a log-scale range needs ${LOG_SCALE_MIN} ≤ min < max ≤ ${LOG_SCALE_MAX}, got min ${String(min)}, max ${String(max)}`;
  }
  return undefined;
}

/**
 * The finite bounds of the log-scale buckets over `[min, max]` (SPEC.md §14.6): from the largest
 * bound at most `min` (the underflow bucket holds every value up to it) to the smallest at least
 * `max` (the overflow bucket, `+Inf`, holds every value above it).
 */
export function logScaleBounds(min: number = DEFAULT_LOG_RANGE[0], max: number = DEFAULT_LOG_RANGE[1]): number[] {
  const problem = logRangeProblem(min, max);
  if (problem) throw new RangeError(problem);
  const bounds: number[] = [];
  for (let k = logScaleFirstIndex(min), last = logScaleLastIndex(max); k <= last; k++) bounds.push(logScaleBound(k));
  return bounds;
}

// ---------------------------------------------------------------------------------------------
// Writing: the records of one series

/** The label of part `part` of the series of histogram `name` with labels `keys` = `values`. */
function partLabel(name: string, part: HistogramPart, keys: readonly string[], values: readonly string[]): string {
  return keys.length === 0 ? `${name}.${part}` : seriesLabel(`${name}.${part}`, keys, values);
}

/**
 * The records of one series of histogram `name` (SPEC.md §14.6), in the order a writer lays them
 * out: a bucket per bound of `bounds` (finite, increasing) and the `+Inf` bucket, with `le` as the
 * last label, then the count, then the sum. `keys`/`values` are the series' labels (none for an
 * unlabelled histogram).
 */
export function histogramRecordSpecs(name: string, bounds: readonly number[], keys: readonly string[] = [], values: readonly string[] = []): RecordSpec[] {
  const bucketKeys = [...keys, BOUND_LABEL];
  const specs: RecordSpec[] = [...bounds, Infinity].map((bound) => ({
    label: seriesLabel(`${name}.bucket`, bucketKeys, [...values, formatBound(bound)]),
    signature: HISTOGRAM_PART_SIGNATURES.bucket,
    buffered: true,
  }));
  specs.push({ label: partLabel(name, 'count', keys, values), signature: HISTOGRAM_PART_SIGNATURES.count, buffered: true });
  specs.push({ label: partLabel(name, 'sum', keys, values), signature: HISTOGRAM_PART_SIGNATURES.sum, buffered: true });
  return specs;
}

// ---------------------------------------------------------------------------------------------
// Reading: the series of a file

/** One series of a histogram, as read. */
export interface HistogramSeries {
  /** The family name. */
  readonly family: string;
  /** The series' labels, `le` left out; empty for an unlabelled histogram. */
  readonly labels: Readonly<Record<string, string>>;
  /** Upper bounds of the buckets, increasing; the last is `Infinity`. */
  readonly bounds: readonly number[];
  /** Observations per bucket as stored: bucket `i` holds the values `v` with `bounds[i-1] < v ≤ bounds[i]`. */
  readonly buckets: readonly number[];
  /** What readers publish as the count: the sum of `buckets`, so that the `+Inf` bucket equals it. */
  readonly count: number;
  /** The sum of the observed values, as read (it may be a few observations ahead or behind the buckets). */
  readonly sum: number;
  /** The value of the series' count record, as read (for the original tools; readers publish `count`). */
  readonly countRecord: number;
}

/** The histograms of a file. */
export interface HistogramRead {
  readonly series: HistogramSeries[];
  /** Series left out because a part of theirs had no confirmed value (SPEC.md §8.3). */
  readonly unstable: Array<{ readonly family: string; readonly labels: Readonly<Record<string, string>> }>;
}

/** The records of one histogram series, gathered from a file's layout. */
export interface HistogramLayout {
  family: string;
  /** The series' labels, without `le`. */
  labels: Record<string, string>;
  /** Its first record in file order. */
  first: RecordLayout;
  /** Its buckets, by increasing bound. */
  buckets: Array<{ bound: number; record: RecordLayout }>;
  count?: RecordLayout;
  sum?: RecordLayout;
}

function histogramError(reason: string, record: RecordLayout, path: string | undefined): never {
  throw new DecodeError(`histogram: ${reason}`, { offset: record.labelOffset, recordIndex: record.index, path });
}

function seriesKey(family: string, labels: Readonly<Record<string, string>>): string {
  return JSON.stringify([family, ...Object.keys(labels).sort().flatMap((key) => [key, labels[key]])]);
}

/**
 * Groups the records of every histogram family of a file into series (SPEC.md §14.6) and checks
 * them: each bucket record has a `le` bound, each series has its `+Inf` bucket, a count and a sum,
 * no part twice, and the signatures are `Q`, `Q` and `d`. Throws `DecodeError` (at the label of
 * the record concerned, or of a series' first record for a missing part) otherwise. Returns the
 * gathered layouts; `histogramsOf` adds the values.
 */
export function histogramLayoutsOf(layout: readonly RecordLayout[], metadata: FileMetadata | undefined, path?: string): HistogramLayout[] {
  if (metadata === undefined) return [];
  const bySeries = new Map<string, HistogramLayout>();
  const order: HistogramLayout[] = [];
  for (const record of layout) {
    const meaning = meaningOf(record, metadata, path);
    const part = meaning.part;
    if (part === undefined) continue;
    const { [BOUND_LABEL]: le, ...labels } = meaning.labels;
    if (record.signature !== HISTOGRAM_PART_SIGNATURES[part]) {
      histogramError(`the ${part} record ${JSON.stringify(record.label)} has type ${record.signature}, not ${HISTOGRAM_PART_SIGNATURES[part]}`, record, path);
    }
    if (part !== 'bucket' && le !== undefined) histogramError(`the ${part} record ${JSON.stringify(record.label)} has a ${BOUND_LABEL} label`, record, path);
    const key = seriesKey(meaning.family, labels);
    let series = bySeries.get(key);
    if (series === undefined) {
      series = { family: meaning.family, labels, first: record, buckets: [] };
      bySeries.set(key, series);
      order.push(series);
    }
    if (part === 'bucket') {
      const bound = le === undefined ? undefined : parseBound(le);
      if (bound === undefined) histogramError(`bucket record ${JSON.stringify(record.label)} has no ${BOUND_LABEL} bound (a number, or +Inf)`, record, path);
      if (series.buckets.some((bucket) => bucket.bound === bound)) histogramError(`bucket ${BOUND_LABEL}="${le}" appears twice in one series`, record, path);
      series.buckets.push({ bound, record });
    } else {
      if (series[part] !== undefined) histogramError(`the ${part} record appears twice in one series`, record, path);
      series[part] = record;
    }
  }
  for (const series of order) {
    const missing = [series.buckets.some((b) => b.bound === Infinity) ? undefined : `the ${BOUND_LABEL}="+Inf" bucket`, series.count ? undefined : 'the count', series.sum ? undefined : 'the sum'].filter(Boolean);
    if (missing.length > 0) histogramError(`series ${seriesKey(series.family, series.labels)} lacks ${missing.join(', ')}`, series.first, path);
    series.buckets.sort((a, b) => a.bound - b.bound);
  }
  return order;
}

function asNumber(value: StatValue): number {
  return typeof value === 'bigint' ? Number(value) : Number(value);
}

/**
 * The histogram series of a file (SPEC.md §14.6): `layout` and `metadata` as decoded, `records`
 * the records that have a value (those of a stable read; a record missing from them makes its
 * series unstable). Throws `DecodeError` as `histogramLayoutsOf` does.
 */
export function histogramsOf(layout: readonly RecordLayout[], metadata: FileMetadata | undefined, records: readonly DecodedRecord[], path?: string): HistogramRead {
  const gathered = histogramLayoutsOf(layout, metadata, path);
  if (gathered.length === 0) return { series: [], unstable: [] };
  const values = new Map<number, StatValue>();
  for (const record of records) values.set(record.layout.index, record.value);
  const series: HistogramSeries[] = [];
  const unstable: HistogramRead['unstable'] = [];
  for (const g of gathered) {
    const parts = [...g.buckets.map((b) => b.record), g.count!, g.sum!];
    if (parts.some((record) => !values.has(record.index))) {
      unstable.push({ family: g.family, labels: g.labels });
      continue;
    }
    const buckets = g.buckets.map((b) => asNumber(values.get(b.record.index)!));
    series.push({
      family: g.family,
      labels: g.labels,
      bounds: g.buckets.map((b) => b.bound),
      buckets,
      count: buckets.reduce((a, b) => a + b, 0),
      sum: asNumber(values.get(g.sum!.index)!),
      countRecord: asNumber(values.get(g.count!.index)!),
    });
  }
  return { series, unstable };
}

// ---------------------------------------------------------------------------------------------
// What readers publish

/**
 * The cumulative counts readers publish (Prometheus' `_bucket{le=…}`): entry `i` counts the
 * observations at most `bounds[i]`. Never decreasing, and the last equals `count`, whatever
 * moment of a writer's `observe()` the copy caught (SPEC.md §14.6).
 */
export function cumulativeCounts(series: Pick<HistogramSeries, 'buckets'>): number[] {
  let total = 0;
  return series.buckets.map((count) => (total += count));
}

/**
 * The `q`-quantile (0 ≤ q ≤ 1) of a series, estimated as Prometheus' `histogram_quantile` does:
 * find the bucket holding the observation of rank `q × count`, and interpolate linearly between
 * its bounds (from 0 for a first bucket with a positive bound). The estimate lies in the bucket of
 * the true quantile, so it is off by at most that bucket's width (`relativeBucketWidth`). A rank in
 * the `+Inf` bucket gives the last finite bound. NaN when the series holds no observation.
 */
export function histogramQuantile(series: Pick<HistogramSeries, 'bounds' | 'buckets'>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`a quantile is between 0 and 1, got ${q}`);
  const { bounds, buckets } = series;
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < buckets.length; i++) {
    const inBucket = buckets[i];
    if (below + inBucket >= rank && inBucket > 0) {
      const upper = bounds[i];
      if (upper === Infinity) return bounds.length > 1 ? bounds[bounds.length - 2] : NaN;
      const lower = i > 0 ? bounds[i - 1] : upper > 0 ? 0 : upper;
      return lower + ((upper - lower) * Math.max(0, rank - below)) / inBucket;
    }
    below += inBucket;
  }
  return bounds[bounds.length - 2] ?? NaN;
}

/**
 * The relative width `(upper − lower) / lower` of the bucket holding `value`: the largest relative
 * error of a quantile estimate whose true value is `value`. Infinity in the first (underflow) and
 * last (overflow) buckets, whose far end is unbounded.
 */
export function relativeBucketWidth(bounds: readonly number[], value: number): number {
  const i = bounds.findIndex((bound) => value <= bound);
  if (i <= 0 || bounds[i] === Infinity) return Infinity;
  return (bounds[i] - bounds[i - 1]) / Math.abs(bounds[i - 1]);
}

/**
 * Merges series of one histogram from several files (processes) exactly: counts are added, never
 * averaged. Series with the same bounds merge bucket by bucket; otherwise the result has the bounds
 * that every series has (always `+Inf`), where each one's cumulative count is exact. Labels are those
 * the series share. Throws `RangeError` for an empty list.
 */
export function mergeHistograms(list: readonly HistogramSeries[]): HistogramSeries {
  if (list.length === 0) throw new RangeError('mergeHistograms needs at least one series');
  const common = list.reduce<number[]>((bounds, series) => bounds.filter((bound) => series.bounds.includes(bound)), [...list[0].bounds]);
  const buckets = common.map(() => 0);
  for (const series of list) {
    let j = 0;
    for (let i = 0; i < series.bounds.length; i++) {
      while (common[j] < series.bounds[i]) j++;
      buckets[j] += series.buckets[i];
    }
  }
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(list[0].labels)) if (list.every((series) => series.labels[key] === value)) labels[key] = value;
  return {
    family: list[0].family,
    labels,
    bounds: common,
    buckets,
    count: buckets.reduce((a, b) => a + b, 0),
    sum: list.reduce((a, series) => a + series.sum, 0),
    countRecord: list.reduce((a, series) => a + series.countRecord, 0),
  };
}
