// The short version of `npm run stress`: a real writer process publishes every field type as fast
// as it can while real reader processes, and this process through the CLI's own readers, decode
// its file. Through the stable read protocol no value may be torn or invalid. Uses the built
// packages (run `npx tsc -b` first).
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

import { Sampler } from '../../src/read/poller';
import { parseSelector } from '../../src/read/selector';
import { readSnapshot } from '../../src/read/snapshot';
import { requireBuild } from '../util';

const STRESS = path.resolve(__dirname, '../../../../scripts/stress');
const { runStress } = require(path.join(STRESS, 'run.js'));
const { Checker } = require(path.join(STRESS, 'values.js'));

jest.setTimeout(60_000);

beforeAll(requireBuild);

test('reader processes see no torn or invalid value through the read protocol', async () => {
  const { summaries, published } = await runStress({ reads: 1_000_000, readers: 2, phases: ['stable'] });
  const [stable] = summaries;
  expect(published).toBeGreaterThan(0);
  expect(stable.reads).toBeGreaterThanOrEqual(1_000_000);
  expect({ torn: stable.torn, invalid: stable.invalid, examples: stable.examples }).toEqual({ torn: {}, invalid: {}, examples: [] });
});

describe('the CLI readers, while a writer hammers its file', () => {
  let writer: ChildProcess;
  let file: string;
  let dir: string;

  beforeAll(async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmstats-cli-stress-'));
    writer = fork(path.join(STRESS, 'writer.js'), [dir], { stdio: 'inherit' });
    file = await new Promise<string>((resolve, reject) => {
      writer.once('message', (message: { file: string }) => resolve(message.file));
      writer.once('exit', (code) => reject(new Error(`the stress writer exited with ${code}`)));
    });
  });

  afterAll(async () => {
    const done = new Promise((resolve) => writer.once('exit', resolve));
    writer.send('stop');
    await done;
    (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
  });

  test('readSnapshot returns only whole values, and the records that never held still without one', async () => {
    const checker = new Checker();
    const verdicts: Record<string, number> = {};
    for (let i = 0; i < 2000; i++) {
      const snapshot = await readSnapshot({ file: 'stress.mmstats', path: file });
      if (snapshot.error) throw snapshot.error;
      const confirmed = new Set(snapshot.records.map((record) => record.label));
      for (const record of snapshot.unstable) expect(confirmed.has(record.label)).toBe(false);
      for (const record of snapshot.records) {
        const verdict = checker.check(record.label, record.value);
        verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
      }
    }
    expect(verdicts.torn ?? 0).toBe(0);
    expect(verdicts.invalid ?? 0).toBe(0);
    expect(verdicts.ok).toBeGreaterThan(0);
  });

  test('the poll sampler returns only whole values', async () => {
    const labels = ['counter', 'double', 'uint64', 'string.buffered'];
    const sampler = new Sampler({ selectors: labels.map((label) => parseSelector(label)) });
    const checker = new Checker();
    let checked = 0;
    for (let i = 0; i < 2000; i++) {
      const sample = await sampler.sample([{ file: 'stress.mmstats', path: file }], i);
      expect(sample.errors).toEqual([]);
      for (const { values, unstable } of sample.files) {
        for (const label of labels) {
          const entry = values.get(label);
          // An unstable field has its previous whole value, or none on the first read.
          if (entry === undefined) expect(unstable).toContain(label);
          else expect(checker.check(label, entry.value)).toBe('ok');
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
