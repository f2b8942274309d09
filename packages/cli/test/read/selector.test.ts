import { meaningOf, type FileMetadata, type RecordLayout } from '@mmstats/format';

import { parseSelector, SelectorError, selects, splitFields } from '../../src/read/selector';

const metadata: FileMetadata = {
  recordsEnd: 1,
  metadataStart: 3,
  families: new Map([['web.requests', { name: 'web.requests', kind: 'counter', labels: ['route', 'status'] }]]),
};
const meaning = (label: string, meta: FileMetadata | 'none' = metadata) => meaningOf({ label, index: 0, labelOffset: 3 } as RecordLayout, meta === 'none' ? undefined : meta);

describe('splitFields', () => {
  test('splits at commas outside braces and quoted values', () => {
    expect(splitFields('2XX,5XX')).toEqual(['2XX', '5XX']);
    expect(splitFields('requests{route=/a,status=5xx},errors')).toEqual(['requests{route=/a,status=5xx}', 'errors']);
    expect(splitFields('r{route="a,}\\"b"},x')).toEqual(['r{route="a,}\\"b"}', 'x']);
    expect(() => splitFields('r{route=a,x')).toThrow(SelectorError);
  });

  test('a list of histogram statistics is one field each, until an item that is no statistic', () => {
    expect(splitFields('latency:p50,p99,max,hits')).toEqual(['latency:p50', 'latency:p99', 'latency:max', 'hits']);
    expect(splitFields('latency{route=/a,status=5xx}:p99.9,rate,count')).toEqual([
      'latency{route=/a,status=5xx}:p99.9',
      'latency{route=/a,status=5xx}:rate',
      'latency{route=/a,status=5xx}:count',
    ]);
    // Without a statistic before it, `max` is a field of its own.
    expect(splitFields('hits,max')).toEqual(['hits', 'max']);
  });
});

describe('parseSelector: histogram statistics', () => {
  test('quantiles as fractions, max, count and rate; labels before the statistic', () => {
    expect(parseSelector('latency:p99', 'web.')).toEqual({ text: 'latency:p99', name: 'web.latency', labels: {}, statistic: { kind: 'quantile', q: 0.99 } });
    expect(parseSelector('latency:p99.9').statistic).toEqual({ kind: 'quantile', q: 0.999 });
    expect(parseSelector('latency:p100').statistic).toEqual({ kind: 'quantile', q: 1 });
    for (const kind of ['max', 'count', 'rate']) expect(parseSelector(`latency:${kind}`).statistic).toEqual({ kind });
    const labelled = parseSelector('latency{route=/a:b}:p50');
    expect([labelled.name, { ...labelled.labels }, labelled.statistic]).toEqual(['latency', { route: '/a:b' }, { kind: 'quantile', q: 0.5 }]);
  });

  test('a colon followed by no statistic is part of the name, as the original\'s labels may have one', () => {
    expect(parseSelector('a:b')).toEqual({ text: 'a:b', name: 'a:b', labels: {} });
    expect(parseSelector('latency:p101')).toEqual({ text: 'latency:p101', name: 'latency:p101', labels: {} });
  });
});

describe('parseSelector', () => {
  test('a name, or a family with label values quoted or not, unescaped as in series labels', () => {
    expect(parseSelector('hits', 'web.')).toEqual({ text: 'hits', name: 'web.hits', labels: {} });
    const parsed = parseSelector('requests{status=5xx,route="/b\\"\\n"}', 'web.');
    expect(parsed.name).toBe('web.requests');
    expect({ ...parsed.labels }).toEqual({ status: '5xx', route: '/b"\n' });
    // An unquoted value is taken as it is, backslashes and quotes included.
    expect({ ...parseSelector('r{path=a\\b"c}').labels }).toEqual({ path: 'a\\b"c' });
  });

  test('what is not well formed: a clear error naming the field', () => {
    for (const [field, reason] of [
      ['requests{status}', 'expected key=value, got "status"'],
      ['requests{}', 'expected key=value, got ""'],
      ['{a=1}', 'no name before {'],
      ['requests{a=1}x', 'nothing may follow the closing } but a :statistic'],
      ['requests{a=1,a=2}', 'label a given twice'],
      ['requests{1a=2}', 'bad label name "1a"'],
      ['requests{a="x\\q"}', 'unknown escape'],
    ]) {
      expect(() => parseSelector(field)).toThrow(new SelectorError(`field ${JSON.stringify(field)}: ${reason}`));
    }
  });
});

describe('selects', () => {
  test('by family and parsed labels, never by the label text', () => {
    const series = meaning('web.requests{route="/a",status="5xx"}');
    expect(selects(parseSelector('requests', 'web.'), series)).toBe(true);
    expect(selects(parseSelector('requests{status=5xx}', 'web.'), series)).toBe(true);
    expect(selects(parseSelector('requests{status="5xx",route=/a}', 'web.'), series)).toBe(true);
    expect(selects(parseSelector('requests{status=5x}', 'web.'), series)).toBe(false);
    expect(selects(parseSelector('requests{status=5xx,route=/b}', 'web.'), series)).toBe(false);
    // Another family whose name starts the same.
    expect(selects(parseSelector('req', 'web.'), series)).toBe(false);
  });

  test('a record without metadata is selected by its whole label, and has no labels', () => {
    expect(selects(parseSelector('status.2XX', 'web.'), meaning('web.status.2XX', 'none'))).toBe(true);
    expect(selects(parseSelector('requests', 'web.'), meaning('web.requests{status="5xx"}', 'none'))).toBe(false);
  });
});
