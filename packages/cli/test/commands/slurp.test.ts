import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { encodeFile, type RecordSpec } from '@mmstats/format';

import { runSlurp } from '../../src/commands/slurp';
import { memoryIo, type Io } from '../../src/io';
import { double, ORIGINAL_FIXTURES, REPO_DIR, requireBuild, writeStatsFile, useTempDir } from '../util';

let dir: string;
useTempDir((created) => (dir = created));

/** One record of every type signature, with values at the edges of their ranges. */
const EVERY_SIGNATURE: RecordSpec[] = [
  { label: 'u64', signature: 'Q', buffered: true, initial: 18446744073709551615n },
  { label: 'i64', signature: 'q', buffered: true, initial: -9223372036854775808n },
  { label: 'u64.L', signature: 'L', buffered: true, initial: 9007199254740993n },
  { label: 'i64.l', signature: 'l', buffered: false, initial: -42 },
  { label: 'u32', signature: 'I', buffered: true, initial: 4294967295 },
  { label: 'i32', signature: 'i', buffered: true, initial: -2147483648 },
  { label: 'u16', signature: 'H', buffered: true, initial: 65535 },
  { label: 'i16', signature: 'h', buffered: true, initial: -32768 },
  { label: 'i8', signature: 'b', buffered: false, initial: -128 },
  { label: 'bool', signature: '?', buffered: true, initial: true },
  { label: 'float', signature: 'f', buffered: true, initial: 0.1 },
  { label: 'double', signature: 'd', buffered: true, initial: 1700000000.125 },
  { label: 'string', signature: '16s', buffered: false, initial: 'hello world' },
];

const EVERY_SIGNATURE_TEXT =
  '==> every.mmstats\n' +
  '  u64    18446744073709551615\n' +
  '  i64    -9223372036854775808\n' +
  '  u64.L  9007199254740993\n' +
  '  i64.l  -42\n' +
  '  u32    4294967295\n' +
  '  i32    -2147483648\n' +
  '  u16    65535\n' +
  '  i16    -32768\n' +
  '  i8     -128\n' +
  '  bool   True\n' +
  '  float  0.10000000149\n' +
  '  double 1700000000.12\n' +
  '  string hello world\n' +
  '\n';

