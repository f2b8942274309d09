import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { encodeFile, type RecordSpec } from '@mmstats/format';

import { runPoll } from '../../src/commands/poll';
import { memoryIo, type MemoryIo } from '../../src/io';
import { main } from '../../src/main';
import { BIN, double, ORIGINAL_FIXTURES, REPO_DIR, requireBuild, writeStatsFile, useTempDir } from '../util';

let dir: string;
useTempDir((created) => (dir = created));

function counter(label: string, value: number | bigint): RecordSpec {
  return { label, signature: 'Q', buffered: true, initial: value };
}

/** Two web servers' status counters, as `@mmstats/writer` lays them out with labelPrefix 'web.stats.'. */
function writeWebFiles(): void {
  writeStatsFile(dir, 'web-1.mmstats', [counter('web.stats.status.2XX', 10), counter('web.stats.status.5XX', 1)]);
  writeStatsFile(dir, 'web-2.mmstats', [counter('web.stats.status.2XX', 32), counter('web.stats.status.5XX', 0)]);
}

async function poll(args: string[], options: { env?: Record<string, string>; isTTY?: boolean; rows?: number } = {}) {
  const io = memoryIo({ cwd: dir, ...options });
  const code = await main(['poll', ...args], io);
  return { code, out: io.out, err: io.err };
}

