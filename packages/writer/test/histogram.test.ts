// Histograms (SPEC.md §14.6): declared on a class, created through a registry, labelled, timed;
// read back with the format package's semantic model, as every reader does.
import { readFileSync } from 'node:fs';
import { decodeMetadata, encodeFile, histogramQuantile, LOG_SCALE_MAX_ERROR, logScaleBounds, readValue } from '@mmstats/format';
import { BaseMmStats, OBSERVATIONS_REFUSED_LABEL, REFUSED_LABEL, Registry, SchemaError, field, type Family, type Histogram, type Timer } from '@mmstats/writer';
import { histogramsIn, tempDir, valuesOf } from './util';

const dir = tempDir();
let serial = 0;
const options = (extra: object = {}) => ({ path: dir, filename: `histogram-${serial++}.mmstats`, ...extra });

const PROM_DEFAULT = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Where `values` land with `bounds`, counted the slow, obvious way: the first bound at least the value. */
function expectedBuckets(bounds: number[], values: number[]): number[] {
  const all = [...bounds, Infinity];
  const buckets = all.map(() => 0);
  for (const value of values) buckets[all.findIndex((bound) => value <= bound)]++;
  return buckets;
}

class Api extends BaseMmStats {
  static override fields = {
    latency: field.histogram({ buckets: PROM_DEFAULT, help: 'Request latency', unit: 'seconds' }),
    sizes: field.histogram({ min: 1, max: 1e6, unit: 'bytes' }),
    byRoute: field.histogram({ labels: ['route'], buckets: [0.1, 1], maxLabelSets: 2 }),
  };
}
interface Api {
  readonly latency: Histogram;
  readonly sizes: Histogram;
  readonly byRoute: Family<Histogram, 'route'>;
}

