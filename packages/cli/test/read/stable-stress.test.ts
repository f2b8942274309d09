// The short version of `npm run stress`: a real writer process publishes every field type as fast
// as it can while real reader processes, and this process through the CLI's own readers, decode
// its file. Through the stable read protocol no value may be torn or invalid. Uses the built
// packages (run `npx tsc -b` first).
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

import { ReadError } from '../../src/errors';
import { Sampler } from '../../src/read/poller';
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

  test('readSnapshot returns only whole values, or names the records that never held still', async () => {
    const checker = new Checker();
    const verdicts: Record<string, number> = {};
    let unstableFiles = 0;
    for (let i = 0; i < 2000; i++) {
      const snapshot = await readSnapshot({ file: 'stress.mmstats', path: file });
      if (snapshot.error) {
        expect(snapshot.error).toBeInstanceOf(ReadError);
        expect(snapshot.error.message).toMatch(/^stress\.mmstats: record \d+ ".+" .*changed between every two of 16 reads: no value could be read whole$/);
        unstableFiles++;
        continue;
      }
      for (const record of snapshot.records) {
        const verdict = checker.check(record.label, record.value);
        verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
      }
    }
    expect(verdicts.torn ?? 0).toBe(0);
    expect(verdicts.invalid ?? 0).toBe(0);
    expect(verdicts.ok).toBeGreaterThan(0);
    expect(unstableFiles).toBeLessThan(2000);
  });

  test('the poll sampler returns only whole values', async () => {
    const labels = ['counter', 'double', 'uint64', 'string.buffered'];
    const sampler = new Sampler({ labels });
    const checker = new Checker();
    let checked = 0;
    for (let i = 0; i < 2000; i++) {
      const sample = await sampler.sample([{ file: 'stress.mmstats', path: file }], i);
      for (const error of sample.errors) expect(error.message).toMatch(/changed between every two of 16 reads/);
      for (const { values } of sample.files) {
        for (const label of labels) {
          expect(checker.check(label, values.get(label)!.value)).toBe('ok');
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
