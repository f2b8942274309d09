// The dashboard's histograms: /api/snapshot of real writer processes gives each histogram merged
// over the processes, with p50/p90/p99 over all time and over the observations since the previous
// snapshot.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { encodeFile, histogramQuantile, histogramRecordSpecs, type HistogramSeries } from '@mmstats/format';

import { seriesGrowth } from '../../src/web/histogram-summary';
import { serveWriters, startHistogramWriter, type HistogramWriter, type ServedWriters } from './helpers';

const BOUNDS = [0.25, 0.5, 1, 2];

const series = (buckets: number[], sum = 0, bounds = [...BOUNDS, Infinity]): HistogramSeries => ({
  family: 'request.duration',
  labels: {},
  bounds,
  buckets,
  count: buckets.reduce((a, b) => a + b, 0),
  sum,
  countRecord: buckets.reduce((a, b) => a + b, 0),
});

describe('seriesGrowth', () => {
  test('the observations gained bucket by bucket, with the sum', () => {
    expect(seriesGrowth(series([1, 2, 0, 0, 0], 1), series([4, 2, 0, 3, 1], 9))).toMatchObject({ buckets: [3, 0, 0, 3, 1], count: 7, sum: 8, countRecord: 7 });
  });

  test('nothing to compare when a bucket fell (a new writer) or the bounds changed', () => {
    expect(seriesGrowth(series([5, 0, 0, 0, 0]), series([4, 1, 0, 0, 0]))).toBeUndefined();
    expect(seriesGrowth(series([1, 0, 0], 0, [0.5, 1, Infinity]), series([1, 0, 0, 0, 0]))).toBeUndefined();
    expect(seriesGrowth(series([1, 0, 0, 0, 0]), series([1, 0, 0, 0, 0], 0, [0.25, 0.5, 1, 3, Infinity]))).toBeUndefined();
  });
});

describe('/api/snapshot histograms of real writer processes', () => {
  let served: ServedWriters<HistogramWriter>;

  beforeAll(async () => {
    served = await serveWriters(async (dir) => [await startHistogramWriter(dir, 'app', BOUNDS), await startHistogramWriter(dir, 'app', BOUNDS)]);
  }, 30000);

  afterAll(() => served?.close());

  const snapshot = async () => {
    const response = await fetch(new URL('api/snapshot', served.server.url));
    return (await response.json()) as { histograms: Array<Record<string, any>> };
  };
  /** What histogramQuantile says of merged per-bucket counts, as p50/p90/p99. */
  const expected = (buckets: number[]) => {
    const s = series(buckets);
    return { p50: histogramQuantile(s, 0.5), p90: histogramQuantile(s, 0.9), p99: histogramQuantile(s, 0.99) };
  };

  test('all-time and current-interval p50/p90/p99, merged over the processes; no interval on the first snapshot', async () => {
    await Promise.all(served.writers.map((writer) => writer.observe(Array(100).fill(0.1))));
    const first = (await snapshot()).histograms;
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ family: 'request.duration', unit: 'seconds', help: 'Time to answer a request', files: 2, count: 200, interval: null });
    expect(first[0].sum).toBeCloseTo(20, 9);
    expect(first[0]).toMatchObject(expected([200, 0, 0, 0, 0]));
    expect(first[0].shown.p50).toMatch(/ms$/);

    // Only the second writer observes during the next interval.
    await served.writers[1].observe(Array(100).fill(1.5));
    const second = (await snapshot()).histograms[0];
    expect(second).toMatchObject({ count: 300, ...expected([200, 0, 0, 100, 0]) });
    expect(second.interval).toMatchObject({ count: 100, ...expected([0, 0, 0, 100, 0]) });
    expect(second.interval.p99).toBeGreaterThan(1);
    expect(second.interval.sum).toBeCloseTo(150, 9);
    expect(second.interval.seconds).toBeGreaterThan(0);

    const quiet = (await snapshot()).histograms[0];
    expect(quiet.interval).toMatchObject({ count: 0, p50: null, p90: null, p99: null });
    expect(quiet).toMatchObject({ count: 300 });
  }, 30000);

  test('a file whose histogram records do not form series is skipped with the reason, the others still served', async () => {
    const specs = histogramRecordSpecs('request.duration', BOUNDS).filter((spec) => !spec.label.endsWith('.count'));
    const bytes = encodeFile(specs, { metadata: [{ name: 'request.duration', kind: 'histogram', unit: 'seconds' }] }).bytes;
    fs.writeFileSync(path.join(served.dir, 'broken.mmstats'), bytes);
    const body = (await (await fetch(new URL('api/snapshot', served.server.url))).json()) as { skipped: unknown[]; histograms: unknown[] };
    expect(body.skipped).toEqual([{ file: 'broken.mmstats', error: expect.stringMatching(/^record 0 at 0x3: histogram: series .* lacks the count$/) }]);
    expect(body.histograms).toHaveLength(1);
    const metrics = await fetch(new URL('metrics', served.server.url));
    expect(metrics.status).toBe(200);
    const counts = [...(await metrics.text()).matchAll(/^request_duration_seconds_count\{pid="\d+",file="app-[^"]+"\} (\d+)$/gm)].map((match) => Number(match[1]));
    expect(counts.sort((a, b) => a - b)).toEqual([100, 200]);
  });
});
