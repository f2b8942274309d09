import { combineValues, familyMeaning, growthBetween, isSummable, meaningOf, showsGrowth, type FileMetadata, type RecordLayout, type RecordMeaning } from '@mmstats/format';

const metadata = (families: object[]): FileMetadata => ({ recordsEnd: 1, metadataStart: 3, families: new Map(families.map((f) => [(f as { name: string }).name, f as never])) });
const record = (label: string) => ({ label, index: 0, labelOffset: 3 }) as RecordLayout;
const meaning = (label: string, families: object[]): RecordMeaning => meaningOf(record(label), families.length ? metadata(families) : undefined);

describe('combineValues', () => {
  it('sums integers exactly, past 2^53 as a bigint', () => {
    expect(combineValues('sum', [1, 2, 3])).toBe(6);
    expect(combineValues('sum', [2 ** 53, 2 ** 53])).toBe(2n ** 54n);
    expect(combineValues('sum', [2n ** 64n - 1n, 1])).toBe(2n ** 64n);
    expect(combineValues('sum', [0.5, 0.25])).toBe(0.75);
  });

  it('takes the mean, max, min or last value', () => {
    expect(combineValues('mean', [1, 2, 6])).toBe(3);
    expect(combineValues('max', [1, 7, 6])).toBe(7);
    expect(combineValues('min', [4, 7, 2])).toBe(2);
    expect(combineValues('last', [4, 7, 2])).toBe(2);
    expect(combineValues('sum', ['a', 'b'])).toBe('b');
    expect(combineValues('sum', [])).toBeUndefined();
  });
});

describe('what readers show', () => {
  const families = [
    { name: 'hits', kind: 'counter' },
    { name: 'queue', kind: 'gauge' },
    { name: 'last_hit', kind: 'gauge', unit: 'epoch_seconds' },
    { name: 'took', kind: 'timer' },
    { name: 'sys.pid', kind: 'constant' },
  ];

  it('shows the growth of counters, and of integers without metadata, as our tools always did', () => {
    expect(showsGrowth(meaning('hits', families), 'uint')).toBe(true);
    expect(showsGrowth(meaning('queue', families), 'uint')).toBe(false);
    expect(showsGrowth(meaning('plain', []), 'uint')).toBe(true);
    expect(showsGrowth(meaning('plain', []), 'float')).toBe(false);
  });

  it('sums counters and sum gauges, never process facts, timestamps or timers', () => {
    expect(isSummable(meaning('hits', families))).toBe(true);
    expect(isSummable(meaning('queue', families))).toBe(true);
    expect(isSummable(meaning('last_hit', families))).toBe(false);
    expect(isSummable(meaning('took', families))).toBe(false);
    expect(isSummable(meaning('sys.pid', families))).toBe(false);
    expect(isSummable(meaning('plain', []))).toBe(true);
  });

  it('gives a family without records the meaning its records will have', () => {
    const hits = { name: 'hits', kind: 'counter', help: 'Requests', labels: ['route'] } as const;
    // What a series of the family means, but for its own labels.
    expect(familyMeaning(hits)).toEqual({ ...meaning('hits{route="/a"}', [hits]), labels: {} });
    expect(showsGrowth(familyMeaning({ name: 'hits', kind: 'counter' }), 'uint')).toBe(true);
    expect(familyMeaning({ name: 'took', kind: 'timer' })).toMatchObject({ family: 'took', kind: 'timer', unit: 'seconds', aggregate: 'mean', labels: {} });
    expect(familyMeaning({ name: 'last_hit', kind: 'gauge', unit: 'epoch_seconds' }).aggregate).toBe('max');
  });

  it('measures growth exactly, and a counter that wrapped at 2^64 by what it grew', () => {
    const hits = meaning('hits', families);
    expect(growthBetween(hits, 5, 12)).toBe(7n);
    expect(growthBetween(hits, 2n ** 64n - 2n, 3)).toBe(5n);
    expect(growthBetween(meaning('plain', []), 9, 4)).toBe(-5n);
    expect(growthBetween(meaning('plain', []), 0.5, 2)).toBe(1.5);
    expect(growthBetween(meaning('plain', []), 'a', 'b')).toBeUndefined();
  });
});
