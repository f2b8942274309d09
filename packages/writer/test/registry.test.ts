// The runtime API: metrics created by name on a Registry, read back as any reader would.
import { REFUSED_LABEL, Registry, SchemaError } from '@mmstats/writer';
import { recordsWithMeaning, tempDir } from './util';

const dir = tempDir();
let serial = 0;
const options = (extra: object = {}) => ({ path: dir, filename: `registry-${serial++}.mmstats`, ...extra });


describe('Registry', () => {
  it('writes the process fields and the metrics created after it, with their meaning', () => {
    const registry = new Registry(options({ labelPrefix: 'jobs.' }));
    const done = registry.counter('done', { help: 'Jobs finished' });
    const depth = registry.gauge('depth', { help: 'Jobs waiting', aggregate: 'max' });
    const size = registry.gauge('size', { type: 'uint', unit: 'bytes' });
    done.inc(3);
    depth.set(10);
    depth.dec(4);
    depth.inc();
    size.set(4096);
    const byLabel = Object.fromEntries(recordsWithMeaning(registry.filename).map((r) => [r.label, r]));
    expect(byLabel['jobs.sys.pid']).toMatchObject({ value: process.pid, kind: 'constant' });
    expect(byLabel['jobs.done']).toMatchObject({ value: 3, kind: 'counter', help: 'Jobs finished' });
    expect(byLabel['jobs.depth']).toMatchObject({ value: 7, kind: 'gauge', aggregate: 'max' });
    expect(byLabel['jobs.size']).toMatchObject({ value: 4096, kind: 'gauge', unit: 'bytes' });
    expect(depth.value).toBe(7);
    expect(byLabel[`jobs.${REFUSED_LABEL}`]).toMatchObject({ value: 0, kind: 'counter' });
  });

  it('makes labelled families whose series are added as they are asked for', () => {
    const registry = new Registry(options());
    const requests = registry.counter('http.requests', { labels: ['route', 'status'] });
    requests.labels({ route: '/a', status: '2xx' }).inc();
    requests.labels({ route: '/a', status: '2xx' }).inc();
    registry.gauge('pool.size', { labels: ['pool'] }).labels({ pool: 'db' }).set(5);
    const series = recordsWithMeaning(registry.filename).filter((r) => r.labels.route !== undefined || r.labels.pool !== undefined);
    expect(series.map((r) => [r.label, r.value, r.kind])).toEqual([
      ['http.requests{route="/a",status="2xx"}', 2, 'counter'],
      ['pool.size{pool="db"}', 5, 'gauge'],
    ]);
  });

  it('returns the metric already created for a name, and refuses the name with other options', () => {
    const registry = new Registry(options());
    const a = registry.counter('hits', { help: 'Hits' });
    expect(registry.counter('hits', { help: 'Hits' })).toBe(a);
    expect(() => registry.counter('hits', { help: 'Other' })).toThrow(SchemaError);
    expect(() => registry.gauge('hits')).toThrow(/exists already as a counter/);
    expect(recordsWithMeaning(registry.filename).filter((r) => r.label === 'hits')).toHaveLength(1);
  });

  it.each([
    ['', /non-empty string/],
    ['a{b}', /\{ is kept for the labels of series/],
    ['x'.repeat(300), /too long/],
    ['sys.pid', /the registry's own field uses that name/],
  ])('refuses the name %j', (name, message) => {
    const registry = new Registry(options());
    expect(() => registry.counter(name)).toThrow(message);
  });

  it('refuses a gauge type it does not know', () => {
    const registry = new Registry(options());
    expect(() => registry.gauge('g', { type: 'string' as never })).toThrow(/type must be double, float, int, uint, short, ushort or uint64/);
  });

  it('keeps a metric that finds no room working, unpublished, and says so once', () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const registry = new Registry(options({ reserve: 0 }));
      const made = [];
      for (let i = 0; i < 400; i++) made.push(registry.counter(`metric.number.${i}`, { help: 'x'.repeat(40) }));
      for (const counter of made) counter.inc(2);
      expect(made.every((counter) => counter.value === 2)).toBe(true);
      const published = recordsWithMeaning(registry.filename).filter((r) => r.label.startsWith('metric.number.'));
      expect(published.length).toBeGreaterThan(0);
      expect(published.length).toBeLessThan(400);
      expect(published.every((r) => r.value === 2 && r.kind === 'counter')).toBe(true);
      expect(emitWarning).toHaveBeenCalledTimes(1);
      expect(String(emitWarning.mock.calls[0][0])).toMatch(/no room left in .* for metric "metric\.number\.\d+"; it works but is not published/);
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('keeps its metrics working after remove()', () => {
    const registry = new Registry(options());
    const hits = registry.counter('hits');
    registry.remove();
    hits.inc();
    registry.counter('late').inc();
    expect(hits.value).toBe(1);
  });
});
