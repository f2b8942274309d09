// slurp, poll and clean over a directory of mutated, truncated, spliced and hostile files (the
// corpus of scripts/fuzz, which `node scripts/fuzz/run.js <count>` runs at length): every file
// gets its own outcome, the valid files still print, exit codes are as documented, and clean
// removes the dead process's file but never the live one's.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { memoryIo } from '../src/io';
import { main } from '../src/main';
import { makeTempDir, removeTempDir } from './util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { corpus } = require('../../../scripts/fuzz/corpus.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkCommands } = require('../../../scripts/fuzz/check.js');

/** Files per batch and batches: about 3,000 files read by each command. */
const FILES = 750;
const BATCHES = 4;

let dir: string;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => {
  removeTempDir(dir);
});

/** A pid that no longer exists: a child process that has exited. */
const DEAD_PID = spawnSync(process.execPath, ['-e', '0']).pid!;

test.each(Array.from({ length: BATCHES }, (_, i) => [i, 0x5eed + i]))('batch %d (seed %d): one outcome per file, valid files printed, only the dead file removed', async (_batch, seed) => {
  const { valid, make } = corpus({ seed, livePid: process.pid, deadPid: DEAD_PID });
  // The exact text of the valid files, as slurp prints each alone.
  const expected: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(valid) as Array<[string, Uint8Array]>) {
    fs.writeFileSync(path.join(dir, name), bytes);
    const io = memoryIo({ cwd: dir });
    expect(await main(['slurp', `./${name}`], io)).toBe(0);
    expected[name] = io.out;
  }
  const names = Object.keys(valid);
  for (let i = 0; i < FILES; i++) {
    const file = make(i);
    fs.writeFileSync(path.join(dir, file.name), file.bytes);
    names.push(file.name);
  }
  const result = await checkCommands({ main, memoryIo, dir, names, expected, live: 'valid-live.mmstats', dead: 'valid-dead.mmstats' });
  expect(result.problems).toEqual([]);
  // The corpus reaches both outcomes often, so both kinds of check ran.
  expect(result.printed).toBeGreaterThan(FILES / 20);
  expect(result.failed).toBeGreaterThan(FILES / 2);
  expect(fs.existsSync(path.join(dir, 'valid-live.mmstats'))).toBe(true);
  expect(fs.existsSync(path.join(dir, 'valid-dead.mmstats'))).toBe(false);
}, 30_000);
