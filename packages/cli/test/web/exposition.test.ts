import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { decodeFile, decodeMetadata, encodeFile, histogramRecordSpecs, histogramsOf, meaningsOf, type FamilyMeta, type RecordSpec } from '@mmstats/format';

import type { StatsFile } from '../../src/web/collect';
import { escapeHelp, escapeLabelValue, formatSampleValue, metricName, prefersOpenMetrics, renderExposition } from '../../src/web/prometheus';
import { factLabelName, unitSuffix } from '../../src/web/metric-families';
import { UsageError } from '../../src/errors';
import { checkMetricsPrefix } from '../../src/web/server';
import { serveWriters, startAppWriter, type AppWriter, type ServedWriters } from './helpers';

/** A file as the server reads it: records (and metadata, if given) encoded and decoded through @mmstats/format. */
function statsFile(file: string, pid: number | undefined, specs: RecordSpec[], metadata?: FamilyMeta[]): StatsFile {
  const bytes = encodeFile(specs, metadata ? { metadata } : {}).bytes;
  const records = decodeFile(bytes);
  const meta = decodeMetadata(bytes);
  const layout = records.map((record) => record.layout);
  return { file, pid, records, unstable: [], meanings: meaningsOf(layout, meta), histograms: histogramsOf(layout, meta, records, file).series };
}

const counter = (label: string, value: number | bigint): RecordSpec => ({ label, signature: 'Q', buffered: true, initial: value });
const double = (label: string, value: number): RecordSpec => ({ label, signature: 'd', buffered: true, initial: value });
const text = (label: string, value: string): RecordSpec => ({ label, signature: '32s', buffered: false, initial: value });
const bool = (label: string, value: boolean): RecordSpec => ({ label, signature: '?', buffered: true, initial: value });

const PROMTOOL = '/usr/bin/promtool';

/** `promtool check metrics` (from the Debian prometheus package) on an exposition, when installed. */
function promtoolProblems(exposition: string): string | undefined {
  if (!fs.existsSync(PROMTOOL)) return undefined;
  const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  // Exit 3 is "lint warnings only" (naming advice such as "counters should end in _total"); 1 is a parse error.
  return result.status === 1 ? result.stdout + result.stderr : undefined;
}

describe('metric names', () => {
  test('the label with every other character turned into _, runs collapsed, no fixed prefix', () => {
    expect(metricName('web.stats.status.2XX')).toBe('web_stats_status_2XX');
    expect(metricName('a-b..c:d e')).toBe('a_b_c_d_e');
    expect(metricName('.leading')).toBe('leading');
    expect(metricName('2fast')).toBe('_2fast');
    expect(metricName('naïve→λ')).toBe('na_ve_');
    expect(metricName('http.requests', 'mmstats_')).toBe('mmstats_http_requests');
    for (const label of ['x', '...', '🙂', 'a"b\\c\nd', '__proto__', '9', '']) expect(metricName(label)).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
  });

  test('units give the suffix OpenMetrics requires; a time since the epoch is _timestamp_seconds', () => {
    expect(unitSuffix('seconds')).toEqual({ suffix: '_seconds', unit: 'seconds' });
    expect(unitSuffix('epoch_seconds')).toEqual({ suffix: '_timestamp_seconds', unit: 'seconds' });
    expect(unitSuffix('bytes')).toEqual({ suffix: '_bytes', unit: 'bytes' });
  });

  test('process facts: sys. dropped, the runtime version as version', () => {
    expect(factLabelName('sys.tid')).toBe('tid');
    expect(factLabelName('sys.ns.pid')).toBe('ns_pid');
    expect(factLabelName('org.nodejs.version')).toBe('version');
    expect(factLabelName('org.python.version')).toBe('version');
    expect(factLabelName('app.build')).toBe('app_build');
  });
});

