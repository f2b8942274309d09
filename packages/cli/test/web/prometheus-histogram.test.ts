// Two hosts, as Prometheus sees them: two `mmstats web` servers on two loopback ports, each reading
// its own directory of writer processes that observe a known set of durations into a histogram.
// A real Prometheus scrapes both; the p99 it computes from their buckets with histogram_quantile
// agrees with the true p99 of the whole set within the bucket's width.
import { parseBound, relativeBucketWidth } from '@mmstats/format';

import { startWebServer, type WebServer } from '../../src/web/server';
import { makeTempDir, removeTempDir } from '../util';
import {
  eventually,
  haveProgram,
  PROMETHEUS,
  requireWriterBuild,
  startHistogramWriter,
  startPrometheus,
  type HistogramWriter,
  type PrometheusServer,
  type PromSample,
} from './helpers';

const describeWithPrometheus = haveProgram(PROMETHEUS, 'prometheus') ? describe : describe.skip;

/** The known distribution: 4000 durations spread evenly over (0 s, 2 s). */
const VALUES = Array.from({ length: 4000 }, (_, i) => ((i + 0.5) * 2) / 4000);
const PROCESSES_PER_HOST = 2;
const HOSTS = 2;

/** The true q-quantile of VALUES: the smallest value with at least q of them at or below it. */
function trueQuantile(q: number): number {
  const sorted = [...VALUES].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1];
}

const value = (samples: PromSample[] | undefined) => (samples === undefined ? undefined : Number(samples[0].value[1]));

describeWithPrometheus('Prometheus scraping two mmstats web hosts of histogram writers', () => {
  const dirs: string[] = [];
  const servers: WebServer[] = [];
  const writers: HistogramWriter[] = [];
  let prometheus: PrometheusServer;
  let promDir: string;

  beforeAll(async () => {
    requireWriterBuild();
    for (let host = 0; host < HOSTS; host++) {
      const dir = makeTempDir();
      dirs.push(dir);
      for (let n = 0; n < PROCESSES_PER_HOST; n++) writers.push(await startHistogramWriter(dir, 'app'));
      servers.push(await startWebServer({ scope: { directory: dir, pattern: '*.mmstats' }, port: 0 }));
    }
    const targets = servers.map((server) => `'${new URL(server.url).host}'`).join(', ');
    promDir = makeTempDir();
    prometheus = await startPrometheus(promDir, [
      '  - job_name: mmstats',
      `    static_configs: [{ targets: [${targets}] }]`,
      '  - job_name: mmstats-sum',
      '    params: { aggregate: [sum] }',
      `    static_configs: [{ targets: [${targets}] }]`,
    ]);
  }, 30000);

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all(servers.map((server) => server.close()));
    await Promise.all(writers.map((writer) => writer.stop()));
    for (const dir of [...dirs, promDir]) if (dir) removeTempDir(dir);
  });

  const log = () => `(Prometheus' log: ${prometheus.log() || 'empty'})`;

  test('histogram_quantile(0.99) of the buckets summed over both hosts is the true p99 within the bucket width', async () => {
    // Every process's empty histogram scraped first, per process and summed per host, so that rate()
    // sees the observations arrive.
    await eventually(
      () => `both hosts' empty histograms scraped ${log()}`,
      async () => {
        const perProcess = await prometheus.query('count(request_duration_seconds_count{job="mmstats"} == 0)');
        const perHost = await prometheus.query('count(request_duration_seconds_count{job="mmstats-sum"} == 0)');
        return value(perProcess) === HOSTS * PROCESSES_PER_HOST && value(perHost) === HOSTS ? true : undefined;
      },
      30000,
    );
    // Each process observes every fourth value, so each host holds half of the set.
    await Promise.all(writers.map((writer, k) => writer.observe(VALUES.filter((_, i) => i % writers.length === k))));
    for (const job of ['mmstats', 'mmstats-sum']) {
      await eventually(
        () => `Prometheus to scrape all ${VALUES.length} observations in job ${job} ${log()}`,
        async () => (value(await prometheus.query(`sum(request_duration_seconds_count{job="${job}"})`)) === VALUES.length ? true : undefined),
        30000,
      );
    }

    // The merged buckets are exact: each cumulative count is the number of values at or below its bound.
    const buckets = (await prometheus.query('sum by (le) (request_duration_seconds_bucket{job="mmstats"})'))!;
    const cumulative = buckets.map((sample) => [parseBound(sample.metric.le)!, Number(sample.value[1])] as const).sort((a, b) => a[0] - b[0]);
    expect(cumulative.map(([bound, count]) => [bound, count])).toEqual(cumulative.map(([bound]) => [bound, VALUES.filter((v) => v <= bound).length]));
    const bounds = cumulative.map(([bound]) => bound);

    const p99 = trueQuantile(0.99);
    const tolerance = relativeBucketWidth(bounds, p99) * p99;
    expect(tolerance).toBeLessThan(0.05 * p99);
    for (const job of ['mmstats', 'mmstats-sum']) {
      const estimate = value(await prometheus.query(`histogram_quantile(0.99, sum by (le) (rate(request_duration_seconds_bucket{job="${job}"}[10m])))`));
      expect(Math.abs(estimate! - p99)).toBeLessThanOrEqual(tolerance);
    }
    expect(value(await prometheus.query('count(up{job="mmstats"} == 1)'))).toBe(HOSTS);
  }, 120000);
});
