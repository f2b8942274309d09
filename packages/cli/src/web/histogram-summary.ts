// What the dashboard shows of each histogram: its series merged over every process (exactly, by
// `mergeHistograms`), with p50/p90/p99 over all time and over the current interval, the
// observations made since the previous snapshot. Quantiles come from `histogramQuantile` only.
import { histogramQuantile, mergeHistograms, type HistogramSeries } from '@mmstats/format';

import type { StatsFile } from './collect';

/** The quantiles the dashboard shows, in order: p50, p90, p99. */
export const SHOWN_QUANTILES: readonly number[] = [0.5, 0.9, 0.99];

/** Observations of one series, merged over the files that have it. */
export interface ObservationSummary {
  readonly count: number;
  readonly sum: number;
  /** One estimate per `SHOWN_QUANTILES` entry; null without observations. */
  readonly quantiles: ReadonlyArray<number | null>;
}

/** One histogram series over every file. */
export interface HistogramSummary extends ObservationSummary {
  readonly family: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly unit: string | undefined;
  readonly help: string | undefined;
  /** How many files hold the series. */
  readonly files: number;
  /** The observations since the previous snapshot, `seconds` ago; null on the first one. */
  readonly interval: (ObservationSummary & { readonly seconds: number }) | null;
}

/**
 * The observations `after` gained since `before` (the same series of the same file, read earlier),
 * or undefined when the two cannot be compared: other bounds, or a bucket that fell, which means a
 * new writer took over the file.
 */
export function seriesGrowth(before: HistogramSeries, after: HistogramSeries): HistogramSeries | undefined {
  if (before.bounds.length !== after.bounds.length || before.bounds.some((bound, i) => bound !== after.bounds[i])) return undefined;
  if (after.buckets.some((count, i) => count < before.buckets[i])) return undefined;
  const buckets = after.buckets.map((count, i) => count - before.buckets[i]);
  return { ...after, buckets, count: buckets.reduce((a, b) => a + b, 0), sum: after.sum - before.sum, countRecord: after.countRecord - before.countRecord };
}

function summarize(series: HistogramSeries): ObservationSummary {
  const quantiles = SHOWN_QUANTILES.map((q) => {
    const estimate = histogramQuantile(series, q);
    return Number.isNaN(estimate) ? null : estimate;
  });
  return { count: series.count, sum: series.sum, quantiles };
}

function seriesKey(series: Pick<HistogramSeries, 'family' | 'labels'>): string {
  return JSON.stringify([series.family, Object.entries(series.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

/** The series of each file at one moment, by file name, then by series key. */
interface Moment {
  readonly time: number;
  readonly byFile: ReadonlyMap<string, ReadonlyMap<string, HistogramSeries>>;
}

/** How many file selections (request patterns) keep a previous moment: the oldest is forgotten past it. */
const MAX_SELECTIONS = 16;

/**
 * Remembers the histograms of the previous snapshot of each file selection, so that each snapshot
 * can say what was observed since: the current interval is the time since the previous snapshot
 * of the same selection, whoever asked for it.
 */
export class HistogramIntervals {
  private readonly previous = new Map<string, Moment>();

  /**
   * The histogram series of `files` at `time` (Unix seconds), merged over the files, in order of
   * family and labels. A file seen in the previous snapshot contributes what it gained since; a
   * file new since then, or taken over by a new writer, all it holds.
   */
  summaries(selection: string, files: readonly StatsFile[], time: number): HistogramSummary[] {
    const before = this.previous.get(selection);
    const byFile = new Map(files.map((file) => [file.file, new Map(file.histograms.map((series) => [seriesKey(series), series]))]));
    this.remember(selection, { time, byFile });
    const groups = new Map<string, { whole: HistogramSeries[]; gained: HistogramSeries[]; file: StatsFile }>();
    for (const file of files) {
      for (const [key, series] of byFile.get(file.file)!) {
        let group = groups.get(key);
        if (group === undefined) groups.set(key, (group = { whole: [], gained: [], file }));
        group.whole.push(series);
        const earlier = before?.byFile.get(file.file)?.get(key);
        group.gained.push((earlier && seriesGrowth(earlier, series)) ?? series);
      }
    }
    return [...groups.keys()].sort().map((key) => {
      const { whole, gained, file } = groups.get(key)!;
      const merged = mergeHistograms(whole);
      const meaning = file.meanings.find((m) => m.part !== undefined && m.family === merged.family);
      return {
        family: merged.family,
        labels: whole[0].labels,
        unit: meaning?.unit,
        help: meaning?.help,
        files: whole.length,
        ...summarize(merged),
        interval: before === undefined ? null : { seconds: time - before.time, ...summarize(mergeHistograms(gained)) },
      };
    });
  }

  private remember(selection: string, moment: Moment): void {
    this.previous.delete(selection);
    this.previous.set(selection, moment);
    if (this.previous.size > MAX_SELECTIONS) this.previous.delete(this.previous.keys().next().value!);
  }
}