describe('field.histogram', () => {
  it('with explicit buckets (prom-client’s default as it is) counts each value in the first bucket whose bound is at least it', () => {
    const api = new Api(options());
    const values = [0, -3, 0.005, 0.0051, 0.3, 1, 9.99, 10, 10.5, 1e9, Infinity, -Infinity];
    for (const value of values) api.latency.observe(value);
    const [latency] = histogramsIn(api.filename);
    expect(latency).toMatchObject({ family: 'latency', labels: {}, bounds: [...PROM_DEFAULT, Infinity], buckets: expectedBuckets(PROM_DEFAULT, values), count: values.length, countRecord: values.length });
    expect(latency.sum).toBeNaN(); // Infinity and -Infinity were both observed, as in Prometheus
    expect([api.latency.count, api.latency.bounds, api.latency.buckets]).toEqual([values.length, PROM_DEFAULT, expectedBuckets(PROM_DEFAULT, values)]);
  });

  it('with the log scale puts every value in its bucket, exactly at the bounds too, and keeps the error within 4.6 %', () => {
    const api = new Api(options());
    const bounds = logScaleBounds(1, 1e6);
    expect(api.sizes.bounds).toEqual(bounds);
    // Every bound, the doubles just around it, values under and over the range, and a spread.
    const values = [0, 0.5, 1, 2e6, 1e300, 5e-324];
    for (const bound of bounds) values.push(bound, bound * (1 + 2 ** -52), bound * (1 - 2 ** -53));
    for (let i = 0; i < 2000; i++) values.push(Math.pow(10, (i / 2000) * 7));
    for (const value of values) api.sizes.observe(value);
    const sizes = histogramsIn(api.filename).find((s) => s.family === 'sizes')!;
    expect(sizes.buckets).toEqual(expectedBuckets(bounds, values));
    expect(sizes.sum).toBe(values.reduce((a, b) => a + b, 0));
    const spread = Array.from({ length: 2000 }, (_, i) => Math.pow(10, (i / 2000) * 5 + 0.5)).sort((a, b) => a - b);
    const only = { bounds: sizes.bounds, buckets: expectedBuckets(bounds, spread) };
    const truth = spread[Math.ceil(0.99 * spread.length) - 1];
    expect(Math.abs(histogramQuantile(only, 0.99) - truth) / truth).toBeLessThanOrEqual(LOG_SCALE_MAX_ERROR);
  });

  it.each([
    ['prom-client’s default', PROM_DEFAULT],
    ['negative and zero bounds', [-5, -0.5, 0, 0.25, 3]],
    ['bounds closer than a table cell', [1, 1.001, 1.002, 2]],
    ['bounds spread over many powers of two', [1e-200, 1e-100, 1, 1e100]],
  ])('with explicit buckets (%s) counts values at, just around and between the bounds right', (_name, bounds) => {
    class Explicit extends BaseMmStats {
      static override fields = { h: field.histogram({ buckets: bounds }) };
    }
    const stats = new Explicit(options()) as unknown as { h: Histogram; filename: string };
    const values = [-Infinity, -1e300, 0, Infinity, 1e300];
    for (const bound of bounds) values.push(bound, bound + Math.abs(bound) * 2 ** -52, bound - Math.abs(bound) * 2 ** -52, bound * 1.5, bound / 3);
    for (const value of values) stats.h.observe(value);
    expect(histogramsIn(stats.filename)[0].buckets).toEqual(expectedBuckets(bounds, values));
  });

  it('counts NaN as refused and changes nothing else; refuses what is not a number with a TypeError', () => {
    const api = new Api(options());
    api.latency.observe(NaN);
    api.latency.observe(NaN);
    expect(() => (api.latency as unknown as { observe(v: unknown): void }).observe('3')).toThrow(new TypeError('histogram latency: observe(value) takes a number, got string "3"; nothing was observed'));
    expect(valuesOf(api.filename)[OBSERVATIONS_REFUSED_LABEL]).toBe(2);
    expect(histogramsIn(api.filename)[0]).toMatchObject({ count: 0, sum: 0 });
  });

  it('labelled: each label set adds its series whole, its overflow series past maxLabelSets', () => {
    const api = new Api(options());
    api.byRoute.labels({ route: '/a' }).observe(0.05);
    api.byRoute.labels({ route: '/a' }).observe(2);
    api.byRoute.labels({ route: '/b' }).observe(0.5);
    api.byRoute.labels({ route: '/c' }).observe(0.7); // the third label set: overflow
    expect(api.byRoute.labels({ route: '/a' })).toBe(api.byRoute.labels({ route: '/a' }));
    const series = histogramsIn(api.filename).filter((s) => s.family === 'byRoute');
    expect(series.map((s) => [s.labels, s.buckets, s.sum])).toEqual([
      [{ route: '/a' }, [1, 0, 1], 2.05],
      [{ route: '/b' }, [0, 1, 0], 0.5],
      [{ overflow: 'true' }, [0, 1, 0], 0.7],
    ]);
    expect(valuesOf(api.filename)[REFUSED_LABEL]).toBe(1);
  });

  it('labelled on the log scale: the default reserve holds 15 series besides the overflow series', () => {
    class Routes extends BaseMmStats {
      static override fields = { took: field.histogram({ labels: ['route'] }) };
    }
    const routes = new Routes(options()) as unknown as { took: Family<Histogram, 'route'>; filename: string };
    for (let i = 0; i < 15; i++) routes.took.labels({ route: `/r${i}` }).observe(i);
    expect(routes.took.size).toBe(15);
    expect(valuesOf(routes.filename)[REFUSED_LABEL]).toBe(0);
    expect(histogramsIn(routes.filename).map((s) => s.labels.route)).toEqual(Array.from({ length: 15 }, (_, i) => `/r${i}`));
  });

  it('startTimer() observes the elapsed seconds', async () => {
    const api = new Api(options());
    const end = api.latency.startTimer();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const seconds = end();
    expect(seconds).toBeGreaterThanOrEqual(0.025);
    expect(histogramsIn(api.filename)[0]).toMatchObject({ count: 1, sum: seconds, buckets: expectedBuckets(PROM_DEFAULT, [seconds]) });
  });

  it('works as a decorator', () => {
    class Decorated extends BaseMmStats {
      @field.histogram({ buckets: [1, 2] }) accessor took!: Histogram;
    }
    const decorated = new Decorated(options());
    decorated.took.observe(1.5);
    expect(histogramsIn(decorated.filename)).toEqual([{ family: 'took', labels: {}, bounds: [1, 2, Infinity], buckets: [0, 1, 0], count: 1, sum: 1.5, countRecord: 1 }]);
  });

  it('refuses a labelled histogram whose overflow series’ records could not be added live (labels over 255 bytes)', () => {
    class Long extends BaseMmStats {
      static override fields = { h: field.histogram({ label: 'x'.repeat(220), labels: ['route'] }) };
    }
    expect(() => new Long(options())).toThrow(/overflow series would be longer than the 255 bytes/);
    const registry = new Registry(options());
    expect(() => registry.histogram('y'.repeat(220), { labels: ['route'] })).toThrow(SchemaError);
    expect(() => registry.counter('z'.repeat(210), { labels: ['route'] })).not.toThrow();
  });

  it.each([
    [{ buckets: [1, 1] }, /bucket bounds must increase: 1 then 1/],
    [{ buckets: [] }, /non-empty array/],
    [{ buckets: [1], min: 1 }, /either buckets or min\/max/],
    [{ min: 0, max: 1 }, /log-scale range needs/],
    [{ min: 5, max: 1 }, /log-scale range needs/],
  ])('refuses the declaration %j', (bad, message) => {
    expect(() => field.histogram(bad as never)).toThrow(SchemaError);
    expect(() => field.histogram(bad as never)).toThrow(message);
  });
});