describe('runSlurp', () => {
  test('prints the original fixture exactly as the original slurpstats did', async () => {
    const io = memoryIo({ cwd: ORIGINAL_FIXTURES });
    const code = await runSlurp({ files: ['basic.mmstats'] }, io);
    expect(io.out).toBe(fs.readFileSync(path.join(ORIGINAL_FIXTURES, 'basic.slurpstats.txt'), 'utf8'));
    expect(io.err).toBe('');
    expect(code).toBe(0);
  });

  test('prints every type signature like Python 2 str()', async () => {
    writeStatsFile(dir, 'every.mmstats', EVERY_SIGNATURE);
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['every.mmstats'] }, io)).toBe(0);
    expect(io.out).toBe(EVERY_SIGNATURE_TEXT);
  });

  test('hands the text of each file over as bytes when standard output takes bytes, one piece per file', async () => {
    writeStatsFile(dir, 'every.mmstats', EVERY_SIGNATURE);
    writeStatsFile(dir, 'z.mmstats', [double('ünïcode', 1)]);
    const io = memoryIo({ cwd: dir });
    const pieces: Uint8Array[] = [];
    const bytesIo: Io = { ...io, stdout: io.stdout, stderr: io.stderr, stdoutBytes: (bytes) => pieces.push(bytes.slice()) };
    expect(await runSlurp({ files: ['every.mmstats', 'z.mmstats'] }, bytesIo)).toBe(0);
    expect(io.out).toBe('');
    expect(pieces.map((piece) => Buffer.from(piece).toString('utf8'))).toEqual([EVERY_SIGNATURE_TEXT, '==> z.mmstats\n  ünïcode 1.0\n\n']);
  });

  test('prints a file whose signatures are padded to align the slots (SPEC.md §4.5) as the same file packed', async () => {
    const aligned = encodeFile(EVERY_SIGNATURE, { allowLegacySignatures: true, layout: 'aligned' });
    expect(aligned.plan.records.some((r) => r.signatureLength > r.signature.length)).toBe(true);
    fs.writeFileSync(path.join(dir, 'every.mmstats'), aligned.bytes);
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['every.mmstats'] }, io)).toBe(0);
    expect(io.out).toBe(EVERY_SIGNATURE_TEXT);
    const json = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['every.mmstats'], json: true }, json)).toBe(0);
    expect(JSON.parse(json.out).files[0].records.map((r: { type: string }) => r.type)).toEqual(EVERY_SIGNATURE.map((s) => s.signature));
  });

  test('--json: one document, exact integers, floats at full precision', async () => {
    writeStatsFile(dir, 'every.mmstats', [
      ...EVERY_SIGNATURE,
      { label: 'nan', signature: 'd', buffered: false, initial: NaN },
      { label: 'inf', signature: 'd', buffered: false, initial: Infinity },
      { label: 'ninf', signature: 'f', buffered: false, initial: -Infinity },
    ]);
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['every.mmstats'], json: true }, io)).toBe(0);
    // Exact 64-bit integers in the raw text (JSON.parse would round them).
    expect(io.out).toMatch(/"value": 18446744073709551615\n/);
    expect(io.out).toMatch(/"value": -9223372036854775808\n/);
    expect(io.out).toMatch(/"value": 9007199254740993\n/);
    expect(io.out).toMatch(/"value": 1700000000\.125\n/);
    expect(io.out).toMatch(/"value": 0\.10000000149011612\n/);
    expect(io.out.endsWith('}\n')).toBe(true);
    expect(io.out).toContain('\n  "files": [\n    {\n      "file": "every.mmstats",\n');
    const doc = JSON.parse(io.out);
    expect(doc.files).toHaveLength(1);
    const values = Object.fromEntries(doc.files[0].records.map((r: { label: string; value: unknown }) => [r.label, r.value]));
    expect(values).toMatchObject({
      'i64.l': -42,
      u32: 4294967295,
      bool: true,
      float: Math.fround(0.1),
      double: 1700000000.125,
      string: 'hello world',
      nan: 'NaN',
      inf: 'Infinity',
      ninf: '-Infinity',
    });
    expect(doc.files[0].records[0]).toEqual({ label: 'u64', type: 'Q', value: 18446744073709552000 });
    expect(doc.files[0].records.map((r: { type: string }) => r.type)).toEqual([
      ...EVERY_SIGNATURE.map((s) => s.signature),
      'd',
      'd',
      'f',
    ]);
  });

  test('--json with a bad file: an error entry, the line on stderr too, exit 1', async () => {
    writeStatsFile(dir, 'good.mmstats', [double('x', 1)]);
    fs.writeFileSync(path.join(dir, 'bad.mmstats'), 'not mmstats');
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['good.mmstats', 'bad.mmstats'], json: true }, io)).toBe(1);
    const doc = JSON.parse(io.out);
    expect(doc.files.map((f: { file: string }) => f.file)).toEqual(['bad.mmstats', 'good.mmstats']);
    expect(doc.files[0].error).toMatch(/^bad\.mmstats: /);
    expect(doc.files[0].records).toBeUndefined();
    expect(doc.files[1]).toEqual({ file: 'good.mmstats', records: [{ label: 'x', type: 'd', value: 1 }] });
    expect(io.err).toBe(`mmstats: ${doc.files[0].error}\n`);
  });

  test('--json is written file by file as each is read, and makes one document', async () => {
    writeStatsFile(dir, 'a.mmstats', [double('x', 1)]);
    writeStatsFile(dir, 'b.mmstats', [double('y', 2)]);
    const io = memoryIo({ cwd: dir });
    const writes: string[] = [];
    const watched = { ...io, stdout: (text: string) => (writes.push(text), io.stdout(text)) };
    expect(await runSlurp({ files: ['a.mmstats', 'b.mmstats'], json: true }, watched)).toBe(0);
    const record = (label: string, value: number) => `        {\n          "label": "${label}",\n          "type": "d",\n          "value": ${value}\n        }\n`;
    const file = (name: string, label: string, value: number) => `    {\n      "file": "${name}",\n      "records": [\n${record(label, value)}      ]\n    }`;
    expect(io.out).toBe(`{\n  "files": [\n${file('a.mmstats', 'x', 1)},\n${file('b.mmstats', 'y', 2)}\n  ]\n}\n`);
    // Not held until the end: a.mmstats was written in a piece of its own, before b.mmstats.
    const first = writes.findIndex((text) => text.includes('"a.mmstats"'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(writes[first]).not.toContain('"b.mmstats"');
  });

  test('reads the next file only once standard output has taken the last: a slow reader of the output never makes it pile up', async () => {
    writeStatsFile(dir, 'a.mmstats', [double('x', 1)]);
    writeStatsFile(dir, 'b.mmstats', [double('y', 2)]);
    const io = memoryIo({ cwd: dir });
    const releases: Array<() => void> = [];
    const slow: Io = { ...io, stdout: io.stdout, stderr: io.stderr, drained: () => new Promise<void>((resolve) => releases.push(resolve)) };
    const done = runSlurp({ files: ['a.mmstats', 'b.mmstats'] }, slow);
    let settled = false;
    void done.then(() => (settled = true));
    const waiting = async (count: number) => {
      while (!settled && releases.length < count) await new Promise((resolve) => setImmediate(resolve));
    };
    await waiting(1);
    expect(releases).toHaveLength(1);
    expect(io.out).toBe('==> a.mmstats\n  x 1.0\n\n');
    // b.mmstats is not read yet: what it holds by the time the output is taken is what prints.
    writeStatsFile(dir, 'b.mmstats', [double('y', 3)]);
    releases[0]();
    await waiting(2);
    releases[1]();
    expect(await done).toBe(0);
    expect(io.out).toBe('==> a.mmstats\n  x 1.0\n\n==> b.mmstats\n  y 3.0\n\n');
  });

  test('--prefix, --exclude and --sort', async () => {
    writeStatsFile(dir, 'a.mmstats', ['sys.pid', 'http.b', 'http.a', 'db.q', 'http.a.errors'].map((l, i) => double(l, i)));
    const io = memoryIo({ cwd: dir });
    await runSlurp({ files: ['a.mmstats'], prefix: ['http.', 'db.'], exclude: ['http.a.'], sort: true }, io);
    expect(io.out).toBe('==> a.mmstats\n  db.q   3.0\n  http.a 2.0\n  http.b 1.0\n\n');
  });

  test('a file left with no records still prints its header and blank line', async () => {
    writeStatsFile(dir, 'a.mmstats', [double('sys.pid', 1)]);
    writeStatsFile(dir, 'b.mmstats', [double('http.x', 1)]);
    const text = memoryIo({ cwd: dir });
    await runSlurp({ files: ['a.mmstats', 'b.mmstats'], prefix: ['http.'] }, text);
    expect(text.out).toBe('==> a.mmstats\n\n==> b.mmstats\n  http.x 1.0\n\n');
    const json = memoryIo({ cwd: dir });
    await runSlurp({ files: ['a.mmstats'], prefix: ['http.'], json: true }, json);
    expect(JSON.parse(json.out)).toEqual({ files: [{ file: 'a.mmstats', records: [] }] });
  });

  test('files print sorted by name, each once, named as given', async () => {
    for (const name of ['c.mmstats', 'a.mmstats', 'b.mmstats']) writeStatsFile(dir, name, [double('v', 1)]);
    const io = memoryIo({ cwd: dir });
    await runSlurp({ files: ['c.mmstats', './b.mmstats', '*.mmstats', 'a.mmstats'] }, io);
    expect(io.out.match(/^==> .*$/gm)).toEqual(['==> ./b.mmstats', '==> a.mmstats', '==> c.mmstats']);
  });

  test('a bad file among good ones: the others print, one line names it, exit 1', async () => {
    writeStatsFile(dir, 'a.mmstats', [double('x', 1)]);
    fs.writeFileSync(path.join(dir, 'b.mmstats'), Buffer.from([0x02, 0, 0]));
    writeStatsFile(dir, 'c.mmstats', [double('y', 2)]);
    const io = memoryIo({ cwd: dir });
    const code = await runSlurp({ files: ['a.mmstats', 'b.mmstats', 'c.mmstats', 'missing.mmstats'] }, io);
    expect(code).toBe(1);
    expect(io.out).toBe('==> a.mmstats\n  x 1.0\n\n==> c.mmstats\n  y 2.0\n\n');
    const lines = io.err.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^mmstats: b\.mmstats: at 0x0: .*version byte 0x02/);
    expect(lines[1]).toBe('mmstats: missing.mmstats: no such file or directory');
    expect(io.err).not.toMatch(/\bat .*\.ts:\d+/); // no stack
  });

  test('--verbose adds the stack', async () => {
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['missing.mmstats'], verbose: true }, io)).toBe(1);
    expect(io.err).toMatch(/^mmstats: missing\.mmstats: no such file or directory\nReadError: missing\.mmstats/);
    expect(io.err).toMatch(/Caused by: Error: ENOENT/);
  });

  test('a directory given explicitly means its *.mmstats files', async () => {
    writeStatsFile(dir, 'run/x.mmstats', [double('v', 1)]);
    writeStatsFile(dir, 'run/.x.mmstats.tmp42', [double('v', 1)]);
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['run'] }, io)).toBe(0);
    expect(io.out).toBe('==> run/x.mmstats\n  v 1.0\n\n');
  });

  test('defaults to *.mmstats in $MMSTATS_PATH, skipping dot-prefixed temporary files', async () => {
    writeStatsFile(dir, 'app-1-1.mmstats', [double('a', 1)]);
    writeStatsFile(dir, '.app-2-2.mmstats.tmp8f3a', [double('b', 2)]);
    writeStatsFile(dir, '.app-3-3.mmstats', [double('c', 3)]);
    const io = memoryIo({ env: { MMSTATS_PATH: dir }, cwd: '/' });
    expect(await runSlurp({}, io)).toBe(0);
    expect(io.out).toBe(`==> ${path.join(dir, 'app-1-1.mmstats')}\n  a 1.0\n\n`);
  });

  test('$MMSTATS_GLOB selects the default files', async () => {
    writeStatsFile(dir, 'one/app.stats', [double('a', 1)]);
    writeStatsFile(dir, 'two/app.stats', [double('b', 2)]);
    writeStatsFile(dir, 'two/ignored.mmstats', [double('c', 3)]);
    const io = memoryIo({ env: { MMSTATS_GLOB: `${dir}/*/app.stats`, MMSTATS_PATH: dir }, cwd: '/' });
    expect(await runSlurp({}, io)).toBe(0);
    expect(io.out).toBe(`==> ${dir}/one/app.stats\n  a 1.0\n\n==> ${dir}/two/app.stats\n  b 2.0\n\n`);
  });

  test('no files found: says where it looked, exit 1', async () => {
    const io = memoryIo({ env: { MMSTATS_PATH: dir } });
    expect(await runSlurp({}, io)).toBe(1);
    expect(io.out).toBe('');
    expect(io.err).toBe(`mmstats: no mmstats files found (searched *.mmstats in ${dir})\n`);
    const glob = memoryIo({ env: { MMSTATS_GLOB: `${dir}/*.x` } });
    expect(await runSlurp({ json: true }, glob)).toBe(1);
    expect(glob.err).toBe(`mmstats: no mmstats files found (searched MMSTATS_GLOB=${dir}/*.x)\n`);
    expect(JSON.parse(glob.out)).toEqual({ files: [] });
    // Where it looked may come from anywhere the environment does: escaped like every line.
    const hostile = memoryIo({ env: { MMSTATS_GLOB: `${dir}/\x1b[2J*.x` } });
    expect(await runSlurp({}, hostile)).toBe(1);
    expect(hostile.err).toBe(`mmstats: no mmstats files found (searched MMSTATS_GLOB=${dir}/\\x1b[2J*.x)\n`);
  });

  test('an argument that matches nothing is reported, the rest still print', async () => {
    writeStatsFile(dir, 'a.mmstats', [double('x', 1)]);
    fs.mkdirSync(path.join(dir, 'empty'));
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['a.mmstats', 'empty', 'zz-*.mmstats'] }, io)).toBe(1);
    expect(io.out).toBe('==> a.mmstats\n  x 1.0\n\n');
    expect(io.err).toBe(
      'mmstats: empty: no *.mmstats files in this directory\nmmstats: zz-*.mmstats: no files match this pattern\n',
    );
  });
});

