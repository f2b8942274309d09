import { formatAge, formatBytes, formatDuration, formatInUnit, formatRateInUnit, formatRatio, formatValueInUnit, showsInUnit, unitWidth } from '../../src/render/units';

describe('formatDuration', () => {
  test('ns, µs, ms and s with three significant digits; minutes, hours and days in whole units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(5.12e-7)).toBe('512ns');
    expect(formatDuration(0.000991334999993)).toBe('991µs');
    expect(formatDuration(0.00345)).toBe('3.45ms');
    expect(formatDuration(0.0029245910000000775)).toBe('2.92ms');
    expect(formatDuration(1.5)).toBe('1.50s');
    expect(formatDuration(59.9)).toBe('59.9s');
    expect(formatDuration(245)).toBe('4m05s');
    expect(formatDuration(3 * 3600 + 4 * 60 + 10)).toBe('3h04m');
    expect(formatDuration(2 * 86400 + 3 * 3600)).toBe('2d03h');
    expect(formatDuration(-0.25)).toBe('-250ms');
    expect(formatDuration(NaN)).toBe('nan');
  });

  test('rounding that reaches the next unit moves to it', () => {
    expect(formatDuration(0.9996)).toBe('1.00s');
    expect(formatDuration(0.0009996)).toBe('1.00ms');
    expect(formatDuration(59.96)).toBe('1m00s');
  });
});

describe('formatBytes', () => {
  test('whole bytes below 1 KiB in full, then KiB, MiB, … with three significant digits', () => {
    expect(formatBytes(0)).toBe('0B');
    expect(formatBytes(512)).toBe('512B');
    expect(formatBytes(62.0878456698)).toBe('62.1B');
    expect(formatBytes(1536)).toBe('1.50KiB');
    expect(formatBytes(1023.9 * 1024)).toBe('1.00MiB');
    expect(formatBytes(1000.5)).toBe('0.977KiB');
    expect(formatBytes(2n ** 40n)).toBe('1.00TiB');
    expect(formatBytes(2n ** 64n - 1n)).toBe('16.0EiB');
  });
});

describe('formatRatio, formatAge, formatInUnit', () => {
  test('ratios in percent', () => {
    expect(formatRatio(0)).toBe('0%');
    expect(formatRatio(0.05)).toBe('5.00%');
    expect(formatRatio(0.452)).toBe('45.2%');
    expect(formatRatio(1)).toBe('100%');
  });

  test('a time since the epoch as an age; ahead of the clock; never set', () => {
    const now = 1_800_000_000_000;
    expect(formatAge(now / 1000 - 12.34, now)).toBe('12.3s ago');
    expect(formatAge(now / 1000 - 245, now)).toBe('4m05s ago');
    expect(formatAge(now / 1000 + 1.2, now)).toBe('in 1.20s');
    expect(formatAge(0, now)).toBe('never');
  });

  test('formatInUnit: the four units with a form of their own; undefined for others', () => {
    expect(formatInUnit(0.5, 'seconds', 0)).toBe('500ms');
    expect(formatInUnit(2048n, 'bytes', 0)).toBe('2.00KiB');
    expect(formatInUnit(0.5, 'ratio', 0)).toBe('50.0%');
    expect(formatInUnit(99, 'epoch_seconds', 100_000)).toBe('1.00s ago');
    expect(formatInUnit(3, 'requests', 0)).toBeUndefined();
    expect(formatInUnit(3, undefined, 0)).toBeUndefined();
    expect(formatRateInUnit(2048, 'bytes')).toBe('2.00KiB/s');
    expect(formatRateInUnit(2, undefined)).toBeUndefined();
    expect(['seconds', 'bytes', 'ratio', 'epoch_seconds', 'requests'].map(showsInUnit)).toEqual([true, true, true, true, false]);
    // Room for the usual texts: "3.45ms ago", "0.977KiB".
    expect(unitWidth('epoch_seconds')).toBe('3.45ms ago'.length);
    expect(unitWidth('bytes')).toBe('0.977KiB'.length);
    expect(unitWidth('requests')).toBe(0);
  });
});

describe('formatValueInUnit', () => {
  test('numbers in their unit, or followed by a unit without a form of its own; text and booleans as they are', () => {
    expect(formatValueInUnit(0.25, 'ratio', 0)).toBe('25.0%');
    expect(formatValueInUnit(3, 'requests', 0)).toBe('3 requests');
    expect(formatValueInUnit(0.1 + 0.2, undefined, 0)).toBe('0.3');
    expect(formatValueInUnit(2n ** 64n, undefined, 0)).toBe('18446744073709551616');
    expect(formatValueInUnit('x', 'seconds', 0)).toBe('x');
    expect(formatValueInUnit(true, undefined, 0)).toBe('true');
  });
});
