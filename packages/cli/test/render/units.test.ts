import { formatAge, formatBytes, formatDuration, formatInUnit, shortNumber } from '../../src/render/units';

describe('values in their units', () => {
  test('durations in s, ms or µs', () => {
    expect(formatDuration(1.5)).toBe('1.5 s');
    expect(formatDuration(0.0421)).toBe('42.1 ms');
    expect(formatDuration(0.00083)).toBe('830 µs');
    expect(formatDuration(0)).toBe('0 s');
  });

  test('bytes in binary multiples', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(7.47 * 1024 * 1024)).toBe('7.47 MiB');
  });

  test('a time since the epoch as an age at a moment, 0 as never', () => {
    expect(formatAge(1000, 1003.9)).toBe('3 s ago');
    expect(formatAge(1000, 1000 + 300)).toBe('5 min ago');
    expect(formatAge(1000, 998)).toBe('in 2 s');
    expect(formatAge(0, 1000)).toBe('never');
  });

  test('by unit; text and booleans as they are; no float noise', () => {
    expect(formatInUnit(0.25, 'ratio', 0)).toBe('25 %');
    expect(formatInUnit(3, 'requests', 0)).toBe('3 requests');
    expect(formatInUnit(0.1 + 0.2, undefined, 0)).toBe('0.3');
    expect(formatInUnit(2n ** 64n, undefined, 0)).toBe('18446744073709551616');
    expect(formatInUnit('x', 'seconds', 0)).toBe('x');
    expect(formatInUnit(true, undefined, 0)).toBe('true');
    expect(shortNumber(NaN)).toBe('NaN');
  });
});
