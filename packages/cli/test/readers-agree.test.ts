// One known distribution, observed by 4 writer processes, read back by every reader: poll's
// quantile columns, slurp --json's per-file quantiles and the web API's merged ones agree with the
// true quantiles within the width of the bucket the true value falls in. (/metrics through a real
// Prometheus scraping two hosts is checked against the same kind of set in
// web/prometheus-histogram.test.ts.)
import { relativeBucketWidth } from '@mmstats/format';

import { runPoll } from '../src/commands/poll';
import { runSlurp } from '../src/commands/slurp';
import { memoryIo } from '../src/io';
import { startWebServer } from '../src/web/server';
import { makeTempDir, removeTempDir } from './util';
import { requireWriterBuild, startHistogramWriter, type HistogramWriter } from './web/helpers';

/** Explicit bounds every 10 ms up to 2 s: the bucket width, and so the tolerance, is known. */
const BOUNDS = Array.from({ length: 200 }, (_, i) => Math.round((i + 1) * 10) / 1000);
/** 4000 durations, skewed towards short ones, as request latencies are. */
const VALUES = Array.from({ length: 4000 }, (_, i) => 2 * ((i + 0.5) / 4000) ** 2);
const PROCESSES = 4;

/** The true q-quantile of `values`: the smallest value with at least q of them at or below it. */
function trueQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1];
}

/** Expects `estimate` within the width of the bucket of `truth` (relative to its lower bound). */
function expectNear(estimate: number, truth: number): void {
  expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(relativeBucketWidth(BOUNDS, truth) * truth + 1e-12);
}

describe('every reader against a known distribution in 4 processes', () => {
  let dir: string;
  const writers: HistogramWriter[] = [];
  // Each process observes a quarter of the values, the shortest to the first one: the quantiles of
  // the whole are far from any mean of the processes' own, so only an exact merge of buckets passes.
  const share = (k: number) => VALUES.slice((k * VALUES.length) / PROCESSES, ((k + 1) * VALUES.length) / PROCESSES);

  beforeAll(async () => {
    requireWriterBuild();
    dir = makeTempDir();
    for (let k = 0; k < PROCESSES; k++) writers.push(await startHistogramWriter(dir, `app${k}`, BOUNDS));
    await Promise.all(writers.map((writer, k) => writer.observe(share(k))));
  }, 30000);

  afterAll(async () => {
    await Promise.all(writers.map((writer) => writer.stop()));
    if (dir) removeTempDir(dir);
  });

  test('poll: p50 and p99 of the observations merged across the 4 processes', async () => {
    const io = memoryIo();
    const code = await runPoll({ fields: ['request.duration:p50', 'request.duration:p99', 'request.duration:count'], files: [dir], count: 1, json: true }, io);
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const [row] = io.out.trim().split('\n').map((line) => JSON.parse(line));
    expect(row.values['request.duration:count']).toBe(VALUES.length);
    expectNear(row.values['request.duration:p50'], trueQuantile(VALUES, 0.5));
    expectNear(row.values['request.duration:p99'], trueQuantile(VALUES, 0.99));
  });

  test('slurp --json: each file the quantiles of its own share', async () => {
    const io = memoryIo();
    expect(await runSlurp({ files: [dir], json: true }, io)).toBe(0);
    const files = JSON.parse(io.out).files as Array<{ file: string; histograms: Array<{ count: number; quantiles: Record<string, number> }> }>;
    expect(files).toHaveLength(PROCESSES);
    for (const file of files) {
      const k = Number(/app(\d)-/.exec(file.file)![1]);
      const [series] = file.histograms;
      expect(series.count).toBe(VALUES.length / PROCESSES);
      for (const [name, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const) expectNear(series.quantiles[name], trueQuantile(share(k), q));
    }
  });

  test('web API: the quantiles of the merged histogram', async () => {
    const server = await startWebServer({ scope: { directory: dir, pattern: '*.mmstats' }, port: 0 });
    try {
      const body = await (await fetch(new URL('api/snapshot', server.url))).json();
      const [series] = body.histograms;
      expect(series.count).toBe(VALUES.length);
      for (const [name, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const) expectNear(series[name], trueQuantile(VALUES, q));
    } finally {
      await server.close();
    }
  });
});
