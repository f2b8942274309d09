// A second, independent reader: packages/format/test/spec_decoder.py was written in Python from
// SPEC.md alone. If it reads what this writer wrote, the spec is enough to implement the format.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFile, decodeMetadata, histogramsOf } from '@mmstats/format';
import { BaseMmStats, field } from '@mmstats/writer';
import { EveryFieldType, tempDir } from './util';

const dir = tempDir();
const DECODER = join(__dirname, '../../format/test/spec_decoder.py');
const ORIGINAL_READER = join(__dirname, '../../format/test/original_reader.py');

class EveryType extends EveryFieldType {
  static override fields = { nan: field.double(), negInf: field.double() };
}


test('a decoder written from SPEC.md alone reads every field type this writer writes', () => {
  const s = new EveryType({ path: dir, filename: 'every.mmstats', labelPrefix: 'app.' }) as EveryType & Record<string, any>;
  s.counter.inc(3);
  s.counter.inc(); // write index back to 0: both slot choices are exercised across records
  s.uint64 = 2n ** 53n + 1n;
  s.uint = 123456789;
  s.int = -123456789;
  s.short = -32768;
  s.ushort = 65535;
  s.byte = -128;
  s.bool = true;
  s.float = 0.1;
  s.double = -1234.5678;
  s.string = 'long text cut here';
  s.string = 'ünï';
  s.average.add(1);
  s.average.add(2);
  s.movingAverage.add(10);
  s.movingAverage.add(20);
  s.movingAverage.add(40);
  s.movingAverage.add(30);
  s.timer.time(() => undefined);
  s.nan = NaN;
  s.negInf = -Infinity;

  const out = execFileSync('python3', [DECODER, s.filename], { encoding: 'utf8' });
  // Parse with exact integers: JSON.parse would round 64-bit values.
  const exact = out.replace(/("value": )(-?\d{16,})/g, '$1"$2n"');
  const [file] = JSON.parse(exact).files;
  const values = Object.fromEntries(file.records.map((r: { label: string; value: unknown }) => [r.label, r.value]));
  expect(values).toEqual({
    'app.counter': 4,
    'app.uint64': '9007199254740993n',
    'app.uint': 123456789,
    'app.int': -123456789,
    'app.short': -32768,
    'app.ushort': 65535,
    'app.byte': -128,
    'app.bool': true,
    'app.float': Math.fround(0.1),
    'app.double': -1234.5678,
    'app.string': 'ünï',
    'app.staticUInt': 4000000000,
    'app.staticInt64': '-4611686018427387904n',
    'app.staticUInt64': '18446744073709551615n',
    'app.staticFloat': -0.25,
    'app.staticDouble': 1e-300,
    'app.staticText': 'naïve ✓',
    'app.average': 1.5,
    'app.movingAverage': 30,
    'app.timer': s.timer.value,
    'app.timer.last': s.timer.last,
    'app.nan': 'NaN',
    'app.negInf': '-Infinity',
  });
  const types = Object.fromEntries(file.records.map((r: { label: string; type: string }) => [r.label, r.type]));
  expect(types['app.string']).toBe('255s');
  expect(types['app.staticText']).toBe('256s');
});

test('the Python readers read this writer’s histograms: the one from SPEC.md groups them as we do, the original’s algorithm sees each part as a plain counter', () => {
  class Latency extends BaseMmStats {
    static override fields = {
      latency: field.histogram({ buckets: [0.01, 0.1, 1], labels: ['route'] }),
      sizes: field.histogram({ min: 1, max: 1000 }),
    };
  }
  const s = new Latency({ path: dir, filename: 'histograms.mmstats' }) as Latency & Record<string, any>;
  for (const [route, value] of [['/a', 0.005], ['/a', 0.5], ['/b', 3], ['/a', 0.05]] as const) s.latency.labels({ route }).observe(value);
  for (const value of [0.5, 10, 999, 5000]) s.sizes.observe(value);
  const bytes = readFileSync(s.filename);
  const records = decodeFile(bytes);
  const ours = histogramsOf(
    records.map((r) => r.layout),
    decodeMetadata(bytes),
    records,
  ).series;

  const spec = JSON.parse(execFileSync('python3', [DECODER, s.filename], { encoding: 'utf8' })).files[0].histograms;
  expect(spec).toEqual(ours.map(({ family, labels, bounds, buckets, count, sum }) => ({ family, labels, bounds: bounds.map((b) => (b === Infinity ? 'Infinity' : b)), buckets, count, sum })));
  expect(ours.map((h) => [h.family, h.labels, h.count])).toEqual([
    ['sizes', {}, 4],
    ['latency', { route: '/a' }, 3],
    ['latency', { route: '/b' }, 1],
  ]);

  const original = JSON.parse(execFileSync('python3', [ORIGINAL_READER, s.filename], { encoding: 'utf8' })).files[0].records as Array<{ label: string; value: unknown }>;
  const values = Object.fromEntries(original.map((r) => [r.label, r.value]));
  expect(original.map((r) => r.label)).toEqual(records.map((r) => r.label));
  expect(values).toMatchObject({
    'latency.bucket{route="/a",le="0.01"}': 1,
    'latency.bucket{route="/a",le="0.1"}': 1,
    'latency.bucket{route="/a",le="1"}': 1,
    'latency.bucket{route="/a",le="+Inf"}': 0,
    'latency.count{route="/a"}': 3,
    'latency.sum{route="/a"}': 0.555,
    'latency.bucket{route="/b",le="+Inf"}': 1,
    'sizes.bucket{le="1"}': 1,
    'sizes.bucket{le="+Inf"}': 1,
    'sizes.count': 4,
    'sizes.sum': 6009.5,
  });
});
