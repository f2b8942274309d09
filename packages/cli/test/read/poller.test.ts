// Real writer processes coming and going, read tick by tick through the poller's sample API.
// The children use the built @mmstats/writer (`npx tsc -b` first).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { selectFiles } from '../../src/read/files';
import { meaningOf, type RecordLayout } from '@mmstats/format';

import { DEFAULT_LAYOUT_CACHE_RECORDS } from '../../src/read/layout-cache';
import { computeTick, missingColumns, Sampler, type Cell, type FileSample, type Sample } from '../../src/read/poller';
import { parseSelector } from '../../src/read/selector';
import { formatCell } from '../../src/render/table';
import { double, makeTempDir, removeTempDir, writeStatsFile } from '../util';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** A child holding one stats file; it changes its values only when told to, and answers each message. */
const CHILD_SCRIPT = `
const { MmStats, field } = require('@mmstats/writer');
class Web extends MmStats {
  static fields = {
    ok: field.counter({ label: 'status.2XX' }),
    failed: field.counter({ label: 'status.5XX' }),
    requests: field.counter({ labels: ['route', 'status'], help: 'Responses' }),
    big: field.uint64({ label: 'big' }),
    load: field.double({ label: 'load' }),
    peak: field.double({ label: 'peak', aggregate: 'max' }),
    lastHit: field.double({ label: 'last_hit', unit: 'epoch_seconds' }),
    took: field.timer({ label: 'took' }),
    size: field.average({ label: 'size', unit: 'bytes' }),
    name: field.string({ label: 'name', size: 32 }),
    up: field.bool({ label: 'up' }),
  };
}
const stats = new Web({ path: process.argv[1], filename: process.argv[2], labelPrefix: 'web.' });
process.on('message', (m) => {
  for (const [key, n] of Object.entries(m.inc || {})) stats[key].inc(n);
  for (const [route, status, n] of m.requests || []) stats.requests.labels({ route, status }).inc(n);
  for (const n of m.sizes || []) stats.size.add(n);
  if (m.time) stats.took.time(() => {});
  Object.assign(stats, m.set || {});
  if (m.remove) stats.remove();
  process.send({ ok: true, took: stats.took.value });
  if (m.exit) process.disconnect();
});
process.send({ file: stats.filename });
`;

interface Message {
  inc?: Record<string, number>;
  set?: Record<string, unknown>;
  requests?: Array<[string, string, number]>;
  sizes?: number[];
  time?: boolean;
  remove?: boolean;
  exit?: boolean;
}

class Writer {
  readonly file: string;
  private constructor(
    private readonly child: ChildProcess,
    file: string,
  ) {
    this.file = file;
  }

