// A real Prometheus server (Debian's `prometheus`) scrapes `mmstats web` on loopback; the values
// of real writer processes are read back through Prometheus' HTTP query API.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { startWebServer, type WebServer } from '../../src/web/server';
import { makeTempDir, removeTempDir, writeStatsFile } from '../util';
import { eventually, haveProgram, requireWriterBuild, startWriter, type Writer } from './helpers';

const PROMETHEUS = '/usr/bin/prometheus';

const available = haveProgram(PROMETHEUS, 'prometheus');
const describeWithPrometheus = available ? describe : describe.skip;

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

describeWithPrometheus('Prometheus scraping mmstats web', () => {
  let dir: string;
  let server: WebServer;
  let prometheus: ChildProcess;
  let prometheusUrl: string;
  let prometheusLog = '';
  const writers: Writer[] = [];

  beforeAll(async () => {
    requireWriterBuild();
    dir = makeTempDir();
    writers.push(await startWriter(dir, 'jobs'), await startWriter(dir, 'jobs'));
    // Names that end like the suffixes OpenMetrics gives special meaning, and two labels that share a name.
    writeStatsFile(dir, 'names.mmstats', [
      { label: 'requests_total', signature: 'Q', buffered: true, initial: 5 },
      { label: 'start.created', signature: 'd', buffered: true, initial: 1.5 },
      { label: 'queue.info', signature: 'I', buffered: true, initial: 3 },
      { label: 'queue-info', signature: 'I', buffered: true, initial: 4 },
      { label: 'note', signature: '16s', buffered: false, initial: 'say "hi"\\' },
    ]);
    server = await startWebServer({ scope: { directory: dir, pattern: '*.mmstats' }, port: 0 });
    const target = new URL(server.url).host;
    const config = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 900ms',
        'scrape_configs:',
        '  - job_name: mmstats',
        `    static_configs: [{ targets: ['${target}'] }]`,
        '  - job_name: mmstats-sum',
        "    params: { aggregate: [sum], strings: ['1'] }",
        `    static_configs: [{ targets: ['${target}'] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(PROMETHEUS, [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    prometheus.stderr!.on('data', (chunk) => (prometheusLog += chunk));
    prometheus.stdout!.resume();
  }, 30000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once('exit', resolve));
      prometheus.kill('SIGTERM');
      const timer = setTimeout(() => prometheus.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await server?.close();
    await Promise.all(writers.map((writer) => writer.stop()));
    if (dir) removeTempDir(dir);
  });

  async function query(promql: string): Promise<PromSample[] | undefined> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    if (!response.ok) return undefined;
    const body = (await response.json()) as { data: { result: PromSample[] } };
    return body.data.result.length > 0 ? body.data.result : undefined;
  }

  test("each writer's counter reads back with its pid and file; the sum series too", async () => {
    const samples = await eventually(
      () => `Prometheus to scrape both writers (its log: ${prometheusLog || 'empty'})`,
      async () => {
        const result = await query('mmstats_jobs_done{job="mmstats"}');
        return result && result.length === 2 ? result : undefined;
      },
      25000,
    );
    const byPid = new Map(samples.map((sample) => [Number(sample.metric.pid), sample]));
    for (const writer of writers) {
      const sample = byPid.get(writer.pid)!;
      expect(sample.metric.file).toBe(path.basename(writer.file));
      expect(Number(sample.value[1])).toBeGreaterThan(0);
    }
    const sum = await eventually('the :sum series', () => query('mmstats_jobs_up:sum'), 15000);
    expect(sum.map((sample) => sample.value[1])).toEqual(['2']);
    // A scrape that Prometheus could not parse would have up == 0.
    const up = await query('up');
    expect(up?.map((sample) => [sample.metric.job, sample.value[1]]).sort()).toEqual([['mmstats', '1'], ['mmstats-sum', '1']]);
    expect((await query('mmstats_requests_total{job="mmstats"}'))?.map((sample) => sample.value[1])).toEqual(['5']);
    expect((await query('mmstats_start_created{job="mmstats"}'))?.map((sample) => sample.value[1])).toEqual(['1.5']);
    const shared = await query('mmstats_queue_info{job="mmstats"}');
    expect(shared?.map((sample) => [sample.metric.label, sample.value[1]]).sort()).toEqual([['queue-info', '4'], ['queue.info', '3']]);
    const note = await query('mmstats_note_info{job="mmstats-sum"}');
    expect(note?.map((sample) => sample.metric.value)).toEqual(['say "hi"\\']);
  }, 45000);
});
