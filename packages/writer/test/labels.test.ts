// Labelled fields: series added to the live file by labels({…}) (SPEC.md §14.5, §14.7), read back
// through the format codec as any reader would.
import { readFileSync } from 'node:fs';
import { decodeTrailer, TRAILER_SIZE } from '@mmstats/format';
import { BaseMmStats, DEFAULT_MAX_LABEL_SETS, MmStats, REFUSED_LABEL, SchemaError, field, type Counter, type Family, type GaugeHandle } from '@mmstats/writer';
import { recordsWithMeaning, tempDir } from './util';

const dir = tempDir();
let serial = 0;
const options = (extra: object = {}) => ({ path: dir, filename: `labels-${serial++}.mmstats`, ...extra });


function valueOf(path: string, label: string) {
  return recordsWithMeaning(path).find((record) => record.label === label)?.value;
}

class Web extends BaseMmStats {
  static override fields = {
    requests: field.counter({ labels: ['route', 'status'], help: 'Requests answered', maxLabelSets: 3 }),
    inFlight: field.double({ labels: ['route'], aggregate: 'max', unit: 'ratio' }),
  };
}
interface Web {
  readonly requests: Family<Counter, 'route' | 'status'>;
  readonly inFlight: Family<GaugeHandle, 'route'>;
}

