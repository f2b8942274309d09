import fc from 'fast-check';
import { escapeLabelValue, labelNameProblem, parseSeriesLabel, seriesLabel, SeriesLabelError } from '@mmstats/format';

describe('series labels', () => {
  it('writes the family, then key="value" pairs in the order given', () => {
    expect(seriesLabel('http.requests', ['route', 'status'], ['/a', '2xx'])).toBe('http.requests{route="/a",status="2xx"}');
  });

  it('escapes what could end a value, break a line or reach a terminal', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(escapeLabelValue('\x1b]0;x\x07\x7f\x85')).toBe('\\x1b]0;x\\x07\\x7f\\x85');
    expect(escapeLabelValue('\u202e\u2028ok')).toBe('\\u202e\\u2028ok');
    expect(escapeLabelValue('plain/route é 😀')).toBe('plain/route é 😀');
  });

  it('cannot be forged: a value holding a whole other label set stays one value', () => {
    const label = seriesLabel('req', ['route', 'status'], ['/a",status="5xx', '2xx']);
    expect(parseSeriesLabel(label)).toEqual({ name: 'req', labels: { route: '/a",status="5xx', status: '2xx' } });
  });

  it('round-trips any values', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 }), (values) => {
        const keys = values.map((_, i) => `k${i}`);
        const label = seriesLabel('fam.x', keys, values);
        expect(label).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        const parsed = parseSeriesLabel(label)!;
        expect(parsed.name).toBe('fam.x');
        expect(Object.values(parsed.labels)).toEqual(values);
      }),
    );
  });

  it('is undefined for a label without {', () => {
    expect(parseSeriesLabel('web.hits')).toBeUndefined();
  });

  it.each(['{a="b"}', 'f{}', 'f{a}', 'f{a=b}', 'f{a="b}', 'f{a="b"', 'f{a="b",}', 'f{a="b"}x', 'f{a="\\q"}', 'f{a="\\x1"}', 'f{a="\\x1B"}', 'f{a="\\ud800"}', 'f{a="\\udfff"}', 'f{1a="b"}', 'f{a="b",a="c"}'])(
    'rejects the malformed %s',
    (label) => {
      expect(() => parseSeriesLabel(label)).toThrow(SeriesLabelError);
    },
  );

  it('checks label names', () => {
    expect(labelNameProblem('route')).toBeUndefined();
    expect(labelNameProblem('9x')).toMatch(/must match/);
    expect(labelNameProblem('__x')).toMatch(/cannot start with __/);
    expect(labelNameProblem('pid')).toMatch(/reserved/);
    expect(labelNameProblem(3)).toMatch(/must be a string/);
  });
});
