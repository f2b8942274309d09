import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';

import { parseInnermostPid, parseStartTicks, toProcessId, type WriterIdentity } from '@mmstats/format';

// Where a file names its process, and which stored values are process ids: shared with the web server.
export { PID_SUFFIX, MAX_PID, toProcessId } from '@mmstats/format';

/**
 * Whether a process exists, as `kill(pid, 0)` tells: `alive` (it exists and we may signal it),
 * `foreign` (it exists but belongs to another user: EPERM), `gone` (ESRCH) or `unknown` (any other
 * error, with its message).
 */
export type ProcessStatus =
  | { readonly state: 'alive' | 'foreign' | 'gone' }
  | { readonly state: 'unknown'; readonly reason: string };

/**
 * A thread looked up by the ids it has in its own PID namespace: `found` with its start time in
 * clock ticks after boot, `absent` when that namespace is visible here and has no such thread,
 * `hidden` when this view of /proc cannot tell (with the reason).
 */
export type ThreadLookup =
  | { readonly state: 'found'; readonly startTicks: number; readonly otherTimeNamespace: boolean }
  | { readonly state: 'absent' }
  | { readonly state: 'hidden'; readonly reason: string };

/**
 * What `mmstats clean` asks about processes. `systemProcessTable()` asks the system; tests pass
 * their own to exercise pid reuse without waiting for the kernel to recycle a pid.
 */
export interface ProcessTable {
  /** Whether process `pid` exists (a positive 32-bit integer). */
  status(pid: number): ProcessStatus;
  /** When process `pid` started, in Unix seconds; undefined when that cannot be known (no `/proc`). */
  startTime(pid: number): number | undefined;
  /** The running kernel's boot id; undefined when unknown. Without it, files are judged by `status` and `startTime`. */
  bootId?(): string | undefined;
  /** Thread `tid` of process `pid`, both numbered as in the PID namespace whose inode is `pidNamespace`. */
  findThread?(pidNamespace: number, pid: number, tid: number): ThreadLookup;
  /**
   * When thread `tid` of process `pid` (numbered as this /proc sees them) started, in Unix
   * seconds; null when the process has no such thread; undefined when that cannot be known.
   */
  threadStartTime?(pid: number, tid: number): number | null | undefined;
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
  let bootId: string | undefined | null = null;
  const namespaces = new ProcNamespaces(procDir);
  return {
    bootId() {
      if (bootId === null) bootId = readText(`${procDir}/sys/kernel/random/boot_id`)?.trim() || undefined;
      return bootId;
    },
    findThread(pidNamespace, pid, tid) {
      checkPid(pid);
      checkPid(tid);
      return namespaces.findThread(pidNamespace, pid, tid);
    },
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
      return toUnixTime(readStartTicks(procDir, pid));
    },
    threadStartTime(pid, tid) {
      checkPid(pid);
      checkPid(tid);
      const text = readText(`${procDir}/${pid}/task/${tid}/stat`);
      if (text === undefined) return statSyncOrUndefined(`${procDir}/${pid}/task`) ? null : undefined;
      return toUnixTime(parseStartTicks(text));
    },
  };

  /** Clock ticks after boot as Unix seconds, or undefined when either is unknown. */
  function toUnixTime(ticks: number | undefined): number | undefined {
    if (bootTime === null) bootTime = readBootTime(procDir);
    if (bootTime === undefined || ticks === undefined) return undefined;
    clockTicks ??= readClockTicks();
    return bootTime + ticks / clockTicks;
  }
}

function statSyncOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
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
  return text === undefined ? undefined : parseStartTicks(text);
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

function inodeOf(file: string): number | undefined {
  try {
    return statSync(file).ino;
  } catch {
    return undefined;
  }
}

/**
 * Finds threads by the ids they have in their own PID namespace, through one procfs. When the
 * namespace is the procfs's own (ids are the same), the thread's directory answers at once;
 * otherwise every process is looked at once to find the members of each namespace (their
 * `ns/pid` link) and their innermost ids (the last number of `NSpid:`). A namespace none of whose
 * processes is visible, here or because links could not be read, is `hidden`, never `absent`.
 */
class ProcNamespaces {
  private members: Map<number, string[]> | undefined;
  private unreadableLinks = 0;
  private ownTimeNamespace: number | undefined | null = null;

  constructor(private readonly procDir: string) {}

  findThread(pidNamespace: number, pid: number, tid: number): ThreadLookup {
    const self = parseInnermostPid(readText(`${this.procDir}/self/status`) ?? '');
    const ownNamespace = inodeOf(`${this.procDir}/self/ns/pid`);
    if (self === undefined || ownNamespace === undefined) return { state: 'hidden', reason: `cannot read ${this.procDir}/self` };
    // depth 1: this process is in the procfs's own namespace, so its directories use our ids.
    if (pidNamespace === ownNamespace && self.depth === 1) {
      // A process /proc does not show (mounted with hidepid) may still exist: ask the kernel.
      if (readText(`${this.procDir}/${pid}/stat`) === undefined) return processExists(pid) ? { state: 'hidden', reason: `/proc does not show pid ${pid}` } : { state: 'absent' };
      return this.threadAt(`${this.procDir}/${pid}`, `${this.procDir}/${pid}/task/${tid}`);
    }
    const processDir = this.memberWithPid(pidNamespace, pid);
    if (typeof processDir !== 'string') return processDir;
    for (const task of listDir(`${processDir}/task`)) {
      const ids = parseInnermostPid(readText(`${processDir}/task/${task}/status`) ?? '');
      if (ids?.pid === tid) return this.threadAt(processDir, `${processDir}/task/${task}`);
    }
    return { state: 'absent' };
  }

