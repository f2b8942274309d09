import type { Tick } from '../../src/read/poller';
import { cellMinimum, compactNumber, fitCell, formatCell, growWidths, MIN_COLUMN_WIDTH, renderHeader, renderLine, renderTickJson, textWidth } from '../../src/render/table';

describe('formatCell', () => {
  const now = Date.UTC(2026, 0, 1);
  test('without a unit: integers in full, floats like slurp, rates with two decimals, text, bools', () => {
    expect(formatCell({ kind: 'growth', value: 2n ** 64n - 1n })).toBe('18446744073709551615');
    expect(formatCell({ kind: 'growth', value: -3n })).toBe('-3');
    expect(formatCell({ kind: 'value', value: 0.1 + 0.2 })).toBe('0.3');
    expect(formatCell({ kind: 'value', value: 5, float: true })).toBe('5.0');
    expect(formatCell({ kind: 'value', value: 5 })).toBe('5');
    expect(formatCell({ kind: 'rate', value: 24 })).toBe('24.00');
    expect(formatCell({ kind: 'rate', value: 1 / 3 })).toBe('0.33');
    expect(formatCell({ kind: 'rate', value: Infinity })).toBe('inf');
    expect(formatCell({ kind: 'value', value: 'serving' })).toBe('serving');
    expect(formatCell({ kind: 'value', value: undefined })).toBe('-');
    expect(formatCell({ kind: 'value', value: true })).toBe('True');
    expect(formatCell({ kind: 'unknown' })).toBe('?');
  });

  test('in their unit: durations, bytes, ratios, timestamps as an age at the row\'s time', () => {
    expect(formatCell({ kind: 'value', value: 0.000991334, unit: 'seconds', float: true })).toBe('991µs');
    expect(formatCell({ kind: 'value', value: 62.08784, unit: 'bytes', float: true })).toBe('62.1B');
    expect(formatCell({ kind: 'growth', value: 1536n, unit: 'bytes' })).toBe('1.50KiB');
    expect(formatCell({ kind: 'rate', value: 1536, unit: 'bytes' })).toBe('1.50KiB/s');
    expect(formatCell({ kind: 'value', value: 0.452, unit: 'ratio', float: true })).toBe('45.2%');
    expect(formatCell({ kind: 'value', value: now / 1000 - 12.3, unit: 'epoch_seconds', float: true }, now)).toBe('12.3s ago');
    // Another unit: the number as it is.
    expect(formatCell({ kind: 'value', value: 3, unit: 'requests' })).toBe('3');
  });
});

describe('fitting a value into its column', () => {
  test('a number too wide gets fewer decimals, then an SI prefix; never rounded to zero', () => {
    expect(fitCell('0.333333333333', { kind: 'value', value: 1 / 3, float: true }, 6)).toBe('0.3333');
    expect(fitCell('12345678', { kind: 'growth', value: 12345678n }, 6)).toBe('12.35M');
    expect(fitCell('-12345678', { kind: 'growth', value: -12345678n }, 6)).toBe('-12.3M');
    expect(fitCell('18446744073709551615', { kind: 'growth', value: 2n ** 64n - 1n }, 6)).toBe('18.45E');
    expect(fitCell('1e-09', { kind: 'value', value: 1e-9, float: true }, 4)).toBe('1e-9');
    expect(compactNumber(999.7, 6)).toBe('1.000k');
    expect(compactNumber(999.7, 5)).toBe('1.00k');
    expect(compactNumber(0.000001, 6)).toBe('1.0e-6');
  });

  test('text and values in a unit are cut, ending in …; what fits stays', () => {
    expect(fitCell('serving requests', { kind: 'value', value: 'serving requests' }, 6)).toBe('servi…');
    expect(fitCell('1.50KiB', { kind: 'value', value: 1536, unit: 'bytes' }, 6)).toBe('1.50K…');
    expect(fitCell('42', { kind: 'growth', value: 42n }, 6)).toBe('42');
  });

  test('a unit gives its column room for its usual texts', () => {
    expect(cellMinimum({ kind: 'value', value: 1, unit: 'epoch_seconds' })).toBe(10);
    expect(cellMinimum({ kind: 'value', value: 1, unit: 'bytes' })).toBe(8);
    expect(cellMinimum({ kind: 'value', value: 1 })).toBe(0);
    expect(growWidths(undefined, ['t', 'files'], ['1s ago', '1'], [10, 0])).toEqual([10, 6]);
  });
});

describe('column layout', () => {
  test('widths: at least 6, the header, the widest value when the header is printed; never shrinking', () => {
    expect(MIN_COLUMN_WIDTH).toBe(6);
    const w1 = growWidths(undefined, ['2XX', 'a-long-header', 'files'], ['12', '1', '3']);
    expect(w1).toEqual([6, 13, 6]);
    const w2 = growWidths(w1, ['2XX', 'a-long-header', 'files'], ['123456789', '1', '3']);
    expect(w2).toEqual([9, 13, 6]);
    expect(growWidths(w2, ['2XX', 'a-long-header', 'files'], ['1', '1', '1'])).toEqual(w2);
  });

  test('right-aligned, one space between columns, widths in code points', () => {
    expect(renderLine(['2XX', 'files'], [6, 6])).toBe('   2XX  files\n');
    expect(renderLine(['12', '3'], [6, 6])).toBe('    12      3\n');
    expect(textWidth('é😀')).toBe(2);
    expect(renderLine(['é😀'], [6])).toBe('    é😀\n');
  });

  test('the header is bold only when asked', () => {
    expect(renderHeader(['a'], [6])).toBe('     a\n');
    expect(renderHeader(['a'], [6], true)).toBe('\x1b[1m     a\x1b[22m\n');
  });
});

describe('renderTickJson', () => {
  test('one line per tick: unix seconds, files, exact values by header, gone files', () => {
    const tick: Tick = {
      time: 1700000000500,
      files: 2,
      cells: [
        { kind: 'growth', value: 2n ** 63n },
        { kind: 'value', value: NaN, float: true },
        { kind: 'rate', value: 1.5 },
        { kind: 'value', value: 'a"b' },
        { kind: 'value', value: undefined },
        { kind: 'value', value: 1 },
        { kind: 'value', value: 1795986825.97, unit: 'epoch_seconds', float: true },
        { kind: 'unknown' },
      ],
      gone: ['/tmp/x.mmstats'],
    };
    const line = renderTickJson(tick, ['big', 'f', 'r', 's', 'none', 'up', 'last_hit', 'hot']);
    // Values in JSON are the numbers in their unit, at full precision: a timestamp stays seconds since the epoch.
    expect(line).toBe(
      '{"time": 1700000000.5, "files": 2, "values": {"big": 9223372036854775808, "f": "NaN", "r": 1.5, "s": "a\\"b", "none": null, "up": 1, "last_hit": 1795986825.97, "hot": null}, "gone": ["/tmp/x.mmstats"]}\n',
    );
    expect(line.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(line).values.r).toBe(1.5);
  });
});
