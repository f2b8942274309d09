// Writers die, and other processes delete or truncate their files. Real writer processes
// (test/crash/hammer-writer.js, on the built package: run `npx tsc -b` first) publish as fast as
// they can while this test kills them or pulls their file away.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStats, tempDir } from '../util';

const REPO_DIR = join(__dirname, '../../../..');
const HAMMER = join(__dirname, 'hammer-writer.js');
const dir = tempDir();

beforeAll(() => {
  if (!existsSync(join(REPO_DIR, 'packages/writer/dist/index.js'))) throw new Error('packages/writer/dist is missing: run `npx tsc -b` first');
});

/** A running hammer-writer with its output split into lines as they arrive. */
interface Writer {
  readonly process: ChildProcess;
  readonly lines: string[];
  /** Resolves once `predicate` holds for the lines so far. */
  until(predicate: (lines: readonly string[]) => boolean): Promise<void>;
  /** Resolves with the exit code and signal once the process has ended and its output is read. */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWriter(args: string[]): Writer {
  const child = spawn(process.execPath, [HAMMER, ...args], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      for (const wake of waiters.splice(0)) wake();
      resolve({ code, signal, stderr });
    }),
  );
  const until = async (predicate: (lines: readonly string[]) => boolean) => {
    while (!predicate(lines)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`writer ended early: ${stderr}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { process: child, lines, until, ended };
}

/** The last iteration a writer reported as published. */
function lastReported(lines: readonly string[]): number {
  const numbers = lines.filter((line) => /^\d+$/.test(line));
  return Number(numbers[numbers.length - 1] ?? 0);
}

describe('a writer killed with SIGKILL while publishing', () => {
  test.each([1, 2, 3, 4])('round %d: the file decodes, holding the last reported iteration or the next', async (round) => {
    const local = join(dir, `kill-${round}`);
    mkdirSync(local);
    const writer = startWriter([local, 'hammer.mmstats', 'every']);
    // A different, arbitrary moment each round.
    const killAfter = 2000 + Math.floor(Math.random() * 20000);
    await writer.until((lines) => lines.length > killAfter);
    writer.process.kill('SIGKILL');
    const { signal } = await writer.ended;
    expect(signal).toBe('SIGKILL');

    // Every report that was written has been read: iteration P was published in full, and the
    // writer may have begun P + 1 (but not P + 2, which comes after the report of P + 1).
    const p = lastReported(writer.lines);
    expect(p).toBeGreaterThanOrEqual(killAfter - 1);
    const records = readStats(join(local, 'hammer.mmstats'));
    expect(records.map((r) => r.label)).toEqual(['a', 'n', 'half', 'small', 'text']);
    const [a, n, half, small, text] = records.map((r) => r.value);
    const iteration = { a: Number(a), n: Number(n), half: Number(half) * 2, small: Number(small) };
    for (const [name, value] of Object.entries(iteration)) {
      if (value !== p && value !== p + 1) throw new Error(`${name} holds iteration ${value}; last reported ${p}`);
    }
    // Fields are published in declaration order: a later field is never ahead of an earlier one.
    expect(iteration.a).toBeGreaterThanOrEqual(iteration.n);
    expect(iteration.n).toBeGreaterThanOrEqual(iteration.half);
    expect(iteration.half).toBeGreaterThanOrEqual(iteration.small);
    // Strings are written in place (SPEC.md §7.3): torn only if the kill hit that very write.
    expect(text).toMatch(/^n=\d{12}$/);
    if (iteration.small === p) expect(text).toBe(`n=${String(p).padStart(12, '0')}`);
  });
});

describe('files pulled away from a live writer', () => {
  test('a writer whose file another process deletes keeps publishing and exits normally', async () => {
    const local = join(dir, 'deleted');
    mkdirSync(local);
    const stop = join(local, 'stop');
    const writer = startWriter([local, 'gone.mmstats', 'until', stop]);
    await writer.until((lines) => lastReported(lines) >= 3000);
    unlinkSync(join(local, 'gone.mmstats'));
    const deletedAt = lastReported(writer.lines);
    await writer.until((lines) => lastReported(lines) >= deletedAt + 50_000);
    writeFileSync(stop, '');
    const { code, signal, stderr } = await writer.ended;
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    // The counter kept counting in the unlinked file's memory: one per iteration.
    const done = writer.lines.find((line) => line.startsWith('done '));
    expect(Number(done!.split(' ')[1])).toBe(lastReported(writer.lines));
    expect(existsSync(join(local, 'gone.mmstats'))).toBe(false);
  });

  test('writes after remove() never crash: a million of them and a flush, exit 0', async () => {
    const local = join(dir, 'removed');
    mkdirSync(local);
    const writer = startWriter([local, 'r.mmstats', 'removed']);
    const { code, signal, stderr } = await writer.ended;
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(writer.lines).toEqual([`ready ${join(local, 'r.mmstats')}`, 'done 1000000 1000000']);
    expect(existsSync(join(local, 'r.mmstats'))).toBe(false);
  });

  test('a file truncated under a live writer kills it with SIGBUS (documented limitation)', async () => {
    // Linux offers no way for a writer to stop another process with write access from truncating
    // a regular file; the next store into a page past the new end raises SIGBUS, which JavaScript
    // cannot catch. This test pins that behaviour so the documentation stays true.
    const local = join(dir, 'truncated');
    mkdirSync(local);
    const writer = startWriter([local, 't.mmstats', 'until', join(local, 'never')]);
    await writer.until((lines) => lastReported(lines) >= 3000);
    truncateSync(join(local, 't.mmstats'), 0);
    const { signal } = await writer.ended;
    expect(signal).toBe('SIGBUS');
  });
});
