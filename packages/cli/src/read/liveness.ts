import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import type { StatValue } from '@mmstats/format';

/** The label suffix that names a file's writing process (`sys.pid`, `web.sys.pid`), as in the original. */
export const PID_SUFFIX = 'sys.pid';

/** Largest process id: pids are 32-bit signed integers, and the kernel caps them lower still. */
export const MAX_PID = 0x7fffffff;

/**
 * A stored value as a process id (a whole number from 1 to 2³¹−1), or undefined: 0 and −1 would
 * address process groups, and larger numbers are no process. Used wherever a `sys.pid` record
 * is read (`clean`, the web server), so that they agree on which files name a process.
 */
export function toProcessId(value: StatValue | undefined): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'bigint') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_PID ? n : undefined;
}

/**
 * Whether a process exists, as `kill(pid, 0)` tells: `alive` (it exists and we may signal it),
 * `foreign` (it exists but belongs to another user: EPERM), `gone` (ESRCH) or `unknown` (any other
 * error, with its message).
 */
export type ProcessStatus =
  | { readonly state: 'alive' | 'foreign' | 'gone' }
  | { readonly state: 'unknown'; readonly reason: string };

/**
 * What `mmstats clean` asks about processes. `systemProcessTable()` asks the system; tests pass
 * their own to exercise pid reuse without waiting for the kernel to recycle a pid.
 */
export interface ProcessTable {
  /** Whether process `pid` exists (a positive 32-bit integer). */
  status(pid: number): ProcessStatus;
  /** When process `pid` started, in Unix seconds; undefined when that cannot be known (no `/proc`). */
  startTime(pid: number): number | undefined;
}

/** Options of `systemProcessTable`. */
export interface SystemProcessTableOptions {
  /** Where procfs is mounted. Defaults to `/proc`. */
  readonly procDir?: string;
  /**
   * Clock ticks per second of `/proc/<pid>/stat` start times (`USER_HZ`). Defaults to what
   * `getconf CLK_TCK` prints, asked once, or 100 (the value on every common Linux) if that fails.
   */
  readonly clockTicks?: number;
}

/** Clock ticks per second when `getconf CLK_TCK` cannot tell. */
export const DEFAULT_CLOCK_TICKS = 100;

/**
 * The real process table: `process.kill(pid, 0)` for existence, and on Linux the start time from
 * `/proc/<pid>/stat` (field 22, `starttime`, clock ticks after boot) plus the boot time (`btime`
 * in `/proc/stat`). Without a readable `/proc`, start times are unknown.
 */
export function systemProcessTable(options: SystemProcessTableOptions = {}): ProcessTable {
  const procDir = options.procDir ?? '/proc';
  let bootTime: number | undefined | null = null;
  let clockTicks = options.clockTicks;
  return {
    status(pid) {
      checkPid(pid);
      try {
        process.kill(pid, 0);
        return { state: 'alive' };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ESRCH') return { state: 'gone' };
        if (code === 'EPERM') return { state: 'foreign' };
        return { state: 'unknown', reason: (err as Error).message };
      }
    },
    startTime(pid) {
      checkPid(pid);
      if (bootTime === null) bootTime = readBootTime(procDir);
      if (bootTime === undefined) return undefined;
      const ticks = readStartTicks(procDir, pid);
      if (ticks === undefined) return undefined;
      clockTicks ??= readClockTicks();
      return bootTime + ticks / clockTicks;
    },
  };
}

function checkPid(pid: number): void {
  // kill(0, …) and kill(-1, …) address process groups and every process: never let one through.
  if (toProcessId(pid) === undefined) throw new RangeError(`not a process id: ${pid}`);
}

/** `btime` of `<procDir>/stat`: boot time in Unix seconds, or undefined. */
export function readBootTime(procDir = '/proc'): number | undefined {
  const text = readText(`${procDir}/stat`);
  const match = text && /^btime\s+(\d+)\s*$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * Field 22 (`starttime`) of `<procDir>/<pid>/stat`, in clock ticks after boot, or undefined. The
 * command name (field 2) is in parentheses and may itself hold spaces and parentheses, so fields
 * are counted from the last `)`.
 */
export function readStartTicks(procDir: string, pid: number): number | undefined {
  const text = readText(`${procDir}/${pid}/stat`);
  if (text === undefined) return undefined;
  const end = text.lastIndexOf(')');
  if (end < 0) return undefined;
  // After ")": field 3 (state) onwards, so field 22 is the 20th.
  const field = text.slice(end + 1).trim().split(/\s+/)[22 - 3];
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : undefined;
}

/** `getconf CLK_TCK`, or `DEFAULT_CLOCK_TICKS` when it fails or prints nonsense. */
export function readClockTicks(): number {
  try {
    const text = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    const ticks = Number(text.trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : DEFAULT_CLOCK_TICKS;
  } catch {
    return DEFAULT_CLOCK_TICKS;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
}

/**
 * Seconds a process may seem to have started after its file was created before the pid counts as
 * reused: start times are whole clock ticks after a boot time in whole seconds.
 */
export const REUSE_TOLERANCE_SECONDS = 2;

/** What became of the process a file names. */
export type Liveness =
  | { readonly state: 'gone' }
  | { readonly state: 'alive'; readonly foreign: boolean }
  | { readonly state: 'reused'; readonly started: number }
  | { readonly state: 'unknown'; readonly reason: string };

/**
 * Whether the process `pid` that created a file at `created` (Unix seconds; undefined if the file
 * does not say) still runs: `gone` if no process has that pid, `reused` if the process with that
 * pid started more than `REUSE_TOLERANCE_SECONDS` after the file was created, else `alive`
 * (`foreign` when it belongs to another user). Without a creation time or a start time, existence
 * alone decides.
 */
export function checkLiveness(pid: number, created: number | undefined, processes: ProcessTable): Liveness {
  const status = processes.status(pid);
  if (status.state === 'gone') return { state: 'gone' };
  if (status.state === 'unknown') return { state: 'unknown', reason: status.reason };
  if (created !== undefined && Number.isFinite(created)) {
    const started = processes.startTime(pid);
    if (started !== undefined && started > created + REUSE_TOLERANCE_SECONDS) return { state: 'reused', started };
  }
  return { state: 'alive', foreign: status.state === 'foreign' };
}