describe('escaping', () => {
  test('label values escape backslash, double quote and line feed', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  test('HELP escapes backslash and line feed, and the double quote only in OpenMetrics', () => {
    expect(escapeHelp('a\\b"c\nd', false)).toBe('a\\\\b"c\\nd');
    expect(escapeHelp('a\\b"c\nd', true)).toBe('a\\\\b\\"c\\nd');
 
  });

  test('HELP passes no control byte through: ESC, BEL, CR and the rest show as text', () => {
    expect(escapeHelp('a\x1b]0;x\x07\r\x00b', false)).toBe('a\\\\x1b]0;x\\\\x07\\\\r\\\\x00b');
    const exposition = renderExposition([statsFile('a.mmstats', undefined, [{ label: 'x\x1b[2Jy', signature: 'Q', buffered: true, initial: 1 }])]);
    expect(exposition).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(exposition).toContain('# HELP x_2Jy mmstats label x\\\\x1b[2Jy\n');
  });

  test('sample values: integers in full, +Inf/-Inf/NaN, booleans 1 and 0', () => {
    expect(formatSampleValue(2n ** 64n)).toBe('18446744073709551616');
    expect(formatSampleValue(0.1)).toBe('0.1');
    expect(formatSampleValue(Infinity)).toBe('+Inf');
    expect(formatSampleValue(-Infinity)).toBe('-Inf');
    expect(formatSampleValue(NaN)).toBe('NaN');
    expect(formatSampleValue(true)).toBe('1');
    expect(formatSampleValue(false)).toBe('0');
  });
});

describe('content negotiation', () => {
  test("OpenMetrics when the Accept header prefers it, as Prometheus' does; else the text format", () => {
    const prometheus = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    expect(prefersOpenMetrics(prometheus)).toBe(true);
    expect(prefersOpenMetrics('application/openmetrics-text; version=1.0.0')).toBe(true);
    expect(prefersOpenMetrics(undefined)).toBe(false);
    expect(prefersOpenMetrics('*/*')).toBe(false);
    expect(prefersOpenMetrics('text/plain;version=0.0.4')).toBe(false);
    expect(prefersOpenMetrics('text/plain, application/openmetrics-text;q=0.5')).toBe(false);
    expect(prefersOpenMetrics('application/openmetrics-text;q=0')).toBe(false);
  });
});


const PYTHON = '/usr/bin/python3';
const OPENMETRICS_CHECK = path.join(__dirname, 'fixtures', 'check-openmetrics.py');

interface ParsedFamily {
  name: string;
  type: string;
  unit: string;
  samples: Array<{ name: string; labels: Record<string, string>; value: string }>;
}

/**
 * The families the strict OpenMetrics parser of Debian's python3-prometheus-client reads from an
 * exposition (promtool 2.42 knows only the text format 0.0.4); throws its parse error.
 */
function parseOpenMetrics(exposition: string): ParsedFamily[] {
  const result = spawnSync(PYTHON, [OPENMETRICS_CHECK], { input: exposition, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`OpenMetrics parser: ${result.stderr}${result.error ?? ''}\n${exposition}`);
  return JSON.parse(result.stdout);
}

const haveOpenMetricsParser = spawnSync(PYTHON, ['-c', 'import prometheus_client'], { encoding: 'utf8' }).status === 0;
if (!haveOpenMetricsParser) {
  const message = 'python3-prometheus-client is missing: install the Debian package python3-prometheus-client to check OpenMetrics';
  if (process.env.CI) throw new Error(message);
  console.warn(`skipped: ${message}`);
}
const testWithParser = haveOpenMetricsParser ? test : test.skip;

/** Both formats checked: promtool on the text format, the OpenMetrics parser on OpenMetrics. */
function checkBoth(files: StatsFile[], options: { sum?: boolean; strings?: boolean; prefix?: string } = {}): { text: string; openMetrics: string } {
  const text = renderExposition(files, options);
  const openMetrics = renderExposition(files, { ...options, openMetrics: true });
  expect(promtoolProblems(text)).toBeUndefined();
  if (haveOpenMetricsParser) parseOpenMetrics(openMetrics);
  return { text, openMetrics };
}

describe('files without metadata', () => {
  const files = [
    statsFile('web-1.mmstats', 101, [counter('sys.pid', 101), counter('http.requests', 7), double('load', 0.25), bool('up', true), text('status', 'serving')]),
    statsFile('web-2.mmstats', 102, [counter('sys.pid', 102), counter('http.requests', 2n ** 63n), double('load', 1), bool('up', false)]),
  ];

  test('untyped, one sample per file with pid and file labels; HELP names the label; strings left out by default', () => {
    const { text, openMetrics } = checkBoth(files);
    expect(text).toContain(
      '# HELP http_requests mmstats label http.requests\n' +
        '# TYPE http_requests untyped\n' +
        'http_requests{pid="101",file="web-1.mmstats"} 7\n' +
        'http_requests{pid="102",file="web-2.mmstats"} 9223372036854775808\n',
    );
    expect(text).toContain('up{pid="101",file="web-1.mmstats"} 1\nup{pid="102",file="web-2.mmstats"} 0\n');
    expect(text).not.toContain('serving');
    expect(text).not.toContain('# EOF');
    expect(openMetrics).toContain('# TYPE load unknown\n');
    expect(openMetrics.endsWith('up{pid="102",file="web-2.mmstats"} 0\n# EOF\n')).toBe(true);
  });

  test('strings=1: an _info sample per file with the text as the escaped value label', () => {
    const hostile = [statsFile('x.mmstats', undefined, [text('motd', 'say "hi"\\\n<b>')])];
    const { text: text1 } = checkBoth(hostile, { strings: true });
    expect(text1).toContain('motd_info{file="x.mmstats",value="say \\"hi\\"\\\\\\n<b>"} 1\n');
  });

  test('aggregate=sum: one sample per label summed over every file, under the same name, never a colon', () => {
    const { text } = checkBoth(files, { sum: true });
    expect(text).toContain('# TYPE http_requests untyped\nhttp_requests 9223372036854775815\n');
    expect(text).toContain('load 1.25\n');
    expect(text).toContain('up 1\n');
    expect(text).not.toContain(':');
  });

  test('labels that sanitise to one name share a family, told apart by a label label; duplicates are dropped', () => {
    // The encoder refuses a label twice in one file, but a reader may still meet such a file.
    const once = statsFile('a.mmstats', 7, [double('a.b', 1), double('a-b', 2)]);
    const again = statsFile('a.mmstats', 7, [double('a.b', 3)]);
    const clash = [{ ...once, records: [...once.records, ...again.records], meanings: [...once.meanings, ...again.meanings] }];
    expect(checkBoth(clash).openMetrics).toBe(
      '# HELP a_b mmstats labels a.b, a-b\n' +
        '# TYPE a_b unknown\n' +
        'a_b{pid="7",file="a.mmstats",label="a.b"} 1\n' +
        'a_b{pid="7",file="a.mmstats",label="a-b"} 2\n' +
        '# EOF\n',
    );
  });

  test('a string never shares a family with a number, and never counts in a sum', () => {
    const mixed = [
      statsFile('a.mmstats', 7, [counter('req_info', 5), text('req', 'GET /'), counter('req_info_info', 1)]),
      statsFile('b.mmstats', 8, [counter('req_info', 6), text('req', 'POST /')]),
    ];
    const { text: text1 } = checkBoth(mixed, { strings: true, sum: true });
    expect(text1).toContain('# TYPE req_info untyped\nreq_info 11\n');
    expect(text1).toContain('# TYPE req_info_info untyped\nreq_info_info 1\n');
    expect(text1).toContain(
      '# HELP req_info_2 mmstats label req (text in the value label)\n' +
        '# TYPE req_info_2 untyped\n' +
        'req_info_2{pid="7",file="a.mmstats",value="GET /"} 1\n' +
        'req_info_2{pid="8",file="b.mmstats",value="POST /"} 1\n',
    );
  });

  test('NaN and infinities are spelled as Prometheus reads them', () => {
    const { text } = checkBoth([statsFile('f.mmstats', 1, [double('a', NaN), double('b', Infinity), double('c', -Infinity)])]);
    expect(text).toMatch(/^a\{[^}]*\} NaN$/m);
    expect(text).toMatch(/^b\{[^}]*\} \+Inf$/m);
    expect(text).toMatch(/^c\{[^}]*\} -Inf$/m);
  });

  test('no files: an empty exposition (OpenMetrics: just # EOF)', () => {
    expect(renderExposition([])).toBe('');
    expect(renderExposition([], { openMetrics: true })).toBe('# EOF\n');
  });
});