describe('histogram counts past 2^32', () => {
  // 2^32 observations take minutes, so the series is built over records that already hold counts
  // just below 2^32, as its constructor finds them in a file (the count in slot 0, write index 1).
  test('bucket counts and the count carry into their high halves, whichever slot is written', () => {
    const spec = field.histogram({ buckets: [1] }).spec;
    const start = 2 ** 32 - 2;
    const specs = spec.parts!.records('h', [], [], 'default').map((record) => (record.signature === 'Q' ? { ...record, initial: start } : record));
    const { bytes, plan } = encodeFile(specs);
    const memory = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes, buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    const histogram = spec.parts!.create(memory, plan.records, { observationsRefused: undefined }) as Histogram;
    const read = () => Object.fromEntries(plan.records.map((record) => [record.label, readValue(memory.view, record)]));
    const seen = [];
    for (let i = 1; i <= 4; i++) {
      histogram.observe(0.5);
      seen.push(read());
    }
    expect(seen.map((values) => [values['h.bucket{le="1"}'], values['h.count']])).toEqual([1, 2, 3, 4].map((i) => [start + i, start + i]));
    expect(seen.map((values) => values['h.bucket{le="+Inf"}'])).toEqual([start, start, start, start]);
  });
});

describe('registry.histogram', () => {
  it('adds an unlabelled histogram to the live file, and labelled ones series by series', () => {
    const registry = new Registry(options());
    const latency = registry.histogram('http.latency', { buckets: PROM_DEFAULT, help: 'Latency', unit: 'seconds' });
    const sizes = registry.histogram('http.size', { labels: ['route'], min: 10, max: 1e5 });
    expect(registry.histogram('http.latency', { buckets: PROM_DEFAULT, help: 'Latency', unit: 'seconds' })).toBe(latency);
    expect(() => registry.histogram('http.latency', { buckets: [1] })).toThrow(SchemaError);
    latency.observe(0.2);
    sizes.labels({ route: '/a' }).observe(500);
    sizes.labels({ route: '/b' }).observe(5);
    const series = histogramsIn(registry.filename);
    expect(series.map((s) => [s.family, s.labels, s.count, s.sum])).toEqual([
      ['http.latency', {}, 1, 0.2],
      ['http.size', { route: '/a' }, 1, 500],
      ['http.size', { route: '/b' }, 1, 5],
    ]);
    const bytes = readFileSync(registry.filename);
    expect(decodeMetadata(bytes)!.families.get('http.latency')).toEqual({ name: 'http.latency', kind: 'histogram', help: 'Latency', unit: 'seconds' });
    expect(series[2].buckets[0]).toBe(1); // 5 is under the range: the underflow bucket
  });
});

describe('field.timer with a histogram', () => {
  it('observes every duration into <label>.histogram as well', () => {
    class Timed extends BaseMmStats {
      @field.timer({ histogram: { buckets: [0.001, 1] }, help: 'Handler' }) accessor handler!: Timer;
      @field.timer({ histogram: true }) accessor logScale!: Timer;
    }
    const timed = new Timed(options());
    for (let i = 0; i < 3; i++) timed.handler.time(() => undefined);
    timed.logScale.time(() => undefined);
    const series = histogramsIn(timed.filename);
    expect(series.map((s) => [s.family, s.count])).toEqual([
      ['handler.histogram', 3],
      ['logScale.histogram', 1],
    ]);
    expect(timed.handler.histogram!.count).toBe(3);
    const families = decodeMetadata(readFileSync(timed.filename))!.families;
    expect(families.get('handler.histogram')).toMatchObject({ kind: 'histogram', unit: 'seconds', help: 'Durations: Handler' });
    expect(families.get('handler.last')).toMatchObject({ kind: 'timer', unit: 'seconds', help: 'Latest duration: Handler' });
  });
});
