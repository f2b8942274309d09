// Partial results: a real writer process increments one counter in a tight loop (so fast that two
// reads of it hardly ever agree) next to records that never change. Every reader must still give
// the steady records, never fail the whole file, and never show a value it did not confirm.
// Uses the built packages (run `npx tsc -b` first).
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import * as path from 'node:path';

import { runPoll } from '../../src/commands/poll';
import { runSlurp } from '../../src/commands/slurp';
import { memoryIo } from '../../src/io';
import { Sampler } from '../../src/read/poller';
import { parseSelector } from '../../src/read/selector';
import { readSnapshot } from '../../src/read/snapshot';
import { collectFiles } from '../../src/web/collect';
import { resolveScope } from '../../src/web/scope';
import { startWebServer } from '../../src/web/server';
import { makeTempDir, removeTempDir, requireBuild } from '../util';

jest.setTimeout(60_000);

// These tests are about a value caught changing. The patient step of the read protocol (SPEC.md
// §8.3 step 5) makes that rare, rarer still on a loaded machine where the writer is descheduled
// while a record is copied alone: the readers here give up at once, as they did before it.
process.env.MMSTATS_PATIENT_COPIES = '0';

const HAMMER = path.join(__dirname, '..', 'fixtures', 'hammer-writer.js');
const STEADY = { 'cold.before': 1.5, 'cold.after': 42, 'cold.name': 'steady' };

let dir: string;
let writer: ChildProcess;
let file: string;

beforeAll(async () => {
  requireBuild();
  dir = makeTempDir();
  writer = spawn(process.execPath, [HAMMER, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  // Every test here needs the writer running while a reader copies: on a loaded 2-core machine
  // (the suite's own workers, CPU hogs) it was descheduled long enough that 42,000 slurps in 20 s
  // never caught the counter changing. A higher priority keeps it on a core (root only; without
  // the right to raise it, the test runs as before).
  try {
    setPriority(writer.pid!, -10);
  } catch {
    // EACCES: not permitted for this user.
  }
  file = await new Promise<string>((resolve, reject) => {
    let out = '';
    writer.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]).file);
    });
    writer.once('exit', (code) => reject(new Error(`the hammering writer exited with ${code}`)));
  });
});

afterAll(async () => {
  const exited = new Promise((resolve) => writer.once('exit', resolve));
  writer.kill('SIGKILL');
  await exited;
  removeTempDir(dir);
});

/**
 * Calls `attempt` until it returns true (the hot counter was caught changing), for up to 20 s. On
 * a loaded machine the writer may not run between two copies for a while: pausing now and then
 * lets it be scheduled.
 */
