// Histograms (SPEC.md §14.6): the records of a series, how readers group and check them, the counts
// they publish, quantiles and exact merges. Files are built with the codec's writer side and
// values are stored with Buffer methods.
import {
  DecodeError,
  LOG_SCALE_MAX_ERROR,
  appendFamily,
  appendRecords,
  cumulativeCounts,
  decodeFile,
  decodeLayout,
  decodeMetadata,
  encodeFile,
  formatBound,
  histogramQuantile,
  histogramRecordSpecs,
  histogramsOf,
  logScaleBounds,
  meaningOf,
  mergeHistograms,
  parseBound,
  boundsProblem,
  readStableFile,
  relativeBucketWidth,
  type FamilyMeta,
  type HistogramSeries,
  type RecordLayout,
  type RecordSpec,
} from '@mmstats/format';

const PROM_DEFAULT = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Stores `value` into a buffered record as a writer's first publication does (slot 0, write index 1). */
function publish(bytes: Uint8Array, record: RecordLayout, value: number): void {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (record.signature === 'd') buffer.writeDoubleLE(value, record.slotOffsets[0]);
  else buffer.writeBigUInt64LE(BigInt(value), record.slotOffsets[0]);
  buffer[record.writeIndexOffset] = 1;
}

/** A file holding histogram `name` with `bounds`, its parts set to `buckets`, `count` and `sum`. */
function fileWith(specs: RecordSpec[], families: FamilyMeta[], values: Record<string, number>): Uint8Array {
  const { bytes, plan } = encodeFile(specs, { metadata: families, reserve: 4096 });
  for (const record of plan.records) if (values[record.label] !== undefined) publish(bytes, record, values[record.label]);
  return bytes;
}

function read(bytes: Uint8Array) {
  const records = decodeFile(bytes);
  return histogramsOf(
    records.map((r) => r.layout),
    decodeMetadata(bytes),
    records,
  );
}

describe('bounds', () => {
  it('accepts prom-client’s default buckets as they are, and refuses bounds that do not increase', () => {
    expect(boundsProblem(PROM_DEFAULT)).toBeUndefined();
    expect(boundsProblem([...PROM_DEFAULT, Infinity])).toBeUndefined();
    expect(boundsProblem([1, 1])).toMatch(/must increase/);
    expect(boundsProblem([1, NaN])).toMatch(/not a finite number/);
    expect(boundsProblem([])).toMatch(/non-empty/);
  });

  it('writes and reads the le text of a bound, +Inf included', () => {
    for (const bound of [...PROM_DEFAULT, 1e-7, 1.5e21, -2, 0]) expect(parseBound(formatBound(bound))).toBe(bound);
    expect(formatBound(Infinity)).toBe('+Inf');
    expect(parseBound('+Inf')).toBe(Infinity);
    for (const text of ['Inf', '-Inf', '1,5', ' 1', '0x10', '', 'NaN', '01', '.5', '1e999']) expect([text, parseBound(text)]).toEqual([text, undefined]);
  });

  it('log scale: bounds cover the range, every bucket inside it at most LOG_SCALE_MAX_ERROR wide, 4 digits each', () => {
    const bounds = logScaleBounds(0.001, 100);
    expect(bounds[0]).toBeLessThanOrEqual(0.001);
    expect(bounds[1]).toBeGreaterThan(0.001);
    expect(bounds[bounds.length - 1]).toBeGreaterThanOrEqual(100);
    expect(bounds[bounds.length - 2]).toBeLessThan(100);
    for (let i = 1; i < bounds.length; i++) {
      expect((bounds[i] - bounds[i - 1]) / bounds[i - 1]).toBeLessThanOrEqual(LOG_SCALE_MAX_ERROR);
      expect((bounds[i] - bounds[i - 1]) / bounds[i - 1]).toBeGreaterThan(0.04);
    }
    for (const bound of bounds) expect(Number(bound.toPrecision(4))).toBe(bound);
    // 16 buckets per power of two: about 266 over five decades.
    expect(bounds.length).toBeGreaterThan(260);
    expect(bounds.length).toBeLessThan(272);
    expect(() => logScaleBounds(0, 1)).toThrow(/min < max/);
    expect(() => logScaleBounds(2, 1)).toThrow(/min < max/);
  });
});