  private threadAt(processDir: string, taskDir: string): ThreadLookup {
    const text = readText(`${taskDir}/stat`);
    if (text === undefined) return { state: 'absent' };
    const startTicks = parseStartTicks(text);
    if (startTicks === undefined) return { state: 'hidden', reason: `cannot parse ${taskDir}/stat` };
    // Start times are shown shifted by the reader's time namespace: compare only within one.
    if (this.ownTimeNamespace === null) this.ownTimeNamespace = inodeOf(`${this.procDir}/self/ns/time`);
    const timeNamespace = inodeOf(`${processDir}/ns/time`);
    return { state: 'found', startTicks, otherTimeNamespace: timeNamespace !== undefined && timeNamespace !== this.ownTimeNamespace };
  }

  private memberWithPid(pidNamespace: number, pid: number): string | ThreadLookup {
    const members = this.scan().get(pidNamespace);
    if (!members) {
      const unreadable = this.unreadableLinks > 0 ? ` (${this.unreadableLinks} processes could not be inspected)` : '';
      return { state: 'hidden', reason: `no process of its PID namespace ${pidNamespace} is visible here${unreadable}` };
    }
    for (const dir of members) {
      if (parseInnermostPid(readText(`${dir}/status`) ?? '')?.pid === pid) return dir;
    }
    if (this.unreadableLinks > 0) return { state: 'hidden', reason: `${this.unreadableLinks} processes could not be inspected` };
    return { state: 'absent' };
  }

  private scan(): Map<number, string[]> {
    if (this.members) return this.members;
    this.members = new Map();
    for (const name of listDir(this.procDir)) {
      if (!/^[1-9][0-9]*$/.test(name)) continue;
      const dir = `${this.procDir}/${name}`;
      let namespace: number;
      try {
        namespace = statSync(`${dir}/ns/pid`).ino;
      } catch (err) {
        // A process that ended meanwhile is no member of anything. One we may not inspect might be
        // a member of a nested namespace, unless it lives in the procfs's own (one id in NSpid).
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        if ((parseInnermostPid(readText(`${dir}/status`) ?? '')?.depth ?? 2) > 1) this.unreadableLinks += 1;
        continue;
      }
      const list = this.members.get(namespace) ?? [];
      list.push(dir);
      this.members.set(namespace, list);
    }
    return this.members;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Seconds a process may seem to have started after its file was created before the pid counts as
 * reused: start times are whole clock ticks after a boot time in whole seconds.
 */
export const REUSE_TOLERANCE_SECONDS = 2;

/** What became of the thread a file names, judged by its recorded identity (`checkWriter`). */
export type WriterLiveness =
  | { readonly state: 'alive' }
  | { readonly state: 'gone' }
  | { readonly state: 'reused'; readonly startTicks: number }
  | { readonly state: 'unknown'; readonly reason: string };

/** The identity a file must record for `checkWriter` to judge it: boot, PID namespace, thread and its start. */
export type FullIdentity = WriterIdentity & { readonly tid: number; readonly bootId: string; readonly pidNamespace: number; readonly startTicks: number };

/** Whether a file records all `checkWriter` needs. Files of older writers do not. */
export function hasFullIdentity(identity: WriterIdentity): identity is FullIdentity {
  return identity.tid !== undefined && identity.tid >= 1 && identity.bootId !== undefined && identity.pidNamespace !== undefined && identity.startTicks !== undefined && identity.startTicks > 0;
}

/**
 * Whether the writing thread of a file that records its identity still runs, with no wall clock
 * involved: only under the same boot id, and only when the file's PID namespace can be seen from
 * here, is the thread looked up; then its start time in clock ticks must match exactly. Anything
 * that cannot be verified is `unknown`, with the reason.
 */
export function checkWriter(identity: FullIdentity, processes: Required<ProcessTable>): WriterLiveness {
  const bootId = processes.bootId();
  if (bootId === undefined) return { state: 'unknown', reason: 'cannot read the boot id here' };
  if (bootId !== identity.bootId) return { state: 'unknown', reason: `written under another boot or on another host (boot id ${identity.bootId})` };
  const lookup = processes.findThread(identity.pidNamespace, identity.pid, identity.tid);
  if (lookup.state === 'hidden') return { state: 'unknown', reason: lookup.reason };
  if (lookup.state === 'absent') return { state: 'gone' };
  if (lookup.startTicks === identity.startTicks) return { state: 'alive' };
  if (lookup.otherTimeNamespace) return { state: 'unknown', reason: 'its process is in another time namespace, so start times differ' };
  return { state: 'reused', startTicks: lookup.startTicks };
}

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
