// A real Prometheus server (Debian's `prometheus`) scrapes `mmstats web` on loopback (in
// OpenMetrics, which it prefers); the values of real writer processes, a labelled counter among
// them, are read back through Prometheus' HTTP query API.
import { startWebServer, type WebServer } from '../../src/web/server';
import { makeTempDir, removeTempDir, writeStatsFile } from '../util';
import { eventually, haveProgram, PROMETHEUS, requireWriterBuild, startAppWriter, startPrometheus, type AppWriter, type PrometheusServer, type PromSample } from './helpers';

const available = haveProgram(PROMETHEUS, 'prometheus');
const describeWithPrometheus = available ? describe : describe.skip;

describeWithPrometheus('Prometheus scraping mmstats web', () => {
  let dir: string;
  let server: WebServer;
  let prometheus: PrometheusServer;
  let first: AppWriter;
  let second: AppWriter;

  beforeAll(async () => {
    requireWriterBuild();
    dir = makeTempDir();
    first = await startAppWriter(dir, 'app');
    second = await startAppWriter(dir, 'app');
    await first.serve([['/a', '2xx', 5], ['/b', '2xx', 2]]);
    await second.serve([['/a', '2xx', 3], ['/a', '5xx', 1]]);
    // A file without metadata: names that end like the suffixes OpenMetrics gives special meaning,
    // and two labels that share a name.
    writeStatsFile(dir, 'names.mmstats', [
      { label: 'requests_total', signature: 'Q', buffered: true, initial: 5 },
      { label: 'start.created', signature: 'd', buffered: true, initial: 1.5 },
      { label: 'queue.info', signature: 'I', buffered: true, initial: 3 },
      { label: 'queue-info', signature: 'I', buffered: true, initial: 4 },
      { label: 'note', signature: '16s', buffered: false, initial: 'say "hi"\\' },
    ]);
    server = await startWebServer({ scope: { directory: dir, pattern: '*.mmstats' }, port: 0 });
    const target = new URL(server.url).host;
    prometheus = await startPrometheus(dir, [
      '  - job_name: mmstats',
      `    static_configs: [{ targets: ['${target}'] }]`,
      '  - job_name: mmstats-sum',
      "    params: { aggregate: [sum], strings: ['1'] }",
      `    static_configs: [{ targets: ['${target}'] }]`,
    ]);
  }, 30000);

  afterAll(async () => {
    await prometheus?.stop();
    await server?.close();
    await Promise.all([first, second].map((writer) => writer?.stop()));
    if (dir) removeTempDir(dir);
  });

  const queryAt = (promql: string, time?: string) => prometheus.query(promql, time);
  const query = (promql: string) => queryAt(promql);

  /** `{route/status/pid: value}` of an instant vector. */
  function byLabels(samples: PromSample[] | undefined, ...names: string[]): Record<string, number> {
    return Object.fromEntries((samples ?? []).map((sample) => [names.map((name) => sample.metric[name]).join(' '), Number(sample.value[1])]));
  }

  /** Waits until Prometheus has scraped `http_requests_total` with these per-process values. */
  async function scraped(expected: Record<string, number>): Promise<void> {
    await eventually(
      () => `Prometheus to scrape ${JSON.stringify(expected)} (its log: ${prometheus.log() || 'empty'})`,
      async () => {
        const values = byLabels(await query('http_requests_total{job="mmstats"}'), 'pid', 'route', 'status');
        return JSON.stringify(values) === JSON.stringify(expected) ? true : undefined;
      },
      25000,
    );
  }

  const before = () => ({
    [`${first.pid} /a 2xx`]: 5,
    [`${first.pid} /b 2xx`]: 2,
    [`${second.pid} /a 2xx`]: 3,
    [`${second.pid} /a 5xx`]: 1,
  });

  test('a labelled counter reads back per process, summed by route, and summed by the aggregate=sum job', async () => {
    await scraped(before());
    // A scrape that Prometheus could not parse would have up == 0.
    const up = await eventually('both jobs scraped', async () => {
      const jobs = byLabels(await query('up'), 'job');
      return Object.keys(jobs).length === 2 ? jobs : undefined;
    });
    expect(up).toEqual({ mmstats: 1, 'mmstats-sum': 1 });
    expect(byLabels(await query('sum by (route) (http_requests_total{job="mmstats"})'), 'route')).toEqual({ '/a': 9, '/b': 2 });
    const summed = await eventually('the summed series', () => query('http_requests_total{job="mmstats-sum"}'), 15000);
    expect(byLabels(summed, 'route', 'status', 'pid')).toEqual({ '/a 2xx ': 8, '/b 2xx ': 2, '/a 5xx ': 1 });
    const facts = await query('mmstats_process_info{job="mmstats"}');
    expect(facts?.map((sample) => [Number(sample.metric.pid), sample.metric.version, sample.value[1]]).sort()).toEqual(
      [[first.pid, `node ${process.version}`, '1'], [second.pid, `node ${process.version}`, '1']].sort(),
    );
    // A file without metadata keeps untyped names.
    expect((await query('requests_total{job="mmstats"}'))?.map((sample) => sample.value[1])).toEqual(['5']);
    expect((await query('start_created{job="mmstats"}'))?.map((sample) => sample.value[1])).toEqual(['1.5']);
    const shared = await query('queue_info{job="mmstats"}');
    expect(shared?.map((sample) => [sample.metric.label, sample.value[1]]).sort()).toEqual([['queue-info', '4'], ['queue.info', '3']]);
    const note = await query('note_info{job="mmstats-sum"}');
    expect(note?.map((sample) => sample.metric.value)).toEqual(['say "hi"\\']);
  }, 60000);

  test('rate() of the labelled counter, and its sum by route, are what the writers added per second', async () => {
    await scraped(before());
    await first.serve([['/a', '2xx', 30], ['/b', '2xx', 4]]);
    await second.serve([['/a', '2xx', 12]]);
    const after = { ...before(), [`${first.pid} /a 2xx`]: 35, [`${first.pid} /b 2xx`]: 6, [`${second.pid} /a 2xx`]: 15 };
    await scraped(after);
    // Every series of one target shares the scrape times: the last scrape that saw the old
    // values everywhere, and the first that saw the new ones everywhere.
    const raw = await query('http_requests_total{job="mmstats"}[5m]');
    const series = (raw as unknown as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>).map((s) => ({
      key: `${s.metric.pid} ${s.metric.route} ${s.metric.status}`,
      values: new Map(s.values.map(([time, value]) => [Math.round(time * 1000), Number(value)])),
    }));
    const times = [...series[0].values.keys()].sort((a, b) => a - b);
    const allAt = (time: number, values: Record<string, number>) => series.every((s) => s.values.get(time) === values[s.key]);
    const oldTime = times.filter((time) => allAt(time, before())).pop()!;
    const newTime = times.find((time) => allAt(time, after))!;
    expect(newTime).toBeGreaterThan(oldTime);
    // A window from just before the old scrape to the new one: Prometheus extrapolates by that
    // millisecond and divides by it again, so rate() is exactly the growth over the time between.
    const window = newTime - oldTime + 1;
    const at = (newTime / 1000).toFixed(3);
    const seconds = (newTime - oldTime) / 1000;
    const rates = byLabels(await queryAt(`rate(http_requests_total{job="mmstats"}[${window}ms])`, at), 'pid', 'route', 'status');
    expect(rates[`${first.pid} /a 2xx`]).toBeCloseTo(30 / seconds, 9);
    expect(rates[`${first.pid} /b 2xx`]).toBeCloseTo(4 / seconds, 9);
    expect(rates[`${second.pid} /a 2xx`]).toBeCloseTo(12 / seconds, 9);
    expect(rates[`${second.pid} /a 5xx`]).toBe(0);
    const byRoute = byLabels(await queryAt(`sum by (route) (rate(http_requests_total{job="mmstats"}[${window}ms]))`, at), 'route');
    expect(byRoute['/a']).toBeCloseTo(42 / seconds, 9);
    expect(byRoute['/b']).toBeCloseTo(4 / seconds, 9);
    expect(byLabels(await queryAt('sum by (route) (http_requests_total{job="mmstats"})', at), 'route')).toEqual({ '/a': 51, '/b': 6 });
  }, 60000);
});
