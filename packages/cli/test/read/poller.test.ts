// Real writer processes coming and going, read tick by tick through the poller's sample API.
// The children use the built @mmstats/writer (`npx tsc -b` first).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { selectFiles } from '../../src/read/files';
import { computeTick, missingLabels, Sampler, type Cell, type FileSample, type Sample } from '../../src/read/poller';
import { double, makeTempDir, removeTempDir, writeStatsFile } from '../util';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** A child holding one stats file; it changes its values only when told to, and answers each message. */
const CHILD_SCRIPT = `
const { MmStats, field } = require('@mmstats/writer');
class Web extends MmStats {
  static fields = {
    ok: field.counter({ label: 'status.2XX' }),
    failed: field.counter({ label: 'status.5XX' }),
    big: field.uint64({ label: 'big' }),
    load: field.double({ label: 'load' }),
    name: field.string({ label: 'name', size: 32 }),
    up: field.bool({ label: 'up' }),
  };
}
const stats = new Web({ path: process.argv[1], filename: process.argv[2], labelPrefix: 'web.' });
process.on('message', (m) => {
  for (const [key, n] of Object.entries(m.inc || {})) stats[key].inc(n);
  Object.assign(stats, m.set || {});
  if (m.remove) stats.remove();
  process.send({ ok: true });
  if (m.exit) process.disconnect();
});
process.send({ file: stats.filename });
`;

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
  async send(message: { inc?: Record<string, number>; set?: Record<string, unknown>; remove?: boolean; exit?: boolean }): Promise<void> {
    const answer = nextMessage(this.child);
    this.child.send(message);
    await answer;
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

const LABELS = ['web.status.2XX', 'web.status.5XX', 'web.big', 'web.load', 'web.name', 'web.up'];

/** Polls `dir` the way `mmstats poll` does: select, then sample. */
async function sampleDir(sampler: Sampler, time: number): Promise<Sample> {
  const selection = await selectFiles([dir], {}, dir);
  return sampler.sample(selection.files, time);
}

function values(cells: readonly Cell[]): unknown[] {
  return cells.map((cell) => (cell.kind === 'unknown' ? '?' : cell.value));
}

describe('Sampler and computeTick with live writer processes', () => {
  test('sums across processes; deltas per interval; a new process is picked up; a removed file is dropped', async () => {
    const a = await Writer.start(dir, 'a.mmstats');
    const b = await Writer.start(dir, 'b.mmstats');
    await a.send({ inc: { ok: 10, failed: 1 }, set: { load: 0.5, name: 'alpha', up: true } });
    await b.send({ inc: { ok: 5 }, set: { load: 0.25, name: 'beta', up: false } });

    const sampler = new Sampler({ labels: LABELS });
    const s1 = await sampleDir(sampler, 1000);
    expect(missingLabels(s1, LABELS)).toEqual([]);
    const t1 = computeTick(undefined, s1, LABELS, 'delta');
    // First row: totals. Strings show the last file's value (b), bools count the true ones.
    expect(values(t1.cells)).toEqual([15n, 1n, 0n, 0.75, 'beta', 1]);
    expect(t1.files).toBe(2);
    expect(t1.gone).toEqual([]);

    await a.send({ inc: { ok: 3 } });
    await b.send({ inc: { ok: 4, failed: 2 }, set: { up: true } });
    const s2 = await sampleDir(sampler, 3000);
    const t2 = computeTick(s1, s2, LABELS, 'delta');
    expect(values(t2.cells)).toEqual([7n, 2n, 0n, 0, 'beta', 2]);
    expect(values(computeTick(s1, s2, LABELS, 'absolute').cells)).toEqual([22n, 3n, 0n, 0.75, 'beta', 2]);
    // Two seconds between the samples.
    expect(values(computeTick(s1, s2, LABELS, 'rate').cells)).toEqual([3.5, 1, 0, 0, 'beta', 2]);

    // A third process appears: it was created during the interval, so all of its count is growth.
    const c = await Writer.start(dir, 'c.mmstats');
    await c.send({ inc: { ok: 100 } });
    await a.send({ inc: { ok: 1 } });
    const s3 = await sampleDir(sampler, 4000);
    const t3 = computeTick(s2, s3, LABELS, 'delta');
    expect(t3.files).toBe(3);
    expect(values(t3.cells).slice(0, 2)).toEqual([101n, 0n]);

    // b removes its file: its 9 requests and 2 failures leave the totals, but no delta goes negative.
    await b.send({ remove: true });
    expect(fs.existsSync(b.file)).toBe(false);
    await c.send({ inc: { ok: 2 } });
    const s4 = await sampleDir(sampler, 5000);
    const t4 = computeTick(s3, s4, LABELS, 'delta');
    expect(t4.files).toBe(2);
    expect(t4.gone).toEqual([path.join(dir, 'b.mmstats')]);
    expect(values(t4.cells).slice(0, 2)).toEqual([2n, 0n]);
    expect(values(computeTick(s3, s4, LABELS, 'absolute').cells).slice(0, 2)).toEqual([116n, 1n]);

    // A process that exits without removing its file stays counted, with no growth.
    await a.exit();
    const s5 = await sampleDir(sampler, 6000);
    const t5 = computeTick(s4, s5, LABELS, 'delta');
    expect(t5.files).toBe(2);
    expect(t5.gone).toEqual([]);
    expect(values(t5.cells).slice(0, 2)).toEqual([0n, 0n]);
    await c.exit();
  }, 30000);

  test('64-bit values beyond 2^53 are summed exactly', async () => {
    const a = await Writer.start(dir, 'a.mmstats');
    const b = await Writer.start(dir, 'b.mmstats');
    await a.send({ set: { big: 2n ** 63n } });
    await b.send({ set: { big: 2n ** 62n + 1n } });
    const sampler = new Sampler({ labels: ['web.big'] });
    const s1 = await sampleDir(sampler, 0);
    expect(computeTick(undefined, s1, ['web.big'], 'delta').cells[0]).toEqual({ kind: 'int', value: 2n ** 63n + 2n ** 62n + 1n });
    await b.send({ set: { big: 2n ** 62n + 8n } });
    const s2 = await sampleDir(sampler, 1000);
    expect(computeTick(s1, s2, ['web.big'], 'delta').cells[0]).toEqual({ kind: 'int', value: 7n });
  }, 30000);

  test('--filter: only files with a label starting with one of the prefixes count', async () => {
    await Writer.start(dir, 'web.mmstats');
    writeStatsFile(dir, 'other.mmstats', [double('status.2XX', 1), double('jobs.done', 4)]);
    const labels = ['web.status.2XX'];
    const all = await sampleDir(new Sampler({ labels }), 0);
    expect(all.files.map((file) => path.basename(file.file)).sort()).toEqual(['other.mmstats', 'web.mmstats']);
    const some = await sampleDir(new Sampler({ labels, filter: ['jobs.', 'nothing'] }), 0);
    expect(some.files.map((file) => path.basename(file.file))).toEqual(['other.mmstats']);
    expect(missingLabels(some, labels)).toEqual(labels);
  }, 30000);
});

describe('Sampler', () => {
  test('reads values again without decoding the layout while the file keeps its size and inode', async () => {
    const file = writeStatsFile(dir, 'x.mmstats', [double('x', 1)]);
    const sampler = new Sampler({ labels: ['x'] });
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

  test('a missing file is absent, listed as missing with the reason; a broken one is an error naming it', async () => {
    fs.writeFileSync(path.join(dir, 'bad.mmstats'), 'junk');
    const sampler = new Sampler({ labels: ['x'] });
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
    const sample = await new Sampler({ labels: [label] }).sample([{ file: 'x', path: path.join(dir, 'x.mmstats') }], 0);
    expect(computeTick(undefined, sample, [label], 'delta').cells).toEqual([{ kind: 'int', value: 7n }]);
  });
});

describe('computeTick', () => {
  function fileSample(name: string, values: Record<string, number | bigint | string | boolean>, identity = name): FileSample {
    const map = new Map<string, { value: number | bigint | string | boolean; kind: 'int' | 'uint' | 'float' | 'string' | 'bool' }>();
    for (const [label, value] of Object.entries(values)) {
      const kind = typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) || typeof value === 'bigint' ? 'uint' : 'float';
      map.set(label, { value, kind });
    }
    return { file: name, path: `/d/${name}`, identity, values: map, unstable: [] };
  }

  function sample(time: number, files: FileSample[], unreadable: string[] = []): Sample {
    return { time, files, errors: [], seen: new Set([...files.map((f) => f.path), ...unreadable.map((n) => `/d/${n}`)]), missing: [] };
  }

  test('a file replaced under the same name (new inode) counts as new', () => {
    const s1 = sample(0, [fileSample('a', { n: 50 }, 'ino1')]);
    const s2 = sample(1000, [fileSample('a', { n: 3 }, 'ino2')]);
    expect(computeTick(s1, s2, ['n'], 'delta')).toEqual({ time: 1000, files: 1, cells: [{ kind: 'int', value: 3n }], gone: [] });
  });

  test('a file unreadable in the previous sample has no base and adds nothing; it is not "gone" while it is there', () => {
    const s1 = sample(0, [fileSample('a', { n: 1 })], ['b']);
    const s2 = sample(1000, [fileSample('a', { n: 2 }), fileSample('b', { n: 40 })]);
    expect(computeTick(s1, s2, ['n'], 'delta').cells).toEqual([{ kind: 'int', value: 1n }]);
    const s3 = sample(2000, [], ['a']);
    expect(computeTick(s2, s3, ['n'], 'delta').gone).toEqual(['b']);
  });

  test('integers and floats mixed across files are summed as floats; rates divide by elapsed seconds', () => {
    const s1 = sample(0, [fileSample('a', { n: 1 }), fileSample('b', { n: 0.5 })]);
    expect(computeTick(undefined, s1, ['n'], 'rate').cells).toEqual([{ kind: 'float', value: 1.5 }]);
    const s2 = sample(500, [fileSample('a', { n: 3 }), fileSample('b', { n: 1.5 })]);
    expect(computeTick(s1, s2, ['n'], 'delta').cells).toEqual([{ kind: 'float', value: 3 }]);
    expect(computeTick(s1, s2, ['n'], 'rate').cells).toEqual([{ kind: 'rate', value: 6 }]);
  });

  test('a value caught changing in any file counted makes the cell unknown in every mode, never a sum or a growth of 0', () => {
    const s1 = sample(0, [fileSample('a', { n: 5 }), fileSample('b', { n: 1 })]);
    // b's value of this moment is unknown; the sampler kept its previous one.
    const s2 = sample(1000, [fileSample('a', { n: 7 }), { ...fileSample('b', { n: 1 }), unstable: ['n'] }]);
    for (const mode of ['delta', 'rate', 'absolute'] as const) expect(computeTick(s1, s2, ['n'], mode).cells).toEqual([{ kind: 'unknown' }]);
    expect(computeTick(undefined, s2, ['n'], 'delta').cells).toEqual([{ kind: 'unknown' }]);
    // Known again: the growth since the last known value, both intervals' worth.
    const s3 = sample(2000, [fileSample('a', { n: 7 }), fileSample('b', { n: 9 })]);
    expect(computeTick(s2, s3, ['n'], 'delta').cells).toEqual([{ kind: 'int', value: 8n }]);
  });

  test('a label no file has any more: zero, or no string', () => {
    const s1 = sample(0, [fileSample('a', { n: 4, s: 'x' })]);
    const s2 = sample(1000, []);
    expect(computeTick(s1, s2, ['n', 's'], 'absolute')).toEqual({
      time: 1000,
      files: 0,
      cells: [
        { kind: 'int', value: 0n },
        { kind: 'string', value: undefined },
      ],
      gone: ['a'],
    });
  });
});