describe('runSlurp on files with metadata', () => {
  beforeAll(requireBuild);

  /** Runs `script` in a writer process with the test directory as its argument; it must exit cleanly. */
  function runWriterScript(script: string): void {
    const child = spawnSync(process.execPath, ['-e', script, dir], { cwd: REPO_DIR, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
  }

  /** Runs a writer that publishes typed and labelled fields, then exits; its file stays. */
  function writeTypedFile(): void {
    const script = `
      const { MmStats, field } = require('./packages/writer');
      class Web extends MmStats {
        static fields = {
          requests: field.counter({ labels: ['route', 'status'], help: 'Responses sent' }),
          lastHit: field.double({ label: 'last_hit', help: 'When the last request came', unit: 'epoch_seconds' }),
          took: field.timer(),
        };
      }
      const stats = new Web({ path: process.argv[1], filename: 'web.mmstats', labelPrefix: 'web.' });
      stats.requests.labels({ route: '/a"b', status: '2xx' }).inc(3);
      stats.lastHit = 1800000000.5;
    `;
    runWriterScript(script);
  }

  test('--json adds family, kind, help, unit and parsed labels to each record of a family', async () => {
    writeTypedFile();
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['web.mmstats'], json: true, prefix: ['web.requests', 'web.last_hit', 'web.took'] }, io)).toBe(0);
    const [file] = JSON.parse(io.out).files;
    expect(file.records).toEqual([
      { label: 'web.last_hit', type: 'd', value: 1800000000.5, family: 'web.last_hit', kind: 'gauge', help: 'When the last request came', unit: 'epoch_seconds' },
      { label: 'web.took', type: 'd', value: 0, family: 'web.took', kind: 'timer', unit: 'seconds' },
      // A timer's latest duration has a record of its own (the value is the moving mean).
      { label: 'web.took.last', type: 'd', value: 0, family: 'web.took.last', kind: 'timer', help: 'Latest duration', unit: 'seconds' },
      { label: 'web.requests{route="/a\\"b",status="2xx"}', type: 'Q', value: 3, family: 'web.requests', kind: 'counter', help: 'Responses sent', labels: { route: '/a"b', status: '2xx' } },
    ]);
  });

  test('the text layout stays the original\'s: a series is a record like any other', async () => {
    writeTypedFile();
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['web.mmstats'], prefix: ['web.requests', 'web.last_hit'] }, io)).toBe(0);
    expect(io.out).toBe('==> web.mmstats\n  web.last_hit                             1800000000.5\n  web.requests{route="/a\\"b",status="2xx"} 3\n\n');
  });

  /** Runs a writer whose histogram observed known values on /a and nothing on /b, then exits; its file stays. */
  function writeHistogramFile(): void {
    const script = `
      const { MmStats, field } = require('./packages/writer');
      class Web extends MmStats {
        static fields = { latency: field.histogram({ buckets: [1, 2, 5], labels: ['route'], unit: 'seconds', help: 'Latency' }) };
      }
      const stats = new Web({ path: process.argv[1], filename: 'h.mmstats', labelPrefix: 'web.' });
      for (const value of [0.5, 0.5, 1.5, 3, 10]) stats.latency.labels({ route: '/a' }).observe(value);
      stats.latency.labels({ route: '/b' });
    `;
    runWriterScript(script);
  }

  test('--json gives each histogram series its cumulative buckets, count, sum and p50, p90, p99', async () => {
    writeHistogramFile();
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['h.mmstats'], json: true }, io)).toBe(0);
    const [file] = JSON.parse(io.out).files;
    expect(file.histograms).toEqual([
      {
        family: 'web.latency',
        labels: { route: '/a' },
        buckets: [
          { le: '1', count: 2 },
          { le: '2', count: 3 },
          { le: '5', count: 4 },
          { le: '+Inf', count: 5 },
        ],
        count: 5,
        sum: 15.5,
        // Rank 2.5 is half-way through (1, 2]; ranks 4.5 and 4.95 are in the +Inf bucket: its lower bound.
        quantiles: { p50: 1.5, p90: 5, p99: 5 },
      },
      { family: 'web.latency', labels: { route: '/b' }, buckets: ['1', '2', '5', '+Inf'].map((le) => ({ le, count: 0 })), count: 0, sum: 0, quantiles: { p50: null, p90: null, p99: null } },
    ]);
    // The records are there as before, one per bucket, count and sum.
    expect(file.records.filter((record: { family: string }) => record.family === 'web.latency')).toHaveLength(12);
  });

  test('histograms: only the series with a record shown, and the text layout lists the records as ever', async () => {
    writeHistogramFile();
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['h.mmstats'], json: true, exclude: ['web.latency.bucket{route="/b"', 'web.latency.count{route="/b"', 'web.latency.sum{route="/b"'] }, io)).toBe(0);
    expect(JSON.parse(io.out).files[0].histograms.map((series: { labels: object }) => series.labels)).toEqual([{ route: '/a' }]);
    const none = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['h.mmstats'], json: true, prefix: ['web.other'] }, none)).toBe(0);
    expect(JSON.parse(none.out).files[0]).toEqual({ file: 'h.mmstats', records: [] });
    const text = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['h.mmstats'], prefix: ['web.latency.count', 'web.latency.bucket{route="/a",le="2"}'] }, text)).toBe(0);
    expect(text.out).toBe('==> h.mmstats\n  web.latency.bucket{route="/a",le="2"} 1\n  web.latency.count{route="/a"}         5\n  web.latency.count{route="/b"}         0\n\n');
  });

  test('--json of records that make no well-formed histogram: the records as they are, and histogramError saying why', async () => {
    const { bytes } = encodeFile(
      [
        { label: 'h.bucket{route="/a"}', signature: 'Q', buffered: true, initial: 1 },
        { label: 'h.count{route="/a"}', signature: 'Q', buffered: true, initial: 1 },
        { label: 'h.sum{route="/a"}', signature: 'd', buffered: true, initial: 0.5 },
      ],
      { metadata: [{ name: 'h', kind: 'histogram', labels: ['route'] }] },
    );
    fs.writeFileSync(path.join(dir, 'bad-h.mmstats'), bytes);
    const io = memoryIo({ cwd: dir });
    expect(await runSlurp({ files: ['bad-h.mmstats'], json: true }, io)).toBe(0);
    const [file] = JSON.parse(io.out).files;
    expect(file.records.map((record: { label: string }) => record.label)).toEqual(['h.bucket{route="/a"}', 'h.count{route="/a"}', 'h.sum{route="/a"}']);
    expect(file.histogramError).toMatch(/bad-h\.mmstats.*bucket record "h\.bucket\{route=\\"\/a\\"\}" has no le bound/);
  });

  test('--json of a file without metadata (the original\'s) has label, type and value only', async () => {
    const io = memoryIo({ cwd: ORIGINAL_FIXTURES });
    expect(await runSlurp({ files: ['basic.mmstats'], json: true }, io)).toBe(0);
    const [file] = JSON.parse(io.out).files;
    expect(file.records.map((record: object) => Object.keys(record))).toEqual(Array(4).fill(['label', 'type', 'value']));
  });
});