  static async start(dir: string, name: string): Promise<Writer> {
    const child = spawn(process.execPath, ['-e', CHILD_SCRIPT, dir, name], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced', // bigints
    });
    children.push(child);
    const first = await nextMessage(child);
    return new Writer(child, (first as { file: string }).file);
  }

  /** Sends a command and waits for the child's answer, so the file holds the new values. */
  async send(message: Message): Promise<{ took: number }> {
    const answer = nextMessage(this.child);
    this.child.send(message);
    return (await answer) as { took: number };
  }

  async exit(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.send({ exit: true });
    await exited;
  }
}

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`writer child exited (${code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.removeListener('exit', onExit);
      resolve(message);
    });
  });
}

const children: ChildProcess[] = [];
let dir: string;

beforeAll(() => {
  if (!fs.existsSync(path.join(REPO_ROOT, 'packages', 'writer', 'dist', 'index.js'))) {
    throw new Error('packages/writer/dist is missing: run `npx tsc -b` before these tests');
  }
});

beforeEach(() => {
  dir = makeTempDir();
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill();
  removeTempDir(dir);
});

/** The columns of `fields` as `mmstats poll -p web.` takes them. */
function columns(...fields: string[]) {
  return fields.map((field) => parseSelector(field, 'web.'));
}

/** Polls `dir` the way `mmstats poll` does: select, then sample. */
async function sampleDir(sampler: Sampler, time: number): Promise<Sample> {
  const selection = await selectFiles([dir], {}, dir);
  return sampler.sample(selection.files, time);
}

function values(cells: readonly Cell[]): unknown[] {
  return cells.map((cell) => (cell.kind === 'unknown' ? '?' : cell.value));
}

describe('Sampler and computeTick with live writer processes', () => {
  const FIELDS = columns('status.2XX', 'status.5XX', 'big', 'load', 'name', 'up');

  test('counters: summed growth per interval; gauges, text and bools: current values; processes coming and going', async () => {
    const a = await Writer.start(dir, 'a.mmstats');
    const b = await Writer.start(dir, 'b.mmstats');
    await a.send({ inc: { ok: 10, failed: 1 }, set: { load: 0.5, name: 'alpha', up: true } });
    await b.send({ inc: { ok: 5 }, set: { load: 0.25, name: 'beta', up: false } });

    const sampler = new Sampler({ selectors: FIELDS });
    const s1 = await sampleDir(sampler, 1000);
    expect(missingColumns(s1, FIELDS.length)).toEqual([]);
    const t1 = computeTick(undefined, s1, FIELDS.length, 'delta');
    // First row: totals. Gauges are summed (their default aggregate), text shows the last file's
    // value (b), a bool gauge sums to the number of files where it is true.
    expect(values(t1.cells)).toEqual([15n, 1n, 0, 0.75, 'beta', 1]);
    expect(t1.files).toBe(2);
    expect(t1.gone).toEqual([]);

    await a.send({ inc: { ok: 3 } });
    await b.send({ inc: { ok: 4, failed: 2 }, set: { up: true } });
    const s2 = await sampleDir(sampler, 3000);
    // Counters grow; a gauge shows its current value in every mode, never a difference.
    expect(values(computeTick(s1, s2, FIELDS.length, 'delta').cells)).toEqual([7n, 2n, 0, 0.75, 'beta', 2]);
    expect(values(computeTick(s1, s2, FIELDS.length, 'absolute').cells)).toEqual([22n, 3n, 0, 0.75, 'beta', 2]);
    // Two seconds between the samples.
    expect(values(computeTick(s1, s2, FIELDS.length, 'rate').cells)).toEqual([3.5, 1, 0, 0.75, 'beta', 2]);

    // A third process appears: it was created during the interval, so all of its count is growth.
    const c = await Writer.start(dir, 'c.mmstats');
    await c.send({ inc: { ok: 100 } });
    await a.send({ inc: { ok: 1 } });
    const s3 = await sampleDir(sampler, 4000);
    const t3 = computeTick(s2, s3, FIELDS.length, 'delta');
    expect(t3.files).toBe(3);
    expect(values(t3.cells).slice(0, 2)).toEqual([101n, 0n]);

    // b removes its file: its 9 requests and 2 failures leave the totals, but no delta goes negative.
    await b.send({ remove: true });
    expect(fs.existsSync(b.file)).toBe(false);
    await c.send({ inc: { ok: 2 } });
    const s4 = await sampleDir(sampler, 5000);
    const t4 = computeTick(s3, s4, FIELDS.length, 'delta');
    expect(t4.files).toBe(2);
    expect(t4.gone).toEqual([path.join(dir, 'b.mmstats')]);
    expect(values(t4.cells).slice(0, 2)).toEqual([2n, 0n]);
    expect(values(computeTick(s3, s4, FIELDS.length, 'absolute').cells).slice(0, 2)).toEqual([116n, 1n]);

    // A process that exits without removing its file stays counted, with no growth.
    await a.exit();
    const s5 = await sampleDir(sampler, 6000);
    const t5 = computeTick(s4, s5, FIELDS.length, 'delta');
    expect(t5.files).toBe(2);
    expect(t5.gone).toEqual([]);
    expect(values(t5.cells).slice(0, 2)).toEqual([0n, 0n]);

    // Once no file holds the fields, their values are unknown, not 0.
    await c.send({ remove: true });
    fs.unlinkSync(a.file);
    const t6 = computeTick(s5, await sampleDir(sampler, 7000), FIELDS.length, 'delta');
    expect(t6.cells).toEqual(FIELDS.map(() => ({ kind: 'unknown' })));
    expect(t6.files).toBe(0);
    await c.exit();
  }, 30000);

  test('64-bit gauges are summed exactly', async () => {
    const a = await Writer.start(dir, 'a.mmstats');
    const b = await Writer.start(dir, 'b.mmstats');
    await a.send({ set: { big: 2n ** 63n } });
    await b.send({ set: { big: 2n ** 62n + 1n } });
    const big = columns('big');
    const sampler = new Sampler({ selectors: big });
    const s1 = await sampleDir(sampler, 0);
    expect(values(computeTick(undefined, s1, 1, 'delta').cells)).toEqual([2n ** 63n + 2n ** 62n + 1n]);
    await b.send({ set: { big: 2n ** 62n + 8n } });
    const s2 = await sampleDir(sampler, 1000);
    expect(values(computeTick(s1, s2, 1, 'delta').cells)).toEqual([2n ** 63n + 2n ** 62n + 8n]);
  }, 30000);

  test('--filter: only files with a label starting with one of the prefixes count', async () => {
    await Writer.start(dir, 'web.mmstats');
    writeStatsFile(dir, 'other.mmstats', [double('status.2XX', 1), double('jobs.done', 4)]);
    const selectors = columns('status.2XX');
    const all = await sampleDir(new Sampler({ selectors }), 0);
    expect(all.files.map((file) => path.basename(file.file)).sort()).toEqual(['other.mmstats', 'web.mmstats']);
    const some = await sampleDir(new Sampler({ selectors, filter: ['jobs.', 'nothing'] }), 0);
    expect(some.files.map((file) => path.basename(file.file))).toEqual(['other.mmstats']);
    expect(missingColumns(some, 1)).toEqual([0]);
  }, 30000);

  test('labelled families: a family sums all its series, name{k=v} the series with those labels, matched by parsed labels', async () => {
    const a = await Writer.start(dir, 'a.mmstats');
    const b = await Writer.start(dir, 'b.mmstats');
    await a.send({ requests: [['/a', '2xx', 3], ['/a', '5xx', 1]] });
    await b.send({ requests: [['/b', '5xx', 2]] });
    writeStatsFile(dir, 'unrelated.mmstats', [double('elsewhere', 1)]);
    const fields = columns(
      'requests',
      'requests{status=5xx}',
      'requests{route=/a,status=5xx}',
      'requests{status=5xx,route=/a}',
      'requests{status="2xx"}',
      'requests{status=5x}',
      'requests{route="/b\\"\\n"}',
    );
    const sampler = new Sampler({ selectors: fields });
    const s1 = await sampleDir(sampler, 1000);
    expect(missingColumns(s1, fields.length)).toEqual([]);
    const t1 = computeTick(undefined, s1, fields.length, 'delta');
    expect(values(t1.cells)).toEqual([6n, 3n, 1n, 1n, 3n, 0n, 0n]);
    // Only the files that hold the fields count, not every file read.
    expect(s1.files).toHaveLength(3);
    expect(t1.files).toBe(2);

    // A series added to a live file during the interval counts from zero; its label value holds
    // a quote and a newline, escaped in the file and matched unescaped.
    await b.send({ requests: [['/b"\n', '5xx', 4]] });
    await a.send({ requests: [['/a', '5xx', 2]] });
    const s2 = await sampleDir(sampler, 2000);
    expect(values(computeTick(s1, s2, fields.length, 'delta').cells)).toEqual([6n, 6n, 2n, 2n, 0n, 0n, 4n]);
    expect(values(computeTick(s1, s2, fields.length, 'absolute').cells)).toEqual([12n, 9n, 3n, 3n, 3n, 0n, 4n]);

    // A process whose family has no series yet holds the field: its count is 0, not unknown.
    await a.send({ remove: true });
    await b.send({ remove: true });
    await Writer.start(dir, 'c.mmstats');
    const s3 = await sampleDir(sampler, 3000);
    expect(missingColumns(s3, fields.length)).toEqual([]);
    const t3 = computeTick(s2, s3, fields.length, 'delta');
    expect(values(t3.cells)).toEqual([0n, 0n, 0n, 0n, 0n, 0n, 0n]);
    expect(t3.files).toBe(1);
  }, 30000);

  test('gauges by their aggregate, timestamps the latest, averages and timers the mean, text the last; in every mode', async () => {
    const a = await Writer.start(dir, 'a.mmstats');
    const b = await Writer.start(dir, 'b.mmstats');
    await a.send({ set: { load: 1.5, peak: 7, lastHit: 1000.5, name: 'alpha' }, sizes: [10, 20] });
    await b.send({ set: { load: 2, peak: 3, lastHit: 2000.25, name: 'beta' }, sizes: [40] });
    const tookA = (await a.send({ time: true })).took;
    const tookB = (await b.send({ time: true })).took;
    const fields = columns('load', 'peak', 'last_hit', 'took', 'size', 'name');
    const sampler = new Sampler({ selectors: fields });
    const s1 = await sampleDir(sampler, 1000);
    const s2 = await sampleDir(sampler, 2000);
    for (const tick of [computeTick(undefined, s1, fields.length, 'delta'), computeTick(s1, s2, fields.length, 'delta'), computeTick(s1, s2, fields.length, 'rate')]) {
      expect(tick.cells).toEqual([
        { kind: 'value', value: 3.5, unit: undefined, metric: 'gauge', float: true },
        { kind: 'value', value: 7, unit: undefined, metric: 'gauge', float: true },
        { kind: 'value', value: 2000.25, unit: 'epoch_seconds', metric: 'gauge', float: true },
        { kind: 'value', value: (tookA + tookB) / 2, unit: 'seconds', metric: 'timer', float: true },
        { kind: 'value', value: 27.5, unit: 'bytes', metric: 'average', float: true },
        { kind: 'value', value: 'beta', unit: undefined, metric: 'text', float: false },
      ]);
    }
    expect(tookA).toBeGreaterThan(0);
  }, 30000);
});

describe('Sampler', () => {
  test('reads values again without decoding the layout while the file keeps its size and inode', async () => {
    const file = writeStatsFile(dir, 'x.mmstats', [double('x', 1)]);
    const sampler = new Sampler({ selectors: [parseSelector('x')] });
    const entries = [{ file: 'x.mmstats', path: file }];
    expect((await sampler.sample(entries, 0)).files[0].values.get('x')?.value).toBe(1);
    // Same size, same inode, new value in place.
    const bytes = fs.readFileSync(file);
    writeStatsFile(dir, 'y.mmstats', [double('x', 2)]);
    fs.writeFileSync(file, fs.readFileSync(path.join(dir, 'y.mmstats')));
    expect(fs.readFileSync(file).length).toBe(bytes.length);
    expect((await sampler.sample(entries, 1)).files[0].values.get('x')?.value).toBe(2);
    // Another layout in a new file under the same name (as writers replace files): decoded again.
    writeStatsFile(dir, 'z.mmstats', [double('a-longer-label', 5), double('x', 3)]);
    fs.renameSync(path.join(dir, 'z.mmstats'), file);
    expect((await sampler.sample(entries, 2)).files[0].values.get('x')?.value).toBe(3);
  });

  test('keeps the layout of every file it polls, however many records they hold together, and only of those', async () => {
    // Three files of 40,000 records each: more than a shared reader keeps (DEFAULT_LAYOUT_CACHE_RECORDS).
    // A cache that drops the least recently used file would drop, at every tick, the next file to read.
    const specs = Array.from({ length: 40_000 }, (_, i) => double(`x${i}`, i));
    const entries = ['a', 'b', 'c'].map((name) => ({ file: name, path: writeStatsFile(dir, `${name}.mmstats`, specs) }));
    expect(3 * specs.length).toBeGreaterThan(DEFAULT_LAYOUT_CACHE_RECORDS);
    const sampler = new Sampler({ selectors: [parseSelector('x1')] });
    expect((await sampler.sample(entries, 0)).files.map((file) => file.values.get('x1')?.value)).toEqual([1, 1, 1]);
    expect(sampler.reader.cache.files).toBe(3);
    await sampler.sample(entries, 1);
    expect(sampler.reader.cache.files).toBe(3);
    // A file no longer selected is forgotten.
    await sampler.sample(entries.slice(0, 1), 2);
    expect(sampler.reader.cache.files).toBe(1);
  });

  test('a missing file is absent, listed as missing with the reason; a broken one is an error naming it', async () => {
    fs.writeFileSync(path.join(dir, 'bad.mmstats'), 'junk');
    const sampler = new Sampler({ selectors: [parseSelector('x')] });
    const sample = await sampler.sample(
      [
        { file: 'gone.mmstats', path: path.join(dir, 'gone.mmstats') },
        { file: 'bad.mmstats', path: path.join(dir, 'bad.mmstats') },
      ],
      0,
    );
    expect(sample.files).toEqual([]);
    expect(sample.errors.map((error) => error.message)).toEqual([expect.stringMatching(/^bad\.mmstats: .*not an mmstats v1 file/)]);
    expect([...sample.seen]).toEqual([path.join(dir, 'bad.mmstats')]);
    expect(sample.missing.map((error) => error.message)).toEqual(['gone.mmstats: no such file or directory']);
  });

  test('labels of any length', async () => {
    const label = 'l'.repeat(5000);
    writeStatsFile(dir, 'x.mmstats', [{ label, signature: 'Q', buffered: true, initial: 7 }]);
    const sample = await new Sampler({ selectors: [parseSelector(label)] }).sample([{ file: 'x', path: path.join(dir, 'x.mmstats') }], 0);
    expect(values(computeTick(undefined, sample, 1, 'delta').cells)).toEqual([7n]);
  });
});

describe('computeTick on files without metadata (SPEC.md §14.3: sums, and growth of integers)', () => {
  const COLUMNS = ['n', 's'];

  function fileSample(name: string, values: Record<string, number | bigint | string | boolean>, identity = name): FileSample {
    const map = new Map<string, FileSample['values'] extends ReadonlyMap<string, infer V> ? V : never>();
    for (const [label, value] of Object.entries(values)) {
      const kind = typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) || typeof value === 'bigint' ? 'uint' : 'float';
      map.set(label, { value, kind, meaning: meaningOf({ label } as RecordLayout, undefined) });
    }
    const columns = COLUMNS.map((label) => (map.has(label) ? [label] : []));
    return { file: name, path: `/d/${name}`, identity, values: map, unstable: [], columns, families: COLUMNS.map(() => undefined), histograms: COLUMNS.map(() => undefined) };
  }

  function sample(time: number, files: FileSample[], unreadable: string[] = []): Sample {
    return { time, files, errors: [], seen: new Set([...files.map((f) => f.path), ...unreadable.map((n) => `/d/${n}`)]), missing: [] };
  }

  test('a file replaced under the same name (new inode) counts as new', () => {
    const s1 = sample(0, [fileSample('a', { n: 50 }, 'ino1')]);
    const s2 = sample(1000, [fileSample('a', { n: 3 }, 'ino2')]);
    expect(computeTick(s1, s2, 1, 'delta')).toEqual({ time: 1000, files: 1, cells: [{ kind: 'growth', value: 3n }], gone: [] });
  });

  test('a file unreadable in the previous sample has no base and adds nothing; it is not "gone" while it is there', () => {
    const s1 = sample(0, [fileSample('a', { n: 1 })], ['b']);
    const s2 = sample(1000, [fileSample('a', { n: 2 }), fileSample('b', { n: 40 })]);
    expect(computeTick(s1, s2, 1, 'delta').cells).toEqual([{ kind: 'growth', value: 1n }]);
    const s3 = sample(2000, [], ['a']);
    expect(computeTick(s2, s3, 1, 'delta').gone).toEqual(['b']);
  });

  test('integers show their growth (rates divide it by the elapsed seconds); floats their current sum', () => {
    const ints1 = sample(0, [fileSample('a', { n: 1 }), fileSample('b', { n: 2 })]);
    const ints2 = sample(500, [fileSample('a', { n: 3 }), fileSample('b', { n: 3 })]);
    expect(computeTick(ints1, ints2, 1, 'delta').cells).toEqual([{ kind: 'growth', value: 3n }]);
    expect(computeTick(ints1, ints2, 1, 'rate').cells).toEqual([{ kind: 'rate', value: 6 }]);
    const floats1 = sample(0, [fileSample('a', { n: 0.5 }), fileSample('b', { n: 1 })]);
    const floats2 = sample(500, [fileSample('a', { n: 1.5 }), fileSample('b', { n: 1 })]);
    for (const mode of ['delta', 'rate', 'absolute'] as const) {
      expect(computeTick(floats1, floats2, 1, mode).cells).toEqual([{ kind: 'value', value: 2.5, float: true }]);
    }
  });

  test('a value caught changing in any file counted makes the cell unknown in every mode, never a sum or a growth of 0', () => {
    const s1 = sample(0, [fileSample('a', { n: 5 }), fileSample('b', { n: 1 })]);
    // b's value of this moment is unknown; the sampler kept its previous one.
    const s2 = sample(1000, [fileSample('a', { n: 7 }), { ...fileSample('b', { n: 1 }), unstable: ['n'] }]);
    for (const mode of ['delta', 'rate', 'absolute'] as const) expect(computeTick(s1, s2, 1, mode).cells).toEqual([{ kind: 'unknown' }]);
    expect(computeTick(undefined, s2, 1, 'delta').cells).toEqual([{ kind: 'unknown' }]);
    // Known again: the growth since the last known value, both intervals' worth.
    const s3 = sample(2000, [fileSample('a', { n: 7 }), fileSample('b', { n: 9 })]);
    expect(computeTick(s2, s3, 1, 'delta').cells).toEqual([{ kind: 'growth', value: 8n }]);
  });

  test('a field no file holds any more is unknown, never 0', () => {
    const s1 = sample(0, [fileSample('a', { n: 4, s: 'x' })]);
    const s2 = sample(1000, []);
    expect(computeTick(s1, s2, 2, 'absolute')).toEqual({ time: 1000, files: 0, cells: [{ kind: 'unknown' }, { kind: 'unknown' }], gone: ['a'] });
  });
});

describe('computeTick: histogram statistics over the interval', () => {
  const BOUNDS = [1, 2, 4, Infinity];
  const P50 = { kind: 'quantile', q: 0.5 } as const;

  function histogramFile(name: string, buckets: number[], identity = name): FileSample {
    const series = { family: 'h', labels: {}, bounds: BOUNDS, buckets, count: buckets.reduce((a, b) => a + b, 0), sum: 0, countRecord: 0 };
    const meaning = meaningOf({ label: 'h.count' } as RecordLayout, undefined);
    return {
      file: name,
      path: `/d/${name}`,
      identity,
      values: new Map([['h.count', { value: series.count, kind: 'uint', meaning }]]),
      unstable: [],
      columns: [['h.count']],
      families: [undefined],
      histograms: [new Map([['[]', series]])],
    };
  }

  function sample(time: number, files: FileSample[], unreadable: string[] = []): Sample {
    return { time, files, errors: [], seen: new Set([...files.map((f) => f.path), ...unreadable.map((n) => `/d/${n}`)]), missing: [] };
  }

  const p50 = (previous: Sample | undefined, current: Sample) => {
    const cell = computeTick(previous, current, 1, 'delta', [P50]).cells[0];
    return cell.kind === 'value' ? cell.value : cell.kind;
  };

  test('the difference of the counts of each file, merged; a file replaced under its name counts whole', () => {
    const before = sample(0, [histogramFile('a', [10, 0, 0, 0]), histogramFile('b', [0, 0, 0, 0])]);
    // a saw nothing new, b saw 4 values in (2, 4]: the interval's median is in (2, 4].
    expect(p50(before, sample(1000, [histogramFile('a', [10, 0, 0, 0]), histogramFile('b', [0, 0, 4, 0])]))).toBe(3);
    // a is a new file (another inode) whose 2 observations in (1, 2] count, beside b's 2 in (2, 4].
    expect(p50(before, sample(1000, [histogramFile('a', [0, 2, 0, 0], 'other'), histogramFile('b', [0, 0, 2, 0])]))).toBe(2);
    // Nothing observed in the interval: no value.
    expect(p50(before, before)).toBeUndefined();
  });

  test('a file unreadable at the previous row adds nothing; counts that went down count from zero', () => {
    const before = sample(0, [histogramFile('b', [0, 0, 1, 0])], ['a']);
    expect(p50(before, sample(1000, [histogramFile('a', [8, 0, 0, 0]), histogramFile('b', [0, 0, 3, 0])]))).toBe(3);
    expect(p50(sample(0, [histogramFile('b', [0, 0, 9, 0])]), sample(1000, [histogramFile('b', [1, 0, 0, 0])]))).toBe(0.5);
  });

  test('max is the upper bound of the highest bucket used: infinite when a value fell above the last bound', () => {
    const max = (buckets: number[]) => computeTick(undefined, sample(0, [histogramFile('a', buckets)]), 1, 'delta', [{ kind: 'max' }]).cells[0];
    expect(max([3, 1, 0, 0])).toMatchObject({ kind: 'value', value: 2 });
    expect(max([3, 1, 0, 1])).toMatchObject({ kind: 'value', value: Infinity });
    expect(formatCell(max([3, 1, 0, 1]))).toBe('inf');
  });
});
