import * as fs from 'node:fs';
import * as path from 'node:path';

import { UsageError } from '../src/errors';
import { memoryIo } from '../src/io';
import { buildParser, packageVersion } from '../src/parser';
import { double, makeTempDir, PACKAGE_DIR, removeTempDir, writeStatsFile } from './util';

let dir: string;

beforeEach(() => {
  dir = makeTempDir();
  writeStatsFile(dir, 'a.mmstats', ['http.get', 'http.post', 'sys.pid'].map((l, i) => double(l, i)));
});

afterEach(() => {
  removeTempDir(dir);
});

async function run(commandLine: string) {
  const io = memoryIo({ cwd: dir });
  let exitCode: number | undefined;
  await buildParser(io, (code) => {
    exitCode = code;
  }).parseAsync(commandLine);
  return { io, exitCode };
}

describe('buildParser', () => {
  test('building the parser parses and prints nothing', () => {
    const io = memoryIo();
    buildParser(io);
    expect(io.out + io.err).toBe('');
  });

  test('slurp with files runs the command and reports its exit code', async () => {
    const { io, exitCode } = await run('slurp a.mmstats');
    expect(io.out).toBe('==> a.mmstats\n  http.get  0.0\n  http.post 1.0\n  sys.pid   2.0\n\n');
    expect(exitCode).toBe(0);
  });

  test('--prefix and --exclude repeat, and do not swallow file names', async () => {
    const { io } = await run('slurp --prefix http. --prefix sys. --exclude http.post a.mmstats');
    expect(io.out).toBe('==> a.mmstats\n  http.get 0.0\n  sys.pid  2.0\n\n');
  });

  test('--sort and --json', async () => {
    const { io } = await run('slurp a.mmstats --json --sort --exclude http.');
    expect(JSON.parse(io.out)).toEqual({ files: [{ file: 'a.mmstats', records: [{ label: 'sys.pid', type: 'd', value: 2 }] }] });
  });

  test('a failing file gives exit code 1', async () => {
    const { exitCode, io } = await run('slurp missing.mmstats');
    expect(exitCode).toBe(1);
    expect(io.err).toBe('mmstats: missing.mmstats: no such file or directory\n');
  });

  test('file names after -- may start with a dash', async () => {
    fs.copyFileSync(path.join(dir, 'a.mmstats'), path.join(dir, '-dash.mmstats'));
    const { io } = await run('slurp --prefix sys. -- -dash.mmstats');
    expect(io.out).toBe('==> -dash.mmstats\n  sys.pid 2.0\n\n');
  });

  test.each([
    ['an unknown option', 'slurp --bogus a.mmstats', 'unknown option --bogus'],
    ['an unknown command', 'slurpy', "unknown command 'slurpy'; did you mean 'slurp'?"],
    ['no command', '', 'no command given'],
    ['--prefix without a value', 'slurp --prefix', '--prefix needs a value'],
  ])('%s is a UsageError', async (_name, commandLine, message) => {
    const promise = run(commandLine);
    await expect(promise).rejects.toThrow(UsageError);
    await expect(promise).rejects.toThrow(message);
  });
});

describe('packageVersion', () => {
  test("is the package's version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
    expect(packageVersion()).toBe(pkg.version);
  });
});
