// Records added to a live file never show half done (SPEC.md §14.5): a writer adds 10^4 labelled
// series while readers copy the file over and over, ours through pread and the original's
// algorithm through a mapping, and none of them ever meets a malformed record. A control writer
// that stores the label length first shows that these readers do catch a wrong order.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLayout, readStableFile } from '@mmstats/format';
import { tempDir } from '../util';

const REPO = join(__dirname, '../../../..');
const ORIGINAL_READER = join(REPO, 'packages/format/test/original_reader.py');

const root = tempDir();
let runs = 0;

jest.setTimeout(240_000);

interface Outcome {
  /** Malformed records our pread readers met. */
  errors: string[];
  /** Distinct record counts our readers saw. */
  counts: number;
  /** What the original algorithm saw through a mapping. */
  original: { reads: number; counts: number[]; errors: string[]; done: boolean };
  path: string;
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', resolve));
}

function lineFrom(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (line: Buffer) => resolve(line.toString()));
  });
}

/** Runs the writer in `mode` adding `series` series, with both readers copying until it is done. */
async function stress(series: number, mode = 'registry'): Promise<Outcome> {
  const dir = join(root, String(runs++));
  mkdirSync(dir);
  const writer = spawn(process.execPath, [join(__dirname, 'append-writer.js'), dir, String(series), mode], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
  const path = (await lineFrom(writer)).trim();
  // The original algorithm, through a mapping, in its own process while this one reads by pread.
  const original = spawn('python3', [ORIGINAL_READER, '--live', path, 'stress.done', '200'], { stdio: ['ignore', 'pipe', 'inherit'] });
  // 'close', not 'exit': a process can exit before its last output has been read from the pipe.
  const originalClosed = new Promise((resolve) => original.once('close', resolve));
  let originalOutput = '';
  await new Promise<void>((resolve) =>
    original.stdout!.on('data', (chunk: Buffer) => {
      originalOutput += chunk;
      if (originalOutput.startsWith('ready\n')) resolve();
    }),
  );
  writer.stdin!.end('go\n');

  const fd = openSync(path, 'r');
  const readAt = (offset: number, length: number) => {
    const bytes = Buffer.alloc(length);
    return bytes.subarray(0, readSync(fd, bytes, 0, length, offset));
  };
  const counts = new Set<number>();
  const errors: string[] = [];
  let copies = 0;
  let done = false;
  const deadline = Date.now() + 200_000;
  try {
    while (!done && Date.now() < deadline) {
      const size = fstatSync(fd).size;
      copies++;
      try {
        // A plain v1 walk of one copy, the trailer ignored: stops at the end marker, throws on anything malformed.
        counts.add(decodeLayout(readAt(0, size), { path, trailer: null, maxRecords: Infinity }).length);
        // The stable read of our tools: the trailer first, then the copies.
        const stable = readStableFile(readAt, size, { path, maxRecords: Infinity });
        done = stable.records.some((record) => record.label === 'stress.done' && record.value === 1);
      } catch (error) {
        errors.push((error as Error).message);
      }
      // Let the writer and the mapping reader run on a busy machine too.
      if (copies % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
  }
  expect(done).toBe(true);
  expect(await exited(writer)).toBe(0);
  await originalClosed;
  return { errors, counts: counts.size, original: JSON.parse(originalOutput.slice('ready\n'.length)), path };
}

test('10^4 series added while readers copy: 0 malformed records for our readers and the original algorithm', async () => {
  const SERIES = 10_000;
  const outcome = await stress(SERIES);
  expect(outcome.errors).toEqual([]);
  expect(outcome.original.errors).toEqual([]);
  expect(outcome.original.done).toBe(true);
  const all = spawnSync('python3', [ORIGINAL_READER, outcome.path], { encoding: 'utf8' });
  const records = (JSON.parse(all.stdout) as { files: Array<{ records: Array<{ label: string }> }> }).files[0].records;
  expect(records.filter((record) => record.label.startsWith('stress.series{'))).toHaveLength(SERIES);
  // Not vacuous: both readers caught the file between additions many times.
  expect(outcome.counts).toBeGreaterThan(10);
  expect(outcome.original.counts.length).toBeGreaterThan(10);
});

test('the readers catch a writer that stores the label length before the rest of the record', async () => {
  const outcome = await stress(300, 'label-length-first');
  expect(outcome.errors.length + outcome.original.errors.length).toBeGreaterThan(0);
});
