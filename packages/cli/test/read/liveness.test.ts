import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
  checkLiveness,
  DEFAULT_CLOCK_TICKS,
  readBootTime,
  readClockTicks,
  readStartTicks,
  systemProcessTable,
  toProcessId,
  type ProcessStatus,
  type ProcessTable,
} from '../../src/read/liveness';
import { HAS_PROC, removeTempDir, useTempDir } from '../util';


let dir: string;
useTempDir((created) => (dir = created));

/** The pid of a process that has exited and been reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A procfs look-alike: `<dir>/stat` with a boot time, `<dir>/<pid>/stat` with a process line. */
function fakeProc(btime: number | undefined, processes: Record<number, string>): string {
  const procDir = path.join(dir, 'proc');
  fs.mkdirSync(procDir);
  fs.writeFileSync(path.join(procDir, 'stat'), `cpu  1 2 3 4\n${btime === undefined ? '' : `btime ${btime}\n`}processes 99\n`);
  for (const [pid, line] of Object.entries(processes)) {
    fs.mkdirSync(path.join(procDir, pid));
    fs.writeFileSync(path.join(procDir, pid, 'stat'), line);
  }
  return procDir;
}

/** A `/proc/<pid>/stat` line with the given command name and start time (field 22). */
function statLine(pid: number, comm: string, startTicks: number): string {
  // Fields 3 to 21, then starttime, then a few more.
  const middle = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 1))];
  return `${pid} (${comm}) ${middle.join(' ')} ${startTicks} 43859968 2865 18446744073709551615\n`;
}

describe('systemProcessTable().status', () => {
  const table = systemProcessTable();

  test('this process is alive', () => {
    expect(table.status(process.pid)).toEqual({ state: 'alive' });
  });

  test('an exited child is gone', () => {
    expect(table.status(deadPid())).toEqual({ state: 'gone' });
  });

  test("pid 1 exists: alive for root, foreign (EPERM) for another user's process", () => {
    const state = table.status(1).state;
    if (process.getuid?.() === 0) expect(state).toBe('alive');
    else expect(['alive', 'foreign']).toContain(state);
  });

  test('refuses anything but a positive 32-bit pid (0 and -1 would address groups)', () => {
    for (const pid of [0, -1, 1.5, 2 ** 31, NaN]) {
      expect(() => table.status(pid)).toThrow(RangeError);
      expect(() => table.startTime(pid)).toThrow(RangeError);
    }
  });
});

describe('systemProcessTable().startTime', () => {
  test('this process started process.uptime() ago (real /proc)', () => {
    const started = systemProcessTable().startTime(process.pid);
    if (!HAS_PROC) return expect(started).toBeUndefined();
    const expected = Date.now() / 1000 - process.uptime();
    expect(started).toBeDefined();
    expect(Math.abs(started! - expected)).toBeLessThan(2);
  });

  test('unknown for a process that has exited', () => {
    expect(systemProcessTable().startTime(deadPid())).toBeUndefined();
  });

  test('boot time plus field 22 in clock ticks, counted after the last ")" of the command name', () => {
    const procDir = fakeProc(1700000000, { 123: statLine(123, 'we) ird (name', 12345), 7: statLine(7, 'x', 500) });
    expect(systemProcessTable({ procDir, clockTicks: 100 }).startTime(123)).toBeCloseTo(1700000123.45, 6);
    expect(systemProcessTable({ procDir, clockTicks: 250 }).startTime(7)).toBe(1700000002);
    expect(readStartTicks(procDir, 123)).toBe(12345);
    expect(readBootTime(procDir)).toBe(1700000000);
  });

  test('unknown without /proc, without btime, for a missing or malformed process line', () => {
    expect(systemProcessTable({ procDir: path.join(dir, 'missing') }).startTime(process.pid)).toBeUndefined();
    expect(systemProcessTable({ procDir: fakeProc(undefined, { 5: statLine(5, 'x', 1) }) }).startTime(5)).toBeUndefined();
    removeTempDir(path.join(dir, 'proc'));
    const procDir = fakeProc(1700000000, { 5: '5 (no closing paren S 1 2\n', 6: '6 (short) S 1 2 3\n', 8: statLine(8, 'x', -4) });
    const table = systemProcessTable({ procDir, clockTicks: 100 });
    expect(table.startTime(5)).toBeUndefined();
    expect(table.startTime(6)).toBeUndefined();
    expect(table.startTime(8)).toBeUndefined();
    expect(table.startTime(9)).toBeUndefined();
  });
});

describe('readClockTicks', () => {
  test('what getconf CLK_TCK says, else 100', () => {
    let expected = DEFAULT_CLOCK_TICKS;
    try {
      expected = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      // No getconf: the fallback.
    }
    expect(readClockTicks()).toBe(expected);
  });
});

describe('checkLiveness', () => {
  function table(status: ProcessStatus, started?: number): ProcessTable {
    return { status: () => status, startTime: () => started };
  }

  test('gone and unknown pass through', () => {
    expect(checkLiveness(42, 1000, table({ state: 'gone' }, 5000))).toEqual({ state: 'gone' });
    expect(checkLiveness(42, 1000, table({ state: 'unknown', reason: 'EINVAL' }))).toEqual({ state: 'unknown', reason: 'EINVAL' });
  });

  test('alive, and foreign for another user', () => {
    expect(checkLiveness(42, 1000, table({ state: 'alive' }, 900))).toEqual({ state: 'alive', foreign: false });
    expect(checkLiveness(42, 1000, table({ state: 'foreign' }, 900))).toEqual({ state: 'alive', foreign: true });
  });

  test('reused when the process started more than 2 s after the file was created, foreign or not', () => {
    expect(checkLiveness(42, 1000, table({ state: 'alive' }, 1002.01))).toEqual({ state: 'reused', started: 1002.01 });
    expect(checkLiveness(42, 1000, table({ state: 'foreign' }, 5000))).toEqual({ state: 'reused', started: 5000 });
    // Within the tolerance (tick and boot-time granularity): the same process.
    expect(checkLiveness(42, 1000, table({ state: 'alive' }, 1001.99))).toEqual({ state: 'alive', foreign: false });
  });

  test('existence alone decides without a creation time or a start time', () => {
    expect(checkLiveness(42, undefined, table({ state: 'alive' }, 5000))).toEqual({ state: 'alive', foreign: false });
    expect(checkLiveness(42, NaN, table({ state: 'alive' }, 5000))).toEqual({ state: 'alive', foreign: false });
    expect(checkLiveness(42, 1000, table({ state: 'alive' }, undefined))).toEqual({ state: 'alive', foreign: false });
  });

  test('real processes: this one is alive; with a creation time before it started, its pid counts as reused', () => {
    const processes = systemProcessTable();
    const now = Date.now() / 1000;
    expect(checkLiveness(process.pid, now, processes)).toEqual({ state: 'alive', foreign: false });
    const old = checkLiveness(process.pid, now - process.uptime() - 3600, processes);
    expect(old.state).toBe(HAS_PROC ? 'reused' : 'alive');
    expect(checkLiveness(deadPid(), now, processes)).toEqual({ state: 'gone' });
  });
});

describe('toProcessId', () => {
  test('a whole number from 1 to 2^31-1 is a pid; 0, -1, larger numbers, fractions and text are not', () => {
    expect([1, 4242, 2 ** 31 - 1, 77n].map(toProcessId)).toEqual([1, 4242, 2 ** 31 - 1, 77]);
    expect([0, -1, 2 ** 31, 2n ** 63n, 1.5, NaN, true, '12', undefined].map(toProcessId)).toEqual(Array(9).fill(undefined));
  });
});