/** Resolves once `io` has printed `lines` lines. */
async function linesPrinted(io: MemoryIo, lines: number): Promise<void> {
  while (io.out.split('\n').length - 1 < lines) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('mmstats poll', () => {
  test('sums each field over the files; first row totals, then deltas; -p is left out of the headers', async () => {
    writeWebFiles();
    const result = await poll(['-c', '3', '-d', '0.01', '-p', 'web.stats.status.', '2XX,5XX', '.']);
    expect(result.err).toBe('');
    expect(result.out).toBe('   2XX    5XX  files\n    42      1      2\n     0      0      2\n     0      0      2\n');
    expect(result.code).toBe(0);
  });

  test('--absolute repeats the totals; --json prints one object per row', async () => {
    writeWebFiles();
    const absolute = await poll(['-c', '2', '-d', '0.01', '--absolute', 'web.stats.status.2XX', dir]);
    expect(absolute.out).toBe('web.stats.status.2XX  files\n                  42      2\n                  42      2\n');
    const json = await poll(['-c', '2', '-d', '0.01', '--json', '-p', 'web.stats.', 'status.2XX,status.5XX', dir]);
    const rows = json.out.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(rows).toEqual([
      { time: expect.any(Number), files: 2, values: { 'status.2XX': 42, 'status.5XX': 1 }, gone: [] },
      { time: expect.any(Number), files: 2, values: { 'status.2XX': 0, 'status.5XX': 0 }, gone: [] },
    ]);
    expect(rows[0].time).toBeGreaterThan(1e9);
  });

  test('strings show the last file\'s value, bools the number of files where true, integers exactly', async () => {
    writeStatsFile(dir, 'a.mmstats', [
      { label: 'name', signature: '8s', buffered: false, initial: 'first' },
      { label: 'up', signature: '?', buffered: true, initial: true },
      counter('big', 2n ** 63n),
    ]);
    writeStatsFile(dir, 'b.mmstats', [
      { label: 'name', signature: '8s', buffered: false, initial: 'second' },
      { label: 'up', signature: '?', buffered: true, initial: true },
      counter('big', 2n ** 63n),
    ]);
    const result = await poll(['-c', '1', 'name,up,big', dir]);
    expect(result.out).toBe('  name     up                  big  files\nsecond      2 18446744073709551616      2\n');
  });

  test('a file that goes away is dropped and reported, with no negative delta', async () => {
    writeWebFiles();
    const io = memoryIo({ cwd: dir });
    const running = runPoll({ fields: ['2XX'], prefix: 'web.stats.status.', files: [dir], count: 2, delay: 0.2 }, io);
    await linesPrinted(io, 2);
    fs.unlinkSync(path.join(dir, 'web-2.mmstats'));
    expect(await running).toBe(0);
    expect(io.out).toBe('   2XX  files\n    42      2\n     0      1\n');
    expect(io.err).toBe(`mmstats: ${dir}/web-2.mmstats went away\n`);
  });

  test('an interrupt ends the loop at once, exit 0', async () => {
    writeWebFiles();
    const io = memoryIo({ cwd: dir });
    const started = Date.now();
    const running = runPoll({ fields: ['web.stats.status.2XX'], files: [dir], delay: 60 }, io);
    await linesPrinted(io, 2);
    io.interrupt();
    expect(await running).toBe(0);
    expect(Date.now() - started).toBeLessThan(10000);
    expect(io.out.split('\n')).toHaveLength(3);
  });

  test('unknown fields: an error naming them and the files read, exit 1', async () => {
    writeWebFiles();
    const result = await poll(['-p', 'web.stats.status.', '2XX,6XX,7XX', dir]);
    expect(result.out).toBe('');
    expect(result.err).toBe(
      `mmstats: unknown fields "6XX", "7XX" (labels "web.stats.status.6XX", "web.stats.status.7XX"): ` +
        `not in any of 2 files read: ${dir}/web-1.mmstats, ${dir}/web-2.mmstats\n`,
    );
    expect(result.code).toBe(1);
  });

  test('no files: exit 1 saying where it looked; --filter narrows the files that count', async () => {
    const none = await poll(['x'], { env: { MMSTATS_PATH: dir } });
    expect(none.err).toBe(`mmstats: no mmstats files found (searched *.mmstats in ${dir})\n`);
    expect(none.code).toBe(1);
    writeWebFiles();
    writeStatsFile(dir, 'jobs.mmstats', [counter('jobs.done', 5), counter('web.stats.status.2XX', 1000)]);
    const all = await poll(['-c', '1', 'web.stats.status.2XX'], { env: { MMSTATS_PATH: dir } });
    expect(all.out).toContain('  1042      3\n');
    const some = await poll(['-c', '1', '-f', 'jobs.', '-f', 'other.', 'web.stats.status.2XX'], { env: { MMSTATS_PATH: dir } });
    expect(some.out).toContain('  1000      1\n');
    const nothing = await poll(['-c', '1', '-f', 'nope.', 'web.stats.status.2XX'], { env: { MMSTATS_PATH: dir } });
    expect(nothing.err).toBe(`mmstats: no mmstats files with a label starting with "nope." found (searched *.mmstats in ${dir})\n`);
    expect(nothing.code).toBe(1);
  });

  test('an empty directory: exit 1 at once, saying so (no rows of zeros, with or without -c)', async () => {
    const empty = path.join(dir, 'emptydir');
    fs.mkdirSync(empty);
    for (const args of [['-c', '3', 'hits', 'emptydir'], ['hits', 'emptydir']]) {
      const result = await poll(args);
      expect(result).toEqual({ code: 1, out: '', err: 'mmstats: emptydir: no *.mmstats files in this directory\n' });
    }
  });

  test('a file named but missing is named in the error, as slurp does; with no file to poll, exit 1', async () => {
    const alone = await poll(['-c', '1', 'web.stats.status.2XX', 'missing.mmstats']);
    expect(alone).toEqual({ code: 1, out: '', err: 'mmstats: missing.mmstats: no such file or directory\n' });
    writeWebFiles();
    const beside = await poll(['-c', '1', 'web.stats.status.2XX', 'web-1.mmstats', 'missing.mmstats']);
    expect(beside).toEqual({ code: 0, out: '   2XX  files\n    10      1\n'.replace('   2XX', 'web.stats.status.2XX').replace('    10      1', '                  10      1'), err: 'mmstats: missing.mmstats: no such file or directory\n' });
  });

  test('file names from other processes reach the terminal escaped: "went away" and unknown fields', async () => {
    const hostile = 'web-\x1b]0;owned\x07\x1b[2J.mmstats';
    writeStatsFile(dir, hostile, [counter('web.stats.status.2XX', 1)]);
    const unknown = await poll(['nope', '.']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe('mmstats: unknown field "nope": not in any of 1 file read: ./web-\\x1b]0;owned\\x07\\x1b[2J.mmstats\n');
    const io = memoryIo({ cwd: dir });
    const running = runPoll({ fields: ['web.stats.status.2XX'], files: ['.'], count: 2, delay: 0.2 }, io);
    await linesPrinted(io, 2);
    fs.unlinkSync(path.join(dir, hostile));
    expect(await running).toBe(0);
    expect(io.err).toBe('mmstats: ./web-\\x1b]0;owned\\x07\\x1b[2J.mmstats went away\n');
    expect(io.err + io.out).not.toMatch(/\x1b|\x07/);
  });

  test('headers repeat every -n rows (0: once); on a terminal, every height - 2 rows', async () => {
    writeStatsFile(dir, 'a.mmstats', [double('x', 1)]);
    const count = (out: string) => out.split('\n').filter((line) => line.includes('files')).length;
    expect(count((await poll(['-c', '5', '-d', '0.01', '-n', '2', 'x', dir])).out)).toBe(3);
    expect(count((await poll(['-c', '5', '-d', '0.01', '-n', '0', 'x', dir])).out)).toBe(1);
    expect(count((await poll(['-c', '5', '-d', '0.01', 'x', dir], { isTTY: true, rows: 5, env: { NO_COLOR: '1' } })).out)).toBe(2);
  });

  test('bold header only on a terminal without NO_COLOR', async () => {
    writeStatsFile(dir, 'a.mmstats', [double('x', 1.5)]);
    const tty = await poll(['-c', '1', 'x', dir], { isTTY: true });
    expect(tty.out).toBe('\x1b[1m     x  files\x1b[22m\n   1.5      1\n');
    const noColor = await poll(['-c', '1', 'x', dir], { isTTY: true, env: { NO_COLOR: '1' } });
    expect(noColor.out).toBe('     x  files\n   1.5      1\n');
    const piped = await poll(['-c', '1', 'x', dir]);
    expect(piped.out).toBe(noColor.out);
  });

  test('usage errors exit 2', async () => {
    writeWebFiles();
    for (const args of [
      ['-d', '0', 'x'],
      ['-d', 'soon', 'x'],
      ['-c', '0', 'x'],
      ['-c', '1.5', 'x'],
      ['-n', '-1', 'x'],
      ['--rate', '--absolute', 'x'],
      ['a,,b'],
      ['a,a'],
      [],
    ]) {
      const result = await poll(args);
      expect([args, result.code]).toEqual([args, 2]);
      expect(result.out).toBe('');
    }
  });
});

// A writer process with typed and labelled fields, changing its values when told to.
const WRITER_SCRIPT = `
const { MmStats, field } = require('./packages/writer');
class Web extends MmStats {
  static fields = {
    requests: field.counter({ labels: ['route', 'status'], help: 'Responses' }),
    hits: field.counter(),
    inFlight: field.uint({ label: 'in_flight', unit: 'requests' }),
    lastHit: field.double({ label: 'last_hit', unit: 'epoch_seconds' }),
    took: field.double({ label: 'took', unit: 'seconds', aggregate: 'mean' }),
    size: field.average({ label: 'size', unit: 'bytes' }),
    latency: field.histogram({ buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1], labels: ['route'], unit: 'seconds' }),
  };
}
const stats = new Web({ path: process.argv[1], filename: process.argv[2], labelPrefix: 'web.' });
process.on('message', (m) => {
  for (const [route, status, n] of m.requests || []) stats.requests.labels({ route, status }).inc(n);
  if (m.hits) stats.hits.inc(m.hits);
  for (const n of m.sizes || []) stats.size.add(n);
  for (const [route, value, n] of m.observe || []) for (let i = 0; i < n; i++) stats.latency.labels({ route }).observe(value);
  Object.assign(stats, m.set || {});
  if (m.remove) stats.remove();
  process.send({ ok: true });
});
process.send({ file: stats.filename });
`;

const writers: ChildProcess[] = [];
afterEach(async () => {
  for (const child of writers.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  }
});

/** Starts a writer of `name` in the test directory; `send` resolves once it has applied a message. */
async function startWriter(name: string) {
  const child = spawn(process.execPath, ['-e', WRITER_SCRIPT, dir, name], { cwd: REPO_DIR, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  writers.push(child);
  const answer = () => new Promise((resolve) => child.once('message', resolve));
  await answer();
  return {
    send: async (message: object) => {
      const answered = answer();
      child.send(message);
      await answered;
    },
  };
}

describe('mmstats poll: what fields mean', () => {
  beforeAll(requireBuild);
  const NOW = 1_800_000_000_000;

  test('counters as growth, labelled families summed or by label, a gauge, the latest timestamp as an age, means in their unit', async () => {
    const a = await startWriter('a.mmstats');
    const b = await startWriter('b.mmstats');
    await a.send({ requests: [['/', '2xx', 30], ['/', '5xx', 2]], set: { inFlight: 3, lastHit: NOW / 1000 - 75, took: 0.002 }, sizes: [100, 200] });
    await b.send({ requests: [['/', '2xx', 10], ['/x', '5xx', 1]], set: { inFlight: 1, lastHit: NOW / 1000 - 12.34, took: 0.004 }, sizes: [1000] });
    const io = memoryIo({ cwd: dir });
    const fields = ['requests', 'requests{status=5xx}', 'requests{route=/x}', 'in_flight', 'last_hit', 'took', 'size'];
    expect(await runPoll({ fields, prefix: 'web.', files: ['.'], count: 1, now: () => NOW }, io)).toBe(0);
    expect(io.err).toBe('');
    expect(io.out).toBe(
      'requests requests{status=5xx} requests{route=/x} in_flight   last_hit   took     size  files\n' +
        '      43                    3                  1         4  12.3s ago 3.00ms     575B      2\n',
    );
  }, 30000);

  test('a timestamp written just after the clock is read is not in the future: a row\'s time is taken after its read', async () => {
    const file = path.join(dir, 'hit.mmstats');
    const { bytes, plan } = encodeFile([{ label: 'last_hit', signature: 'd', buffered: false, initial: 0 }], {
      metadata: [{ name: 'last_hit', kind: 'gauge', unit: 'epoch_seconds' }],
    });
    fs.writeFileSync(file, bytes);
    const fd = fs.openSync(file, 'r+');
    try {
      // Every time poll reads the clock, a writer stamps the file half a second later than that
      // reading (as a request arriving while poll reads would): read before the file, the row's
      // time would make that stamp lie in the future.
      let clock = NOW;
      const now = () => {
        clock += 1000;
        const stamp = Buffer.alloc(8);
        stamp.writeDoubleLE(clock / 1000 + 0.5);
        fs.writeSync(fd, stamp, 0, 8, plan.records[0].slotOffsets[0]);
        return clock;
      };
      const io = memoryIo({ cwd: dir });
      expect(await runPoll({ fields: ['last_hit'], files: ['hit.mmstats'], count: 1, now }, io)).toBe(0);
      expect(io.out).toBe('  last_hit  files\n 500ms ago      1\n');
    } finally {
      fs.closeSync(fd);
    }
  });

  test('a wider value later does not shift the table: numbers are shortened to fit the width the header set', async () => {
    const a = await startWriter('a.mmstats');
    await a.send({ hits: 1 });
    const io = memoryIo({ cwd: dir });
    const running = runPoll({ fields: ['hits'], prefix: 'web.', files: ['.'], count: 3, delay: 1, headers: 0 }, io);
    await linesPrinted(io, 2);
    await a.send({ hits: 123456789 });
    await linesPrinted(io, 3);
    await a.send({ hits: 2 });
    expect(await running).toBe(0);
    expect(io.out).toBe('  hits  files\n     1      1\n123.5M      1\n     2      1\n');
  }, 30000);

  test('a field whose files all went away shows ? (not 0) and the files column counts only files that hold the fields', async () => {
    const a = await startWriter('a.mmstats');
    await a.send({ hits: 5 });
    writeStatsFile(dir, 'other.mmstats', [counter('elsewhere', 1)]);
    const io = memoryIo({ cwd: dir });
    const running = runPoll({ fields: ['hits', 'in_flight'], prefix: 'web.', files: ['.'], count: 2, delay: 1 }, io);
    await linesPrinted(io, 2);
    await a.send({ remove: true });
    expect(await running).toBe(0);
    expect(io.out).toBe('  hits in_flight  files\n     5         0      1\n     ?         ?      0\n');
    expect(io.err).toBe('mmstats: ./a.mmstats went away\n');
  }, 30000);

  test('a label the family does not have is an error naming the labels it has; a field not well formed is a usage error', async () => {
    await startWriter('a.mmstats');
    const typo = await poll(['-c', '1', '-p', 'web.', 'requests{stauts=5xx}', '.']);
    expect(typo).toEqual({ code: 1, out: '', err: 'mmstats: field "requests{stauts=5xx}": "web.requests" has no label "stauts" (its labels: route, status)\n' });
    for (const field of ['requests{status=5xx', 'requests{status}', 'requests{}', 'requests{a=1}x', '{a=1}', 'requests{a=1,a=2}']) {
      const result = await poll(['-c', '1', '-p', 'web.', field, '.']);
      expect([field, result.code, result.out]).toEqual([field, 2, '']);
      expect(result.err).toContain(`field`);
    }
  }, 30000);

  test('histogram columns: quantiles and the highest bound over each interval, merged exactly across processes; count and rate', async () => {
    const a = await startWriter('a.mmstats');
    const b = await startWriter('b.mmstats');
    // 50 fast requests in one process and 50 slow ones in the other: the merged median is at the
    // top of the first bucket, where averaging each process's median would put it near 0.5 s.
    await a.send({ observe: [['/a', 0.05, 50]] });
    await b.send({ observe: [['/b', 0.95, 50]] });
    const io = memoryIo({ cwd: dir });
    const fields = ['latency:p50', 'latency:p99', 'latency:max', 'latency:count', 'latency{route=/b}:p99', 'latency:rate'];
    const running = runPoll({ fields, prefix: 'web.', files: ['.'], count: 2, delay: 3 }, io);
    await linesPrinted(io, 2);
    // In the second interval only: 10 requests of 0.35 s on /a, in a process that already had 50.
    await a.send({ observe: [['/a', 0.35, 10]] });
    expect(await running).toBe(0);
    expect(io.err).toBe('');
    // Rank 50 of 100 is the last of the 50 in (0, 0.1]: 0.1 s; rank 99 is the 49th of 50 in (0.9, 1]: 0.998 s.
    // On /b alone, rank 49.5 of 50 in (0.9, 1] is 0.999 s. Then rank 5 of 10 in (0.3, 0.4] is 0.35 s, rank 9.9 is 0.399 s; nothing more on /b.
    const [header, first, second] = io.out.split('\n');
    expect(header).toBe('latency:p50 latency:p99 latency:max latency:count latency{route=/b}:p99 latency:rate  files');
    expect(first).toBe('      100ms       998ms       1.00s           100                 999ms            ?      2');
    // The rate is 10 over the seconds between the rows, whatever they were.
    expect(second).toMatch(/^      350ms       399ms       400ms            10                     - +[0-9]+\.[0-9]{2}      2$/);
  }, 30000);

  test('histogram columns in JSON: the rate of observations is the count over the seconds between rows', async () => {
    const a = await startWriter('a.mmstats');
    const io = memoryIo({ cwd: dir });
    const running = runPoll({ fields: ['latency:rate', 'latency:p50'], prefix: 'web.', files: ['.'], count: 2, delay: 1, json: true }, io);
    await linesPrinted(io, 1);
    await a.send({ observe: [['/a', 0.15, 30]] });
    expect(await running).toBe(0);
    const [first, second] = io.out.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(first.values).toEqual({ 'latency:rate': null, 'latency:p50': null });
    expect(second.values['latency:rate'] * (second.time - first.time)).toBeCloseTo(30, 3);
    expect(second.values['latency:p50']).toBeCloseTo(0.15, 12);
  }, 30000);

  test('a histogram statistic of a family that is no histogram is an error; a list of statistics is one column each', async () => {
    await startWriter('a.mmstats');
    expect(await poll(['-c', '1', '-p', 'web.', 'hits:p99', '.'])).toEqual({ code: 1, out: '', err: 'mmstats: field "hits:p99": "web.hits" is a counter, not a histogram\n' });
    const list = await poll(['-c', '1', '-p', 'web.', 'latency{route=/a}:p50,p99,max,hits', '.']);
    expect(list.out.split('\n')[0]).toBe('latency{route=/a}:p50 latency{route=/a}:p99 latency{route=/a}:max   hits  files');
  }, 30000);

  test('files without metadata (the original\'s): sums, growth of integers only, the last text, bools counted', async () => {
    for (const name of ['a.mmstats', 'b.mmstats']) fs.copyFileSync(path.join(ORIGINAL_FIXTURES, 'basic.mmstats'), path.join(dir, name));
    const io = memoryIo({ cwd: dir });
    const running = runPoll({ fields: ['load', 'hits', 'name', 'up'], files: ['.'], count: 2, delay: 1 }, io);
    await linesPrinted(io, 2);
    // b changes in place (same inode): its integer grows by 3, its float is now 3.
    const changed = writeStatsFile(dir, 'new.mmstats', [
      double('load', 3),
      counter('hits', 8),
      { label: 'name', signature: '16s', buffered: false, initial: 'there' },
      { label: 'up', signature: '?', buffered: true, initial: false },
    ]);
    fs.writeFileSync(path.join(dir, 'b.mmstats'), fs.readFileSync(changed));
    fs.unlinkSync(changed);
    expect(await running).toBe(0);
    expect(io.out).toBe('  load   hits   name     up  files\n   4.5     10     hi      2      2\n  5.25      3  there      1      2\n');
  }, 30000);
});

describe('bin/mmstats poll', () => {
  beforeAll(() => {
    requireBuild();
  });

  const env = { ...process.env, MMSTATS_PATH: undefined, MMSTATS_GLOB: undefined, NO_COLOR: undefined };

  test('prints a header and one row per tick, without escape codes when piped', () => {
    writeWebFiles();
    const result = spawnSync(process.execPath, [BIN, 'poll', '-c', '2', '-d', '0.1', '-p', 'web.stats.status.', '2XX,5XX', dir], {
      encoding: 'utf8',
      env,
      timeout: 20000,
    });
    expect(result.stdout).toBe('   2XX    5XX  files\n    42      1      2\n     0      0      2\n');
    expect(result.stdout).not.toContain('\x1b');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('unknown field: exit 1 with a message, no stack', () => {
    writeWebFiles();
    const result = spawnSync(process.execPath, [BIN, 'poll', '-c', '2', 'nope', dir], { encoding: 'utf8', env, timeout: 20000 });
    expect(result.stderr).toMatch(/^mmstats: unknown field "nope": not in any of 2 files read: [^\n]*\n$/);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
  });

  test('ends quietly when the reader goes away (| head -1)', () => {
    writeWebFiles();
    const rcFile = path.join(dir, 'rc');
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const script = `(${quote(process.execPath)} ${quote(BIN)} poll -d 0.1 web.stats.status.2XX ${quote(dir)}; echo $? > ${quote(rcFile)}) | head -1`;
    const result = spawnSync('sh', ['-c', script], { encoding: 'utf8', env, timeout: 20000 });
    expect(result.stdout).toBe('web.stats.status.2XX  files\n');
    expect(result.stderr).toBe('');
    expect(fs.readFileSync(rcFile, 'utf8').trim()).toBe('0');
  });

  test('Ctrl-C (SIGINT) ends it cleanly with exit 0', async () => {
    writeWebFiles();
    const child = spawn(process.execPath, [BIN, 'poll', '-d', '0.2', 'web.stats.status.2XX', dir], { env });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    const exited = new Promise<[number | null, string | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.split('\n').length > 2) resolve();
      }),
    );
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    const [code, signal] = await exited;
    clearTimeout(timer);
    expect([code, signal]).toEqual([0, null]);
    expect(err).toBe('');
    expect(out.startsWith('web.stats.status.2XX  files\n                  42      2\n')).toBe(true);
  }, 20000);
});