describe('labels({…})', () => {
  it('adds a series the first time a label set is seen, and returns the same one after', () => {
    const web = new Web(options());
    const a = web.requests.labels({ route: '/a', status: '2xx' });
    a.inc();
    web.requests.labels({ route: '/a', status: '2xx' }).inc(2);
    expect(web.requests.labels({ route: '/a', status: '2xx' })).toBe(a);
    expect(web.requests.size).toBe(1);
    const series = recordsWithMeaning(web.filename).find((r) => r.family === 'requests' && r.labels.route === '/a')!;
    expect(series).toMatchObject({ label: 'requests{route="/a",status="2xx"}', value: 3, kind: 'counter', help: 'Requests answered', labels: { route: '/a', status: '2xx' } });
  });

  it('takes numbers and booleans as their text: 500 and "500" are one series', () => {
    const web = new Web(options());
    web.requests.labels({ route: '/b', status: 500 }).inc();
    web.requests.labels({ route: '/b', status: '500' }).inc();
    web.requests.labels({ route: '/b', status: 500 }).inc();
    expect(web.requests.size).toBe(1);
    expect(valueOf(web.filename, 'requests{route="/b",status="500"}')).toBe(3);
  });

  it('makes gauge series with set, inc, dec and value', () => {
    const web = new Web(options());
    const gauge = web.inFlight.labels({ route: '/a' });
    gauge.set(2);
    gauge.inc();
    gauge.dec(0.5);
    expect(gauge.value).toBe(2.5);
    expect(recordsWithMeaning(web.filename).find((r) => r.family === 'inFlight')).toMatchObject({ value: 2.5, kind: 'gauge', aggregate: 'max', unit: 'ratio' });
  });

  it('escapes label values, so none can forge another series or reach a terminal', () => {
    const web = new Web(options());
    web.requests.labels({ route: '/x",status="5xx', status: '2xx\n\x1b[2J' }).inc();
    const series = recordsWithMeaning(web.filename).find((r) => r.family === 'requests')!;
    expect(series.label).toBe('requests{route="/x\\",status=\\"5xx",status="2xx\\n\\x1b[2J"}');
    expect(series.labels).toEqual({ route: '/x",status="5xx', status: '2xx\n\x1b[2J' });
  });

  it('sends label sets past maxLabelSets to the overflow series and counts them, never throwing', () => {
    const web = new Web(options());
    for (let i = 0; i < 5; i++) web.requests.labels({ route: `/r${i}`, status: '2xx' }).inc(10);
    web.requests.labels({ route: '/r4', status: '2xx' }).inc(); // refused before: counted once
    expect(web.requests.size).toBe(3);
    const records = recordsWithMeaning(web.filename);
    expect(records.find((r) => r.label === 'requests{overflow="true"}')).toMatchObject({ value: 21, labels: { overflow: 'true' } });
    expect(records.find((r) => r.label === REFUSED_LABEL)).toMatchObject({ value: 2, kind: 'counter' });
    // Nothing is lost: the series and the overflow hold every increment.
    const total = records.filter((r) => r.family === 'requests').reduce((sum, r) => sum + Number(r.value), 0);
    expect(total).toBe(51);
  });

  it('sends a label set with a missing or undeclared label to the overflow series, with one warning', () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const web = new Web(options());
      const loose = web.requests.labels as (values: unknown) => Counter;
      loose({ route: '/a' }).inc();
      loose({ route: '/a', status: '2xx', colour: 'red' }).inc();
      loose(undefined).inc();
      expect(valueOf(web.filename, 'requests{overflow="true"}')).toBe(3);
      expect(valueOf(web.filename, REFUSED_LABEL)).toBe(3);
      expect(web.requests.size).toBe(0);
      expect(emitWarning.mock.calls.map((call) => call[0])).toEqual([
        'mmstats: family requests: label status is missing; such label sets go to its overflow series {overflow="true"}',
      ]);
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('sends a label set whose series label would pass 255 bytes to the overflow series', () => {
    const web = new Web(options());
    web.requests.labels({ route: 'x'.repeat(300), status: '2xx' }).inc();
    expect(web.requests.size).toBe(0);
    expect(valueOf(web.filename, 'requests{overflow="true"}')).toBe(1);
  });

  it('sends label sets to the overflow series once the reserve is full', () => {
    class Big extends BaseMmStats {
      static override fields = { hits: field.counter({ labels: ['id'], maxLabelSets: 100_000 }) };
    }
    const big = new Big(options({ reserve: 2000 })) as Big & { hits: Family<Counter, 'id'> };
    for (let i = 0; i < 500; i++) big.hits.labels({ id: i }).inc();
    expect(big.hits.size).toBeGreaterThan(20);
    expect(big.hits.size).toBeLessThan(500);
    const records = recordsWithMeaning(big.filename);
    expect(records.find((r) => r.label === 'hits{overflow="true"}')!.value).toBe(500 - big.hits.size);
    expect(records.filter((r) => r.family === 'hits')).toHaveLength(big.hits.size + 1);
  });

  it('gives every label set its own series up to the default of 1,000', () => {
    class Many extends BaseMmStats {
      static override fields = { hits: field.counter({ labels: ['id'] }) };
    }
    const many = new Many(options()) as Many & { hits: Family<Counter, 'id'> };
    for (let i = 0; i < DEFAULT_MAX_LABEL_SETS; i++) many.hits.labels({ id: i }).inc();
    expect(many.hits.size).toBe(DEFAULT_MAX_LABEL_SETS);
    expect(recordsWithMeaning(many.filename).filter((r) => r.family === 'hits')).toHaveLength(DEFAULT_MAX_LABEL_SETS);
  });

  it('keeps working after remove(), on a private copy', () => {
    const web = new Web(options());
    const kept = web.requests.labels({ route: '/a', status: '2xx' });
    web.remove();
    kept.inc();
    web.requests.labels({ route: '/new', status: '2xx' }).inc();
    expect(kept.value).toBe(1);
    expect(web.requests.labels({ route: '/new', status: '2xx' }).value).toBe(1);
  });
});

describe('metadata of every field', () => {
  it('describes each field with its kind, help, unit and aggregate', () => {
    class Described extends MmStats {
      static override fields = {
        hits: field.counter({ help: 'Hits' }),
        lastHit: field.double({ unit: 'epoch_seconds' }),
        took: field.timer(),
        size: field.average({ unit: 'bytes' }),
        status: field.string(),
        up: field.bool(),
      };
    }
    const stats = new Described(options({ labelPrefix: 'app.' }));
    const byLabel = Object.fromEntries(recordsWithMeaning(stats.filename).map((r) => [r.label, r]));
    expect(byLabel['app.hits']).toMatchObject({ kind: 'counter', help: 'Hits', aggregate: 'sum' });
    expect(byLabel['app.lastHit']).toMatchObject({ kind: 'gauge', unit: 'epoch_seconds', aggregate: 'max' });
    expect(byLabel['app.took']).toMatchObject({ kind: 'timer', unit: 'seconds', aggregate: 'mean' });
    expect(byLabel['app.size']).toMatchObject({ kind: 'average', unit: 'bytes', aggregate: 'mean' });
    expect(byLabel['app.status']).toMatchObject({ kind: 'text', aggregate: 'last' });
    expect(byLabel['app.up']).toMatchObject({ kind: 'gauge' });
    expect(byLabel['app.sys.pid']).toMatchObject({ kind: 'constant', help: 'Process id of the writer' });
    expect(byLabel['app.sys.created']).toMatchObject({ kind: 'constant', unit: 'epoch_seconds' });
  });

  it('writes no metadata block with layout original, and refuses labelled fields there', () => {
    class Plain extends BaseMmStats {
      static override fields = { hits: field.counter() };
    }
    const plain = new Plain(options({ layout: 'original' }));
    expect(decodeTrailer(readFileSync(plain.filename))).toBeUndefined();
    expect(() => new Web(options({ layout: 'original' }))).toThrow(/requests: a labelled field needs the default layout/);
  });

  it('keeps the reserve free and the trailer at the end of a whole number of pages', () => {
    const web = new Web(options({ reserve: 10_000 }));
    const bytes = readFileSync(web.filename);
    const trailer = decodeTrailer(bytes)!;
    expect(bytes.length % 4096).toBe(0);
    expect(trailer.metadataStart - trailer.recordsEnd).toBeGreaterThanOrEqual(10_000);
    expect(bytes.subarray(bytes.length - 4).toString('latin1')).toBe('mmx1');
    expect(bytes.length - TRAILER_SIZE).toBeGreaterThan(trailer.metadataStart);
  });
});

describe('declaring labelled fields', () => {
  it.each([
    [{ labels: [] }, /non-empty array/],
    [{ labels: ['9x'] }, /must match/],
    [{ labels: ['pid'] }, /reserved/],
    [{ labels: ['a', 'a'] }, /must differ/],
    [{ labels: ['a'], maxLabelSets: 0 }, /maxLabelSets must be a whole number/],
    [{ maxLabelSets: 5 }, /maxLabelSets needs labels/],
    [{ unit: 'Seconds' }, /unit must be a lower-case word/],
    [{ help: 3 }, /help must be a string/],
    [{ aggregate: 'median' }, /aggregate must be one of sum, mean, max, min, last/],
  ])('refuses %j', (bad, message) => {
    expect(() => field.double(bad as never)).toThrow(SchemaError);
    expect(() => field.double(bad as never)).toThrow(message);
  });

  it('refuses { in a label of a file with metadata: it is kept for series labels', () => {
    class Braced extends BaseMmStats {
      static override fields = { x: field.counter({ label: 'a{b}' }) };
    }
    expect(() => new Braced(options())).toThrow(/\{ is kept for the labels of series/);
    expect(() => new Braced(options({ layout: 'original' }))).not.toThrow();
  });
});
