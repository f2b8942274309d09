// A process that swaps a symlink in and out of the stats directory while the server reads it:
// no request may ever see a file outside the directory.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { collectFiles } from '../../src/web/collect';
import { double, removeTempDir, writeStatsFile } from '../util';
import { makeConfinementDirs } from './helpers';

const SWAPPER = path.join(__dirname, 'fixtures', 'swapper.js');
const ROUNDS = 2000;

let root: string;
let stats: string;
let outside: string;
let swapper: ChildProcess | undefined;

beforeEach(() => {
  ({ root, stats, outside } = makeConfinementDirs());
  writeStatsFile(outside, 'a.mmstats', [double('secret', 42)]);
});

afterEach(async () => {
  if (swapper && swapper.exitCode === null && swapper.signalCode === null) {
    const exited = new Promise((resolve) => swapper!.once('exit', resolve));
    swapper.kill('SIGKILL');
    await exited;
  }
  swapper = undefined;
  removeTempDir(root);
});

/** Starts the swapper on `name` (a file or a directory of the stats directory); resolves once it runs. */
async function startSwapping(name: string, target: string): Promise<void> {
  const child = spawn(process.execPath, [SWAPPER, stats, name, target], { stdio: ['ignore', 'pipe', 'inherit'] });
  swapper = child;
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`swapper exited with ${code}`)));
  });
}

/** Reads `pattern` ROUNDS times; counts the reads that served the outside file and those the swap disturbed. */
async function hammer(pattern: string): Promise<{ leaks: number; disturbed: number }> {
  let leaks = 0;
  let disturbed = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const collection = await collectFiles({ directory: stats, pattern }, pattern);
    if (JSON.stringify(collection, (_, value) => (typeof value === 'bigint' ? String(value) : value)).includes('secret')) leaks++;
    const served = collection.files.length === 1 && collection.files[0].records.some((record) => record.label === 'inside');
    if (!served) disturbed++;
  }
  return { leaks, disturbed };
}

describe('a symlink swapped in while the server reads', () => {
  test('in place of a file: the outside file is never served', async () => {
    writeStatsFile(stats, 'a.mmstats', [double('inside', 1)]);
    await startSwapping('a.mmstats', path.join(outside, 'a.mmstats'));
    const { leaks, disturbed } = await hammer('*.mmstats');
    expect(leaks).toBe(0);
    // The swap did race the reads: otherwise this test proves nothing.
    expect(disturbed).toBeGreaterThan(0);
  }, 30000);

  test('in place of a directory on the path: the outside file is never served', async () => {
    writeStatsFile(path.join(stats, 'sub'), 'a.mmstats', [double('inside', 1)]);
    await startSwapping('sub', outside);
    const { leaks, disturbed } = await hammer('sub/*.mmstats');
    expect(leaks).toBe(0);
    expect(disturbed).toBeGreaterThan(0);
  }, 30000);
});