async function untilUnstable(attempt: () => Promise<boolean>, seconds = 20): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let tries = 0;
  while (Date.now() < deadline) {
    if (await attempt()) return;
    if (++tries % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the hot counter held still in all of ${tries} reads over ${seconds} s: the writer is not hammering it`);
}

test('readSnapshot gives every steady record and never a value of the hot counter it did not confirm', async () => {
  let unstableReads = 0;
  let last = 0;
  for (let i = 0; i < 300; i++) {
    const snapshot = await readSnapshot({ file: 'hammered.mmstats', path: file });
    if (snapshot.error) throw snapshot.error;
    const values = Object.fromEntries(snapshot.records.map((record) => [record.label, record.value]));
    expect(values).toMatchObject(STEADY);
    expect(snapshot.unstable.map((record) => record.label).filter((label) => label !== 'hot')).toEqual([]);
    if (snapshot.unstable.length > 0) {
      unstableReads++;
      expect(values).not.toHaveProperty('hot');
    } else {
      // A confirmed count is whole: it only grows.
      expect(values.hot).toBeGreaterThanOrEqual(last);
      last = values.hot as number;
    }
  }
  // The hot counter must have been caught changing (else this test proved nothing); on a loaded
  // machine that may take more than 300 reads.
  if (unstableReads === 0) {
    await untilUnstable(async () => {
      const snapshot = await readSnapshot({ file: 'hammered.mmstats', path: file });
      return snapshot.error === undefined && snapshot.unstable.length > 0;
    });
  }
});

test('slurp prints the steady records, marks the hot counter <unstable>, names it on stderr and exits 0', async () => {
  await untilUnstable(async () => {
    const io = memoryIo();
    const code = await runSlurp({ files: [file] }, io);
    expect(code).toBe(0);
    expect(io.out).toMatch(/^ {2}cold\.before +1\.5$/m);
    expect(io.out).toMatch(/^ {2}cold\.after +42$/m);
    expect(io.out).toMatch(/^ {2}cold\.name +steady$/m);
    if (!io.out.includes('<unstable>')) return false;
    expect(io.out).toMatch(/^ {2}hot +<unstable>$/m);
    expect(io.err).toBe(`mmstats: ${file}: "hot": value changed between every two reads, shown as <unstable>\n`);
    return true;
  });
});

test('slurp --json gives the hot counter as null and lists it as unstable', async () => {
  await untilUnstable(async () => {
    const io = memoryIo();
    expect(await runSlurp({ files: [file], json: true }, io)).toBe(0);
    const [doc] = JSON.parse(io.out).files;
    const values = Object.fromEntries(doc.records.map((record: { label: string; value: unknown }) => [record.label, record.value]));
    expect(values).toMatchObject(STEADY);
    if (!doc.unstable) return false;
    expect(doc.unstable).toEqual(['hot']);
    expect(values.hot).toBeNull();
    expect(doc.records.map((record: { label: string }) => record.label)).toEqual(['cold.before', 'hot', 'cold.after', 'cold.name']);
    return true;
  });
});

test('the poll sampler keeps the file, with the previous value of a field caught changing', async () => {
  const sampler = new Sampler({ selectors: ['hot', 'cold.after'].map((label) => parseSelector(label)) });
  let carried = 0;
  let previousHot: number | undefined;
  let time = 0;
  await untilUnstable(async () => {
    const sample = await sampler.sample([{ file: 'hammered.mmstats', path: file }], time++);
    expect(sample.errors).toEqual([]);
    expect(sample.files).toHaveLength(1);
    const [one] = sample.files;
    expect(one.values.get('cold.after')?.value).toBe(42);
    const hot = one.values.get('hot')?.value as number | undefined;
    if (one.unstable.includes('hot') && previousHot !== undefined) {
      expect(hot).toBe(previousHot);
      carried++;
    }
    if (hot !== undefined) {
      expect(hot).toBeGreaterThanOrEqual(previousHot ?? 0);
      previousHot = hot;
    }
    return carried > 0;
  });
});

test('poll shows the hot counter as unknown when it was caught changing, never as a growth of 0, and says so once', async () => {
  await untilUnstable(async () => {
    const io = memoryIo();
    const code = await runPoll({ fields: ['cold.after', 'hot'], files: [file], count: 20, delay: 0.005, json: true }, io);
    expect(code).toBe(0);
    const rows = io.out.trim().split('\n').map((line) => JSON.parse(line));
    expect(rows).toHaveLength(20);
    expect(rows[0].values['cold.after']).toBe(42);
    for (const row of rows.slice(1)) expect(row.values['cold.after']).toBe(0);
    // An unknown growth is null (`?` in the table), never a number; a known one never goes back.
    for (const row of rows.slice(1)) expect(row.values.hot === null || row.values.hot >= 0).toBe(true);
    if (!rows.some((row) => row.values.hot === null)) return false;
    expect(io.err).toBe(`mmstats: ${file}: "hot" changed between every two reads: shown as ? (reported once)\n`);
    return true;
  });
});

test('the web server logs the hot counter once, however often it flips between stable and not', async () => {
  const logged: string[] = [];
  const server = await startWebServer({ scope: { directory: dir, pattern: '*.mmstats' }, port: 0, log: (line) => logged.push(line) });
  try {
    // Until the counter was seen unstable, then stable, then unstable again (logged as a problem
    // that comes and goes, each return was a new line), or for 20 s: a writer that is never
    // descheduled may never be read stable, and then once is all there can be.
    const phases: boolean[] = [];
    const deadline = Date.now() + 20_000;
    while (phases.filter(Boolean).length < 2 && Date.now() < deadline) {
      const body = await (await fetch(new URL('api/snapshot', server.url))).json();
      const unstable = body.skipped.length > 0;
      if (phases[phases.length - 1] !== unstable) phases.push(unstable);
    }
    expect(phases).toContain(true);
  } finally {
    await server.close();
  }
  expect(logged).toEqual(['hammered.mmstats: record "hot" left out: changed between every two reads (logged once)']);
});

test('the web collection serves the file without the hot counter and reports it like a skipped file', async () => {
  const scope = await resolveScope(path.join(dir, '*.mmstats'), {}, dir);
  await untilUnstable(async () => {
    const collection = await collectFiles(scope);
    expect(collection.files).toHaveLength(1);
    const [served] = collection.files;
    expect(Object.fromEntries(served.records.map((record) => [record.label, record.value]))).toMatchObject(STEADY);
    if (served.unstable.length === 0) return false;
    expect(served.unstable).toEqual(['hot']);
    expect(served.records.map((record) => record.label)).not.toContain('hot');
    expect(collection.skipped).toEqual([{ file: 'hammered.mmstats', error: 'record "hot" left out: changed between every two reads' }]);
    return true;
  });
});