describe('files with metadata', () => {
  const meta: FamilyMeta[] = [
    { name: 'sys.pid', kind: 'constant' },
    { name: 'org.nodejs.version', kind: 'constant' },
    { name: 'http.requests', kind: 'counter', help: 'Requests answered', labels: ['route', 'status'] },
    { name: 'http.last_hit', kind: 'gauge', unit: 'epoch_seconds', help: 'When the last request arrived' },
    { name: 'http.request_time', kind: 'timer', help: 'Time to answer' },
    { name: 'mem.heap', kind: 'gauge', unit: 'bytes', aggregate: 'max' },
    { name: 'queue.depth', kind: 'gauge' },
    { name: 'app.status', kind: 'text' },
  ];
  const app = (file: string, pid: number, a: number, b: number) =>
    statsFile(
      file,
      pid,
      [
        counter('sys.pid', pid),
        text('org.nodejs.version', 'node v20.1.0'),
        counter('http.requests{route="/a",status="2xx"}', a),
        counter('http.requests{route="/b",status="5xx"}', b),
        double('http.last_hit', 1795214358.5 + pid),
        double('http.request_time', 0.004),
        double('mem.heap', 1000 * pid),
        counter('queue.depth', 3),
        text('app.status', 'serving'),
      ],
      meta,
    );
  const files = [app('web-1.mmstats', 101, 5, 1), app('web-2.mmstats', 102, 7, 0)];

  test('counters typed counter with _total; series labels as Prometheus labels; HELP from the help text', () => {
    const { text, openMetrics } = checkBoth(files);
    expect(text).toContain(
      '# HELP http_requests_total Requests answered\n' +
        '# TYPE http_requests_total counter\n' +
        'http_requests_total{pid="101",file="web-1.mmstats",route="/a",status="2xx"} 5\n' +
        'http_requests_total{pid="101",file="web-1.mmstats",route="/b",status="5xx"} 1\n' +
        'http_requests_total{pid="102",file="web-2.mmstats",route="/a",status="2xx"} 7\n',
    );
    expect(openMetrics).toContain('# HELP http_requests Requests answered\n# TYPE http_requests counter\nhttp_requests_total{pid="101"');
  });

  test('gauges, timers and averages are gauges, named with their unit; OpenMetrics declares the unit', () => {
    const { text, openMetrics } = checkBoth(files);
    expect(text).toContain('# TYPE http_last_hit_timestamp_seconds gauge\nhttp_last_hit_timestamp_seconds{pid="101",file="web-1.mmstats"} 1795214459.5\n');
    expect(text).toContain('# TYPE http_request_time_seconds gauge\n');
    expect(text).toContain('# TYPE mem_heap_bytes gauge\n');
    expect(text).toContain('# TYPE queue_depth gauge\n');
    expect(text).not.toContain('# UNIT');
    expect(openMetrics).toContain('# TYPE http_last_hit_timestamp_seconds gauge\n# UNIT http_last_hit_timestamp_seconds seconds\n');
    expect(openMetrics).toContain('# TYPE http_request_time_seconds gauge\n# UNIT http_request_time_seconds seconds\n');
    expect(openMetrics).toContain('# UNIT mem_heap_bytes bytes\n');
  });

  testWithParser('the OpenMetrics parser reads the types, units and labels', () => {
    const parsed = parseOpenMetrics(renderExposition(files, { openMetrics: true, strings: true }));
    const byName = new Map(parsed.map((family) => [family.name, family]));
    expect(byName.get('http_requests')).toMatchObject({ type: 'counter', unit: '' });
    expect(byName.get('http_requests')!.samples.map((sample) => [sample.name, sample.labels.route, sample.value])).toEqual([
      ['http_requests_total', '/a', '5'],
      ['http_requests_total', '/b', '1'],
      ['http_requests_total', '/a', '7'],
      ['http_requests_total', '/b', '0'],
    ]);
    expect(byName.get('http_last_hit_timestamp_seconds')).toMatchObject({ type: 'gauge', unit: 'seconds' });
    expect(byName.get('app_status')).toMatchObject({ type: 'info' });
    expect(byName.get('mmstats_process')).toMatchObject({ type: 'info' });
  });

  test('constants form one mmstats_process_info sample per file, not gauges', () => {
    const { text, openMetrics } = checkBoth(files);
    expect(text).toContain(
      '# TYPE mmstats_process_info gauge\n' +
        'mmstats_process_info{pid="101",file="web-1.mmstats",version="node v20.1.0"} 1\n' +
        'mmstats_process_info{pid="102",file="web-2.mmstats",version="node v20.1.0"} 1\n',
    );
    expect(openMetrics).toContain('# TYPE mmstats_process info\nmmstats_process_info{pid="101"');
    expect(text).not.toMatch(/^sys_pid/m);
  });

  test('text: an info family with strings=1, left out without', () => {
    expect(renderExposition(files)).not.toContain('app_status');
    const { text, openMetrics } = checkBoth(files, { strings: true });
    expect(text).toContain('# TYPE app_status_info gauge\napp_status_info{pid="101",file="web-1.mmstats",value="serving"} 1\n');
    expect(openMetrics).toContain('# TYPE app_status info\napp_status_info{pid="101"');
  });

  test('aggregate=sum sums counters and sum gauges per series, leaves the others per process, never a colon', () => {
    const { text } = checkBoth(files, { sum: true });
    expect(text).toContain('# TYPE http_requests_total counter\nhttp_requests_total{route="/a",status="2xx"} 12\nhttp_requests_total{route="/b",status="5xx"} 1\n');
    expect(text).toContain('queue_depth 6\n');
    // max, mean and timestamps are not sums: each process keeps its own sample.
    expect(text).toContain('mem_heap_bytes{pid="101",file="web-1.mmstats"} 101000\n');
    expect(text).toContain('http_last_hit_timestamp_seconds{pid="102",file="web-2.mmstats"} 1795214460.5\n');
    expect(text).toContain('http_request_time_seconds{pid="101",file="web-1.mmstats"} 0.004\n');
    expect(text).toContain('mmstats_process_info{pid="101"');
    expect(text).not.toMatch(/^[^#]*:/m);
  });

  test('a prefix goes before every name', () => {
    const { text } = checkBoth(files, { prefix: 'app_' });
    expect(text).toContain('app_http_requests_total{');
    expect(text).toContain('app_mmstats_process_info{');
    expect(text).not.toMatch(/^http_/m);
  });

  test('series labels that would take a name the exposition sets, or a reserved one, are renamed', () => {
    const hostile = statsFile('h.mmstats', 9, [counter('jobs{file="x",__name__="y",pid="1",route="a\\\\b\\"c\\nd"}', 1)], [{ name: 'jobs', kind: 'counter', labels: ['file'] }]);
    const { text } = checkBoth([hostile]);
    expect(text).toContain('jobs_total{pid="9",file="h.mmstats",exported_file="x",exported___name__="y",exported_pid="1",route="a\\\\b\\"c\\nd"} 1\n');
  });

  test('a typed and an untyped family of one name never share it: the later one is renamed', () => {
    const old = statsFile('old.mmstats', 5, [counter('queue.depth', 1), counter('http.requests_total', 2)]);
    const { text } = checkBoth([...files, old]);
    expect(text).toContain('# TYPE queue_depth gauge\n');
    expect(text).toContain('# TYPE queue_depth_2 untyped\nqueue_depth_2{pid="5",file="old.mmstats"} 1\n');
    expect(text).toContain('# TYPE http_requests_total_2 untyped\nhttp_requests_total_2{pid="5",file="old.mmstats"} 2\n');
  });
});

describe('histograms', () => {
  const meta: FamilyMeta[] = [
    { name: 'sys.pid', kind: 'constant' },
    { name: 'http.duration', kind: 'histogram', unit: 'seconds', help: 'Time to answer', labels: ['route'] },
  ];
  /** A file whose `/a` series holds `buckets` (per bucket, as stored) and whose count record says `count`. */
  const app = (file: string, pid: number, buckets: number[], count: number, sum: number) => {
    const specs = histogramRecordSpecs('http.duration', [0.1, 1], ['route'], ['/a']);
    const values = [...buckets, count, sum];
    return statsFile(file, pid, [counter('sys.pid', pid), ...specs.map((spec, i) => ({ ...spec, initial: values[i] }))], meta);
  };
  // The first copy caught an observe() between its bucket and its count: the buckets hold one more.
  const files = [app('web-1.mmstats', 101, [2, 1, 0], 2, 0.75), app('web-2.mmstats', 102, [1, 0, 3], 4, 30)];

  test('typed histogram: cumulative _bucket with le, _count equal to the +Inf bucket, _sum, per process, named with the unit', () => {
    const { text, openMetrics } = checkBoth(files);
    expect(text).toContain(
      '# HELP http_duration_seconds Time to answer\n' +
        '# TYPE http_duration_seconds histogram\n' +
        'http_duration_seconds_bucket{pid="101",file="web-1.mmstats",route="/a",le="0.1"} 2\n' +
        'http_duration_seconds_bucket{pid="101",file="web-1.mmstats",route="/a",le="1"} 3\n' +
        'http_duration_seconds_bucket{pid="101",file="web-1.mmstats",route="/a",le="+Inf"} 3\n' +
        'http_duration_seconds_count{pid="101",file="web-1.mmstats",route="/a"} 3\n' +
        'http_duration_seconds_sum{pid="101",file="web-1.mmstats",route="/a"} 0.75\n' +
        'http_duration_seconds_bucket{pid="102",file="web-2.mmstats",route="/a",le="0.1"} 1\n',
    );
    expect(text).not.toMatch(/http_duration_(bucket|count|sum)/);
    expect(openMetrics).toContain('# TYPE http_duration_seconds histogram\n# UNIT http_duration_seconds seconds\nhttp_duration_seconds_bucket{');
  });

  test('aggregate=sum merges the series of every process bucket by bucket, without pid and file', () => {
    const { text } = checkBoth(files, { sum: true });
    expect(text).toContain(
      '# TYPE http_duration_seconds histogram\n' +
        'http_duration_seconds_bucket{route="/a",le="0.1"} 3\n' +
        'http_duration_seconds_bucket{route="/a",le="1"} 4\n' +
        'http_duration_seconds_bucket{route="/a",le="+Inf"} 7\n' +
        'http_duration_seconds_count{route="/a"} 7\n' +
        'http_duration_seconds_sum{route="/a"} 30.75\n',
    );
  });

  testWithParser('the OpenMetrics parser reads a histogram family', () => {
    const parsed = parseOpenMetrics(renderExposition(files, { openMetrics: true }));
    const family = parsed.find((f) => f.name === 'http_duration_seconds');
    expect(family).toMatchObject({ type: 'histogram', unit: 'seconds' });
    expect(family!.samples.filter((sample) => sample.labels.pid === '102').map((sample) => [sample.name, sample.labels.le, sample.value])).toEqual([
      ['http_duration_seconds_bucket', '0.1', '1'],
      ['http_duration_seconds_bucket', '1', '1'],
      ['http_duration_seconds_bucket', '+Inf', '4'],
      ['http_duration_seconds_count', undefined, '4'],
      ['http_duration_seconds_sum', undefined, '30'],
    ]);
  });
});

describe('/metrics of real writer processes', () => {
  let served: ServedWriters<AppWriter>;

  beforeAll(async () => {
    served = await serveWriters(async (dir) => {
      const writers = [await startAppWriter(dir, 'app'), await startAppWriter(dir, 'app')];
      await writers[0].serve([['/a', '2xx', 2], ['/a"\\\n', '5xx', 1]]);
      await writers[1].serve([['/a', '2xx', 3]]);
      return writers;
    });
  }, 30000);

  afterAll(() => served?.close());

  const scrape = async (query: string, openMetrics: boolean) => {
    const response = await fetch(new URL(`metrics${query}`, served.server.url), { headers: openMetrics ? { Accept: 'application/openmetrics-text;version=1.0.0' } : {} });
    return response.text();
  };

  test.each(['', '?strings=1', '?aggregate=sum&strings=1'])('%s passes promtool (text format) and the OpenMetrics parser', async (query) => {
    const text = await scrape(query, false);
    expect(promtoolProblems(text)).toBeUndefined();
    expect(text).toMatch(/^# TYPE http_requests_total counter$/m);
    expect(text).toMatch(/^# TYPE http_last_hit_timestamp_seconds gauge$/m);
    expect(text).toMatch(/^# TYPE mmstats_process_info gauge$/m);
    if (!haveOpenMetricsParser) return;
    const families = new Map(parseOpenMetrics(await scrape(query, true)).map((family) => [family.name, family]));
    expect(families.get('http_requests')?.type).toBe('counter');
    expect(families.get('http_request_time_seconds')).toMatchObject({ type: 'gauge', unit: 'seconds' });
    expect(families.get('mem_heap_used_bytes')).toMatchObject({ type: 'gauge', unit: 'bytes' });
    expect(families.get('cache_hit_ratio')).toMatchObject({ type: 'gauge', unit: 'ratio' });
    const info = families.get('mmstats_process')!;
    expect(info.type).toBe('info');
    expect(info.samples.map((sample) => Number(sample.labels.pid)).sort()).toEqual(served.writers.map((writer) => writer.pid).sort());
    expect(info.samples.every((sample) => sample.labels.version === `node ${process.version}` && sample.labels.tid !== undefined)).toBe(true);
    const requests = families.get('http_requests')!.samples;
    expect(requests.some((sample) => sample.labels.route === '/a"\\\n' && sample.labels.status === '5xx')).toBe(true);
    if (query.includes('sum')) {
      expect(requests.find((sample) => sample.labels.route === '/a' && sample.labels.status === '2xx')).toMatchObject({ value: '5', labels: { route: '/a', status: '2xx' } });
      expect(requests.every((sample) => sample.labels.pid === undefined)).toBe(true);
    }
  }, 30000);
});

describe('the metrics prefix option', () => {
  test('letters, digits and _ not starting with a digit; anything else is a usage error saying why', () => {
    expect(checkMetricsPrefix('mmstats_')).toBe('mmstats_');
    expect(checkMetricsPrefix('')).toBe('');
    expect(() => checkMetricsPrefix('1x')).toThrow(UsageError);
    expect(() => checkMetricsPrefix('a:b')).toThrow(/metrics prefix "a:b" must be letters, digits and _/);
  });
});