describe('series', () => {
  const families: FamilyMeta[] = [
    { name: 'latency', kind: 'histogram', unit: 'seconds' },
    { name: 'http.duration', kind: 'histogram', labels: ['route'] },
    { name: 'plain.count', kind: 'counter' },
  ];

  it('are laid out as buckets with le last, then the count, then the sum', () => {
    expect(histogramRecordSpecs('latency', [0.5, 1]).map((s) => [s.label, s.signature])).toEqual([
      ['latency.bucket{le="0.5"}', 'Q'],
      ['latency.bucket{le="1"}', 'Q'],
      ['latency.bucket{le="+Inf"}', 'Q'],
      ['latency.count', 'Q'],
      ['latency.sum', 'd'],
    ]);
    expect(histogramRecordSpecs('h', [1], ['route'], ['/a"']).map((s) => s.label)).toEqual(['h.bucket{route="/a\\"",le="1"}', 'h.bucket{route="/a\\"",le="+Inf"}', 'h.count{route="/a\\""}', 'h.sum{route="/a\\""}']);
  });

  it('are grouped per family and label set, with bounds, counts, the count readers publish and the sum', () => {
    const specs = [
      ...histogramRecordSpecs('latency', [0.1, 1]),
      ...histogramRecordSpecs('http.duration', [1], ['route'], ['/a']),
      ...histogramRecordSpecs('http.duration', [1], ['route'], ['/b']),
      { label: 'plain.count', signature: 'Q', buffered: true },
    ];
    const bytes = fileWith(specs, families, {
      'latency.bucket{le="0.1"}': 3,
      'latency.bucket{le="1"}': 5,
      'latency.bucket{le="+Inf"}': 1,
      'latency.count': 8, // a copy caught observe() between the bucket and the count
      'latency.sum': 4.5,
      'http.duration.bucket{route="/b",le="1"}': 2,
      'http.duration.count{route="/b"}': 2,
      'http.duration.sum{route="/b"}': 0.75,
      'plain.count': 7,
    });
    const { series, unstable } = read(bytes);
    expect(unstable).toEqual([]);
    expect(series).toEqual([
      { family: 'latency', labels: {}, bounds: [0.1, 1, Infinity], buckets: [3, 5, 1], count: 9, sum: 4.5, countRecord: 8 },
      { family: 'http.duration', labels: { route: '/a' }, bounds: [1, Infinity], buckets: [0, 0], count: 0, sum: 0, countRecord: 0 },
      { family: 'http.duration', labels: { route: '/b' }, bounds: [1, Infinity], buckets: [2, 0], count: 2, sum: 0.75, countRecord: 2 },
    ]);
    // Prometheus' invariants hold for what readers publish: non-decreasing, +Inf == count.
    expect(cumulativeCounts(series[0])).toEqual([3, 8, 9]);
    // Every part's meaning names its family and part; a counter named like a part stays a counter.
    const layout = decodeLayout(bytes);
    const metadata = decodeMetadata(bytes);
    expect(layout.map((r) => meaningOf(r, metadata)).map((m) => [m.family, m.kind, m.part ?? null, m.labels])).toEqual([
      ['latency', 'histogram', 'bucket', { le: '0.1' }],
      ['latency', 'histogram', 'bucket', { le: '1' }],
      ['latency', 'histogram', 'bucket', { le: '+Inf' }],
      ['latency', 'histogram', 'count', {}],
      ['latency', 'histogram', 'sum', {}],
      ['http.duration', 'histogram', 'bucket', { route: '/a', le: '1' }],
      ['http.duration', 'histogram', 'bucket', { route: '/a', le: '+Inf' }],
      ['http.duration', 'histogram', 'count', { route: '/a' }],
      ['http.duration', 'histogram', 'sum', { route: '/a' }],
      ['http.duration', 'histogram', 'bucket', { route: '/b', le: '1' }],
      ['http.duration', 'histogram', 'bucket', { route: '/b', le: '+Inf' }],
      ['http.duration', 'histogram', 'count', { route: '/b' }],
      ['http.duration', 'histogram', 'sum', { route: '/b' }],
      ['plain.count', 'counter', null, {}],
    ]);
  });

  it('leave out a series with an unconfirmed part, and list it as unstable', () => {
    const bytes = fileWith(histogramRecordSpecs('latency', [1]), families, { 'latency.bucket{le="1"}': 1 });
    const records = decodeFile(bytes);
    const { series, unstable } = histogramsOf(
      records.map((r) => r.layout),
      decodeMetadata(bytes),
      records.filter((r) => r.label !== 'latency.sum'),
    );
    expect([series, unstable]).toEqual([[], [{ family: 'latency', labels: {} }]]);
  });

  it.each([
    ['no +Inf bucket', (specs: RecordSpec[]) => specs.filter((s) => !s.label.includes('+Inf')), /lacks the le="\+Inf" bucket/, 'latency.bucket{le="1"}'],
    ['no sum', (specs: RecordSpec[]) => specs.filter((s) => s.label !== 'latency.sum'), /lacks the sum/, 'latency.bucket{le="1"}'],
    ['a bucket twice', (specs: RecordSpec[]) => [...specs, { label: 'latency.bucket{le="1.0"}', signature: 'Q', buffered: true }], /appears twice/, 'latency.bucket{le="1.0"}'],
    ['a bucket without le', (specs: RecordSpec[]) => [...specs, { label: 'latency.bucket{x="1"}', signature: 'Q', buffered: true }], /no le bound/, 'latency.bucket{x="1"}'],
    ['a bound that is no number', (specs: RecordSpec[]) => [...specs, { label: 'latency.bucket{le="1s"}', signature: 'Q', buffered: true }], /no le bound/, 'latency.bucket{le="1s"}'],
    ['a sum of type Q', (specs: RecordSpec[]) => specs.map((s) => (s.label === 'latency.sum' ? { ...s, signature: 'Q' } : s)), /has type Q, not d/, 'latency.sum'],
    ['a count with le', (specs: RecordSpec[]) => specs.map((s) => (s.label === 'latency.count' ? { ...s, label: 'latency.count{le="1"}' } : s)), /has a le label/, 'latency.count{le="1"}'],
  ])('are an error of the file with %s, at the record concerned', (_name, change, reason, at) => {
    const { bytes, plan } = encodeFile(change(histogramRecordSpecs('latency', [1])), { metadata: families });
    const record = plan.records.find((r) => r.label === at)!;
    let error: unknown;
    try {
      read(bytes);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect([(error as DecodeError).reason, (error as DecodeError).offset]).toEqual([expect.stringMatching(reason), record.labelOffset]);
  });

  it('added to a live file as one group are seen whole or not at all', () => {
    const { bytes } = encodeFile([{ label: 'a', signature: 'Q', buffered: true }], { metadata: [], reserve: 4000 });
    appendFamily(bytes, families[1]);
    const before = readStableFile((offset, length) => bytes.slice(offset, offset + length), bytes.length);
    const records = appendRecords(bytes, histogramRecordSpecs('http.duration', [1, 2], ['route'], ['/a']), 1)!;
    expect(records.map((r) => r.index)).toEqual([1, 2, 3, 4, 5]);
    const after = readStableFile((offset, length) => bytes.slice(offset, offset + length), bytes.length);
    expect(before.layout.map((r) => r.label)).toEqual(['a']);
    expect(histogramsOf(after.layout, after.metadata, after.records).series).toEqual([{ family: 'http.duration', labels: { route: '/a' }, bounds: [1, 2, Infinity], buckets: [0, 0, 0], count: 0, sum: 0, countRecord: 0 }]);
    // Until the first record's label length is stored, every reader finds the end marker there.
    const pending = new Uint8Array(bytes);
    pending[records[0].offset] = 0;
    expect(decodeFile(pending).map((r) => r.label)).toEqual(['a']);
    // Without room for all of them, none is written.
    expect(appendRecords(bytes, histogramRecordSpecs('http.duration', logScaleBounds(), ['route'], ['/b']), 6)).toBeUndefined();
    expect(decodeFile(bytes).length).toBe(6);
  });
});

/** A series with `bounds` holding the observations `values`, bucketed as SPEC §14.6 says. */
function seriesOf(bounds: number[], values: number[], labels: Record<string, string> = {}): HistogramSeries {
  const all = [...bounds, Infinity];
  const buckets = all.map(() => 0);
  for (const value of values) buckets[all.findIndex((bound) => value <= bound)]++;
  return { family: 'h', labels, bounds: all, buckets, count: values.length, sum: values.reduce((a, b) => a + b, 0), countRecord: values.length };
}

describe('quantiles', () => {
  it('are within the bucket width of the true quantile on log-scale buckets', () => {
    const bounds = logScaleBounds(0.001, 100);
    // A known distribution: 10,000 log-uniform values from 2 ms to 2 s.
    const values = Array.from({ length: 10000 }, (_, i) => 0.002 * Math.pow(1000, (i + 0.5) / 10000));
    const series = seriesOf(bounds, values);
    for (const q of [0.5, 0.9, 0.99, 0.999]) {
      const truth = values[Math.ceil(q * values.length) - 1];
      const estimate = histogramQuantile(series, q);
      expect({ q, error: Math.abs(estimate - truth) / truth <= LOG_SCALE_MAX_ERROR }).toEqual({ q, error: true });
      expect(relativeBucketWidth(series.bounds, truth)).toBeLessThanOrEqual(LOG_SCALE_MAX_ERROR);
    }
  });

  it('interpolate as Prometheus does, give the last finite bound for the +Inf bucket, NaN when empty', () => {
    const series = seriesOf([1, 2, 4], [0.5, 1.5, 1.5, 3, 10]);
    expect(histogramQuantile(series, 0.2)).toBe(1); // rank 1 of 5: the end of the first bucket (from 0)
    expect(histogramQuantile(series, 0.5)).toBeCloseTo(1.75); // rank 2.5: 1.5 of the 2 in (1, 2]
    expect(histogramQuantile(series, 1)).toBe(4);
    expect(histogramQuantile(seriesOf([1], []), 0.5)).toBeNaN();
    expect(() => histogramQuantile(series, 1.5)).toThrow(RangeError);
  });
});

describe('merging', () => {
  it('adds counts across processes exactly, never averaging percentiles', () => {
    const a = seriesOf(PROM_DEFAULT, [0.003, 0.2, 0.2, 7], { route: '/a', pid: '1' });
    const b = seriesOf(PROM_DEFAULT, [0.02, 20], { route: '/a', pid: '2' });
    const merged = mergeHistograms([a, b]);
    expect(merged).toEqual(seriesOf(PROM_DEFAULT, [0.003, 0.2, 0.2, 7, 0.02, 20], { route: '/a' }));
  });

  it('keeps the bounds all series share when they differ, where every cumulative count is exact', () => {
    const merged = mergeHistograms([seriesOf([1, 2, 3], [0.5, 1.5, 2.5, 5]), seriesOf([2, 4], [1.5, 3.5])]);
    expect([merged.bounds, merged.buckets, merged.count]).toEqual([[2, Infinity], [3, 3], 6]);
  });
});
