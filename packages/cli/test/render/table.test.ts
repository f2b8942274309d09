import type { Tick } from '../../src/read/poller';
import { formatCell, growWidths, MIN_COLUMN_WIDTH, renderHeader, renderLine, renderTickJson, textWidth } from '../../src/render/table';

describe('formatCell', () => {
  test('integers in full, floats like slurp, rates with two decimals, strings, counts', () => {
    expect(formatCell({ kind: 'int', value: 2n ** 64n - 1n })).toBe('18446744073709551615');
    expect(formatCell({ kind: 'int', value: -3n })).toBe('-3');
    expect(formatCell({ kind: 'float', value: 0.1 + 0.2 })).toBe('0.3');
    expect(formatCell({ kind: 'float', value: 5 })).toBe('5.0');
    expect(formatCell({ kind: 'rate', value: 24 })).toBe('24.00');
    expect(formatCell({ kind: 'rate', value: 1 / 3 })).toBe('0.33');
    expect(formatCell({ kind: 'rate', value: Infinity })).toBe('inf');
    expect(formatCell({ kind: 'string', value: 'serving' })).toBe('serving');
    expect(formatCell({ kind: 'string', value: undefined })).toBe('-');
    expect(formatCell({ kind: 'count', value: 2 })).toBe('2');
  });
});

describe('column layout', () => {
  test('widths: at least 6, the header, the widest value so far; never shrinking', () => {
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
        { kind: 'int', value: 2n ** 63n },
        { kind: 'float', value: NaN },
        { kind: 'rate', value: 1.5 },
        { kind: 'string', value: 'a"b' },
        { kind: 'string', value: undefined },
        { kind: 'count', value: 1 },
      ],
      gone: ['/tmp/x.mmstats'],
    };
    const line = renderTickJson(tick, ['big', 'f', 'r', 's', 'none', 'up']);
    expect(line).toBe(
      '{"time": 1700000000.5, "files": 2, "values": {"big": 9223372036854775808, "f": "NaN", "r": 1.5, "s": "a\\"b", "none": null, "up": 1}, "gone": ["/tmp/x.mmstats"]}\n',
    );
    expect(line.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(line).values.r).toBe(1.5);
  });
});
