import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

import { decodeFile, encodeFile, type RecordSpec } from '@mmstats/format';

import type { StatsFile } from '../../src/web/collect';
import { escapeHelp, escapeLabelValue, formatSampleValue, metricName, prefersOpenMetrics, renderExposition } from '../../src/web/prometheus';

/** A file as the server reads it: records encoded and decoded through @mmstats/format. */
function statsFile(file: string, pid: number | undefined, specs: RecordSpec[]): StatsFile {
  return { file, pid, records: decodeFile(encodeFile(specs).bytes), unstable: [] };
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
  test('mmstats_ plus the label with every other character turned into _, runs collapsed', () => {
    expect(metricName('web.stats.status.2XX')).toBe('mmstats_web_stats_status_2XX');
    expect(metricName('a-b..c:d e')).toBe('mmstats_a_b_c_d_e');
    expect(metricName('.leading')).toBe('mmstats_leading');
    expect(metricName('2fast')).toBe('mmstats_2fast');
    expect(metricName('naïve→λ')).toBe('mmstats_na_ve_');
    for (const label of ['x', '...', '🙂', 'a"b\\c\nd', '__proto__']) expect(metricName(label)).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
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
    expect(exposition).toContain('# HELP mmstats_x_2Jy mmstats label x\\\\x1b[2Jy\n');
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

describe('renderExposition', () => {
  const files = [
    statsFile('web-1.mmstats', 101, [counter('sys.pid', 101), counter('http.requests', 7), double('load', 0.25), bool('up', true), text('status', 'serving')]),
    statsFile('web-2.mmstats', 102, [counter('sys.pid', 102), counter('http.requests', 2n ** 63n), double('load', 1), bool('up', false)]),
  ];

  test('one sample per file with pid and file labels; HELP names the label; strings left out by default', () => {
    const text = renderExposition(files);
    expect(text).toContain(
      '# HELP mmstats_http_requests mmstats label http.requests\n' +
        '# TYPE mmstats_http_requests untyped\n' +
        'mmstats_http_requests{pid="101",file="web-1.mmstats"} 7\n' +
        'mmstats_http_requests{pid="102",file="web-2.mmstats"} 9223372036854775808\n',
    );
    expect(text).toContain('mmstats_up{pid="101",file="web-1.mmstats"} 1\nmmstats_up{pid="102",file="web-2.mmstats"} 0\n');
    expect(text).not.toContain('serving');
    expect(text).not.toContain('# EOF');
    expect(promtoolProblems(text)).toBeUndefined();
  });

  test('OpenMetrics: type unknown and a final # EOF', () => {
    const text = renderExposition(files, { openMetrics: true });
    expect(text).toContain('# TYPE mmstats_load unknown\n');
    expect(text.endsWith('mmstats_up{pid="102",file="web-2.mmstats"} 0\n# EOF\n')).toBe(true);
  });

  test('strings=1: an _info sample per file with the text as the escaped value label', () => {
    const hostile = [statsFile('x.mmstats', undefined, [text('motd', 'say "hi"\\\n<b>')])];
    const text1 = renderExposition(hostile, { strings: true });
    expect(text1).toContain('mmstats_motd_info{file="x.mmstats",value="say \\"hi\\"\\\\\\n<b>"} 1\n');
    expect(promtoolProblems(text1)).toBeUndefined();
  });

  test('sum: a :sum family per label over every file, integers exact', () => {
    const text = renderExposition(files, { sum: true });
    expect(text).toContain('# TYPE mmstats_http_requests:sum untyped\nmmstats_http_requests:sum 9223372036854775815\n');
    expect(text).toContain('mmstats_load:sum 1.25\n');
    expect(text).toContain('mmstats_up:sum 1\n');
    expect(promtoolProblems(text)).toBeUndefined();
  });

  test('labels that sanitise to one name share a family, told apart by a label label; duplicates are dropped', () => {
    // The encoder refuses a label twice in one file, but a reader may still meet such a file.
    const once = statsFile('a.mmstats', 7, [double('a.b', 1), double('a-b', 2)]);
    const clash = [{ ...once, records: [...once.records, ...statsFile('a.mmstats', 7, [double('a.b', 3)]).records] }];
    const text = renderExposition(clash, { openMetrics: true, sum: true });
    expect(text).toBe(
      '# HELP mmstats_a_b mmstats labels a.b, a-b\n' +
        '# TYPE mmstats_a_b unknown\n' +
        'mmstats_a_b{pid="7",file="a.mmstats",label="a.b"} 1\n' +
        'mmstats_a_b{pid="7",file="a.mmstats",label="a-b"} 2\n' +
        '# HELP mmstats_a_b:sum sum over all files of mmstats labels a.b, a-b\n' +
        '# TYPE mmstats_a_b:sum unknown\n' +
        'mmstats_a_b:sum{label="a.b"} 1\n' +
        'mmstats_a_b:sum{label="a-b"} 2\n' +
        '# EOF\n',
    );
    expect(promtoolProblems(renderExposition(clash))).toBeUndefined();
  });

  test('a string never shares a family with a number, and never counts in a sum', () => {
    const mixed = [
      statsFile('a.mmstats', 7, [counter('req_info', 5), text('req', 'GET /'), counter('req_info_info', 1)]),
      statsFile('b.mmstats', 8, [counter('req_info', 6), text('req', 'POST /')]),
    ];
    const text1 = renderExposition(mixed, { strings: true, sum: true });
    expect(text1).toBe(
      '# HELP mmstats_req_info mmstats label req_info\n' +
        '# TYPE mmstats_req_info untyped\n' +
        'mmstats_req_info{pid="7",file="a.mmstats"} 5\n' +
        'mmstats_req_info{pid="8",file="b.mmstats"} 6\n' +
        '# HELP mmstats_req_info:sum sum over all files of mmstats label req_info\n' +
        '# TYPE mmstats_req_info:sum untyped\n' +
        'mmstats_req_info:sum 11\n' +
        '# HELP mmstats_req_info_info mmstats label req_info_info\n' +
        '# TYPE mmstats_req_info_info untyped\n' +
        'mmstats_req_info_info{pid="7",file="a.mmstats"} 1\n' +
        '# HELP mmstats_req_info_info:sum sum over all files of mmstats label req_info_info\n' +
        '# TYPE mmstats_req_info_info:sum untyped\n' +
        'mmstats_req_info_info:sum 1\n' +
        '# HELP mmstats_req_info_info_info mmstats label req (text in the value label)\n' +
        '# TYPE mmstats_req_info_info_info untyped\n' +
        'mmstats_req_info_info_info{pid="7",file="a.mmstats",value="GET /"} 1\n' +
        'mmstats_req_info_info_info{pid="8",file="b.mmstats",value="POST /"} 1\n',
    );
    expect(promtoolProblems(text1)).toBeUndefined();
  });

  test('NaN and infinities are spelled as Prometheus reads them', () => {
    const text = renderExposition([statsFile('f.mmstats', 1, [double('a', NaN), double('b', Infinity), double('c', -Infinity)])]);
    expect(text).toMatch(/mmstats_a\{[^}]*\} NaN\n/);
    expect(text).toMatch(/mmstats_b\{[^}]*\} \+Inf\n/);
    expect(text).toMatch(/mmstats_c\{[^}]*\} -Inf\n/);
    expect(promtoolProblems(text)).toBeUndefined();
  });

  test('no files: an empty exposition (OpenMetrics: just # EOF)', () => {
    expect(renderExposition([])).toBe('');
    expect(renderExposition([], { openMetrics: true })).toBe('# EOF\n');
  });
});
