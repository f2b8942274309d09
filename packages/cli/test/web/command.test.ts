import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { memoryIo } from '../../src/io';
import { main } from '../../src/main';
import { NO_HEADER } from '../../src/web/collect';
import { BIN, double, makeTempDir, removeTempDir, requireBuild, writeStatsFile } from '../util';
import { eventually } from './helpers';

let dir: string;

beforeEach(() => {
  dir = makeTempDir();
  writeStatsFile(dir, 'a.mmstats', [double('load', 0.5)]);
});

afterEach(() => {
  removeTempDir(dir);
});

const env = { ...process.env, MMSTATS_PATH: undefined, MMSTATS_GLOB: undefined };

/** Starts `bin/mmstats web …` and resolves with the child and the URL it printed. */
async function startBin(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'web', '--port', '0', ...args], { env: { ...env, MMSTATS_PATH: dir } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await eventually('the URL on standard output', () => /at (http:\/\/\S+)\n/.exec(out)?.[1]);
  return { child, url, exited, output: () => ({ out, err }) };
}

describe('mmstats web (in process)', () => {
  test('prints what it serves and where, answers, and ends with 0 on Ctrl-C', async () => {
    const io = memoryIo({ env: { MMSTATS_PATH: dir } });
    const running = main(['web', '--port', '0'], io);
    const url = await eventually('the URL', () => /at (http:\/\/127\.0\.0\.1:\d+\/)\n$/.exec(io.out)?.[1]);
    expect(io.out).toBe(`mmstats web: serving ${dir}/*.mmstats at ${url}\n`);
    expect(await (await fetch(url + 'stats/load')).json()).toEqual({ load: [0.5] });
    io.interrupt();
    expect(await running).toBe(0);
    await expect(fetch(url + 'stats/')).rejects.toThrow();
    expect(io.err).toBe('');
  });

  test('a skipped file is logged on one line, its control characters escaped', async () => {
    fs.writeFileSync(path.join(dir, 'bad\x1b[2J\nforged line.mmstats'), 'not stats');
    const io = memoryIo({ env: { MMSTATS_PATH: dir } });
    const running = main(['web', '--port', '0'], io);
    const url = await eventually('the URL', () => /at (http:\/\/\S+)\n$/.exec(io.out)?.[1]);
    expect((await (await fetch(url + 'stats/')).json()).skipped).toEqual([
      { file: 'bad\x1b[2J\nforged line.mmstats', error: NO_HEADER },
    ]);
    io.interrupt();
    expect(await running).toBe(0);
    expect(io.err).toBe(`mmstats: bad\\x1b[2J\\nforged line.mmstats: ${NO_HEADER} (skipped)\n`);
  });

  test('a port in use: a clear error and exit 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const io = memoryIo({ env: { MMSTATS_PATH: dir } });
      expect(await main(['web', '--port', String(port)], io)).toBe(1);
      expect(io.err).toBe(`mmstats: cannot listen on 127.0.0.1:${port}: address already in use (another program has this port; pick another with --port)\n`);
      expect(io.out).toBe('');
    } finally {
      blocker.close();
    }
  });

  test('bad options are usage errors (exit 2)', async () => {
    for (const args of [['--port', '70000'], ['--port', 'http'], ['--port', '1.5'], ['--host', ''], ['--bogus']]) {
      const io = memoryIo({ env: { MMSTATS_PATH: dir } });
      expect([args, await main(['web', ...args], io)]).toEqual([args, 2]);
    }
  });

  test('binding beyond loopback warns that anyone who can reach it can read the stats', async () => {
    const io = memoryIo({ env: { MMSTATS_PATH: dir } });
    const running = main(['web', '--port', '0', '--host', '0.0.0.0'], io);
    await eventually('the URL', () => (io.out.includes('http://') ? true : undefined));
    io.interrupt();
    expect(await running).toBe(0);
    expect(io.err).toBe('mmstats: listening on 0.0.0.0: anyone who can reach this address can read these stats\n');
  });
});

describe('bin/mmstats web', () => {
  beforeAll(() => {
    requireBuild();
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('%s closes the server and exits 0', async (signal) => {
    const { child, url, exited, output } = await startBin([]);
    expect((await fetch(url + 'files/').then((response) => response.json())).files).toEqual(['a.mmstats']);
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    expect(await exited).toBe(0);
    clearTimeout(timer);
    expect(output().err).toBe('');
  });

  test('a closed standard output does not stop the server (`mmstats web | head -1`)', async () => {
    const { child, url, exited, output } = await startBin([]);
    child.stdout.destroy();
    // Time for a write or a close to reach the server, had it reacted to one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetch(url + 'files/').then((response) => response.json())).files).toEqual(['a.mmstats']);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output().err).toBe('');
  });

  test('--help lists the options', () => {
    const result = spawnSync(process.execPath, [BIN, 'web', '--help'], { encoding: 'utf8', env });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('[default: "127.0.0.1"]');
    expect(result.stdout).toMatch(/--port[^\n]*\[default: 5002\]/);
    expect(result.stdout).toContain('--glob');
  });
});
