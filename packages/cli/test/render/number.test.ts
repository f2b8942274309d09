import * as fs from 'node:fs';
import * as path from 'node:path';

import { formatFloat } from '../../src/render/number';

describe('formatFloat', () => {
  // Each expectation is what CPython 2.7 prints for str(x).
  test.each<[string, number, string]>([
    ['5.0', 5.0, '5.0'],
    ['2.25', 2.25, '2.25'],
    ['12345678901.0', 12345678901.0, '12345678901.0'],
    ['1e11', 1e11, '1e+11'],
    ['123456789012.0', 123456789012.0, '1.23456789012e+11'],
    ['1700000000.125 (exact tie, to even)', 1700000000.125, '1700000000.12'],
    ['Math.fround(0.1)', Math.fround(0.1), '0.10000000149'],
    ['1e-5', 1e-5, '1e-05'],
    ['0.0001', 0.0001, '0.0001'],
    ['1e22', 1e22, '1e+22'],
    ['0.5', 0.5, '0.5'],
    ['-2.5', -2.5, '-2.5'],
    ['Infinity', Infinity, 'inf'],
    ['-Infinity', -Infinity, '-inf'],
    ['NaN', NaN, 'nan'],
    ['-0', -0, '-0.0'],
    ['0', 0, '0.0'],
    ['1/3', 1 / 3, '0.333333333333'],
    ['2/3', 2 / 3, '0.666666666667'],
    ['123456.7890123456', 123456.7890123456, '123456.789012'],
    ['5e-324 (smallest subnormal)', 5e-324, '4.94065645841e-324'],
    ['largest double', 1.7976931348623157e308, '1.79769313486e+308'],
    ['0.1 + 0.2', 0.1 + 0.2, '0.3'],
    ['100.0', 100.0, '100.0'],
    ['1e16', 1e16, '1e+16'],
    // Ties at the 13th digit: half to even, both ways.
    ['1700000000.375 (tie, up to even)', 1700000000.375, '1700000000.38'],
    ['1.25', 1.25, '1.25'],
    ['999999999999.5 (tie, carries into a 13th digit)', 999999999999.5, '1e+12'],
    ['1234567890125.0 (tie in a whole number, to even)', 1234567890125.0, '1.23456789012e+12'],
    // CPython's dtoa keeps the trailing zero of a whole number rounded down from a tie.
    ['8397550145605.0 (dtoa keeps the zero)', 8397550145605.0, '8.39755014560e+12'],
    ['8397550145604.0 (not a tie: zero dropped)', 8397550145604.0, '8.3975501456e+12'],
    ['-1e-4', -1e-4, '-0.0001'],
    ['99999999999.0 (11 digits, fixed)', 99999999999.0, '99999999999.0'],
    ['123.0', 123.0, '123.0'],
  ])('%s → %s', (_name, value, expected) => {
    expect(formatFloat(value)).toBe(expected);
  });

  test('agrees with CPython 2.7 str() on the recorded reference values', () => {
    // Written by test/fixtures/python2-float-str.py under Python 2.7: "<bits in hex> <str(x)>".
    const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'python2-float-str.txt'), 'utf8');
    const lines = text.trim().split('\n');
    expect(lines.length).toBeGreaterThan(2000);
    const mismatches: string[] = [];
    for (const line of lines) {
      const [hex, expected] = line.split(' ');
      const value = Buffer.from(hex, 'hex').readDoubleBE(0);
      const actual = formatFloat(value);
      if (actual !== expected) mismatches.push(`${hex} (${value}): expected ${expected}, got ${actual}`);
    }
    expect(mismatches).toEqual([]);
  });
});
