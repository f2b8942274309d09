// The columns of `mmstats poll` that show a statistic of a histogram family (`latency:p99`): the
// series of each file, their growth over the interval, merged exactly across files and series.
import { histogramQuantile, mergeHistograms, type HistogramRead, type HistogramSeries } from '@mmstats/format';

import type { HistogramStatistic, Selector } from './selector';

/** The series of one file that a histogram column shows, by `histogramSeriesKey`. */
export type ColumnSeries = ReadonlyMap<string, HistogramSeries>;

/** A key telling the series of histograms apart: the family and the labels, in any order. */
export function histogramSeriesKey(family: string, labels: Readonly<Record<string, string>>): string {
  return JSON.stringify([family, ...Object.keys(labels).sort().flatMap((key) => [key, labels[key]])]);
}

/**
 * The series of `read` (a file's `histogramsOf`) that `selector` shows: of its family, with the
 * labels it asks for. A series left out of `read` as unstable keeps its value from `before` (the
 * file's previous sample), so that the next interval's growth is still measured from it.
 */
export function columnSeries(selector: Selector, read: HistogramRead, before: ColumnSeries | undefined): ColumnSeries {
  const wanted = (labels: Readonly<Record<string, string>>) => Object.keys(selector.labels).every((key) => labels[key] === selector.labels[key]);
  const series = new Map<string, HistogramSeries>();
  for (const one of read.series) if (one.family === selector.name && wanted(one.labels)) series.set(histogramSeriesKey(one.family, one.labels), one);
  for (const one of read.unstable) {
    const key = histogramSeriesKey(one.family, one.labels);
    const kept = one.family === selector.name && wanted(one.labels) ? before?.get(key) : undefined;
    if (kept) series.set(key, kept);
  }
  return series;
}

/**
 * What `current` observed since `base` (the same series in the file's previous sample): bucket by
 * bucket the difference of the counts. A series whose bounds changed, or whose counts went down
 * (the file was written anew), counts from zero.
 */
export function growthSince(base: HistogramSeries | undefined, current: HistogramSeries): HistogramSeries {
  if (base === undefined || base.bounds.length !== current.bounds.length || base.bounds.some((bound, i) => bound !== current.bounds[i])) return current;
  const buckets = current.buckets.map((count, i) => count - base.buckets[i]);
  if (buckets.some((count) => count < 0)) return current;
  return { ...current, buckets, count: buckets.reduce((a, b) => a + b, 0), sum: current.sum - base.sum, countRecord: current.countRecord - base.countRecord };
}

/** The upper bound of the highest bucket holding an observation; NaN when there is none. */
export function highestBound(series: Pick<HistogramSeries, 'bounds' | 'buckets'>): number {
  for (let i = series.buckets.length - 1; i >= 0; i--) if (series.buckets[i] > 0) return series.bounds[i];
  return NaN;
}

/** All the `parts` (growths of series, from every file) merged exactly; undefined if there are none. */
export function mergeParts(parts: readonly HistogramSeries[]): HistogramSeries | undefined {
  return parts.length === 0 ? undefined : mergeHistograms(parts);
}

/**
 * The value of `statistic` for `merged` (the interval's observations of every file): a quantile
 * or the highest bound, NaN without observations; the number of observations for `count` and
 * `rate` (the caller divides by the seconds).
 */
export function statisticOf(statistic: HistogramStatistic, merged: HistogramSeries | undefined): number {
  if (statistic.kind === 'count' || statistic.kind === 'rate') return merged?.count ?? 0;
  if (merged === undefined) return NaN;
  return statistic.kind === 'max' ? highestBound(merged) : histogramQuantile(merged, statistic.q);
}
