import { aggregate, AGGREGATIONS, isAggregation, type LabelValue } from '../../src/web/aggregate';

const ints = (...values: Array<number | bigint>): LabelValue[] => values.map((value) => ({ value, kind: 'uint' }));
const floats = (...values: number[]): LabelValue[] => values.map((value) => ({ value, kind: 'float' }));

describe('aggregate', () => {
  test('sum, avg, min, max and one over the values of every file', () => {
    const values = ints(4, 0, 10, 2);
    expect(aggregate(values, 'sum')).toBe(16);
    expect(aggregate(values, 'avg')).toBe(4);
    expect(aggregate(values, 'min')).toBe(0);
    expect(aggregate(values, 'max')).toBe(10);
    expect(aggregate(values, 'one')).toBe(4);
  });

  test('the nonzero forms ignore zeros and give null when only zeros are left', () => {
    const values = ints(4, 0, 10, 2);
    expect(aggregate(values, 'nonzero-min')).toBe(2);
    expect(aggregate(values, 'nonzero-avg')).toBeCloseTo(16 / 3, 12);
    expect(aggregate(ints(0, 0), 'nonzero-min')).toBeNull();
    expect(aggregate(ints(0, 0), 'nonzero-avg')).toBeNull();
  });

  test('64-bit integers are summed exactly; a float anywhere makes a float sum', () => {
    expect(aggregate(ints(2n ** 63n, 2n ** 63n), 'sum')).toBe(2n ** 64n);
    expect(aggregate(ints(2n ** 53n, 1), 'sum')).toBe(2n ** 53n + 1n);
    expect(aggregate(ints(2n ** 63n, 5), 'max')).toBe(2n ** 63n);
    expect(aggregate([...floats(0.5), ...ints(2)], 'sum')).toBe(2.5);
    expect(aggregate(floats(0.1, 0.2), 'avg')).toBeCloseTo(0.15, 12);
  });

  test('booleans count as 0 and 1; NaN shows in min and max rather than vanishing', () => {
    const bools: LabelValue[] = [true, false, true].map((value) => ({ value, kind: 'bool' }));
    expect(aggregate(bools, 'sum')).toBe(2);
    expect(aggregate(floats(1, NaN, 3), 'max')).toBeNaN();
    expect(aggregate(floats(1, NaN, 3), 'min')).toBeNaN();
  });

  test('text: one takes it, every other aggregation gives null', () => {
    const values: LabelValue[] = [{ value: 'serving', kind: 'string' }, { value: 3, kind: 'uint' }];
    expect(aggregate(values, 'one')).toBe('serving');
    for (const how of AGGREGATIONS.filter((name) => name !== 'one')) expect([how, aggregate(values, how)]).toEqual([how, null]);
  });

  test('isAggregation knows exactly the original set', () => {
    expect(AGGREGATIONS).toEqual(['sum', 'avg', 'min', 'max', 'one', 'nonzero-min', 'nonzero-avg']);
    expect(isAggregation('sum')).toBe(true);
    expect(isAggregation('median')).toBe(false);
    expect(isAggregation('__proto__')).toBe(false);
  });
});
