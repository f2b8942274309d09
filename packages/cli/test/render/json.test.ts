import { parseTypeSignature } from '@mmstats/format';

import { JsonNumber, jsonValue, renderJson, stringifyJson, type JsonValue } from '../../src/render/json';

const double = parseTypeSignature('d')!;
const u64 = parseTypeSignature('Q')!;

describe('stringifyJson', () => {
  test.each<[string, JsonValue]>([
    ['a nested document', { files: [{ file: 'a', records: [{ label: 'x', type: 'd', value: 1.5 }] }, { file: 'b', error: 'bad' }] }],
    ['empty containers', { a: [], b: {}, c: [[], {}] }],
    ['scalars', [null, true, false, 0, -1.25, 1e21, 5e-324, 'text "quoted" \n\t\u001b']],
  ])('matches JSON.stringify(value, null, 2) for %s', (_name, value) => {
    expect(stringifyJson(value)).toBe(JSON.stringify(value, null, 2));
  });

  test('writes bigints exactly', () => {
    expect(stringifyJson({ value: 18446744073709551615n })).toBe('{\n  "value": 18446744073709551615\n}');
    expect(stringifyJson([-9223372036854775808n])).toBe('[\n  -9223372036854775808\n]');
  });

  test('writes DEL, C1 controls, line separators and bidi controls as \\u escapes: the same strings', () => {
    const hostile = 'a\u007fb\u009bc\u2028d\u202ee\u2066f';
    const text = stringifyJson({ [hostile]: hostile });
    expect(text).toBe('{\n  "a\\u007fb\\u009bc\\u2028d\\u202ee\\u2066f": "a\\u007fb\\u009bc\\u2028d\\u202ee\\u2066f"\n}');
    expect(JSON.parse(text)).toEqual({ [hostile]: hostile });
  });

  test('writes number literals as they are', () => {
    expect(stringifyJson([new JsonNumber('-0')])).toBe('[\n  -0\n]');
  });
});

describe('jsonValue', () => {
  test.each<[number, JsonValue]>([
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [0.1, 0.1],
    [1700000000.125, 1700000000.125],
  ])('float %p → %p', (value, expected) => {
    expect(jsonValue(value, double)).toEqual(expected);
  });

  test('float -0 keeps its sign and parses back to -0', () => {
    const text = stringifyJson(jsonValue(-0, double));
    expect(text).toBe('-0');
    expect(Object.is(JSON.parse(text), -0)).toBe(true);
  });

  test('floats are written as the shortest text that parses back to the same double', () => {
    for (const value of [0.1 + 0.2, Math.fround(0.1), 1 / 3, 1.7976931348623157e308, 5e-324, 123456789012.5]) {
      const text = stringifyJson(jsonValue(value, double));
      expect(text).toBe(String(value));
      expect(JSON.parse(text)).toBe(value);
    }
  });

  test('integers stay exact, bigints included', () => {
    expect(stringifyJson(jsonValue(2n ** 64n - 1n, u64))).toBe('18446744073709551615');
    expect(stringifyJson(jsonValue(2 ** 53 - 1, u64))).toBe('9007199254740991');
  });
});

describe('renderJson', () => {
  test('wraps the files in one document ending with a newline', () => {
    expect(renderJson([])).toBe('{\n  "files": []\n}\n');
  });
});
