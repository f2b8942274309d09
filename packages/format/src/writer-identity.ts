import type { DecodedRecord } from './decode';
import type { StatValue } from './types';

/** The label suffix that names a file's writing process (`sys.pid`, `web.sys.pid`), as in the original. */
export const PID_SUFFIX = 'sys.pid';

/** Largest process id: pids are 32-bit signed integers, and the kernel caps them lower still. */
export const MAX_PID = 0x7fffffff;

/**
 * The labels (after the label prefix of the `sys.pid` record) of what a file records about its
 * writer, so that tools can tell whether that writer still runs (SPEC.md §10).
 */
export const IDENTITY_LABELS = {
  tid: 'sys.tid',
  created: 'sys.created',
  bootId: 'sys.boot_id',
  pidNamespace: 'sys.ns.pid',
  startTicks: 'sys.start_ticks',
} as const;

/**
 * What a stats file says about the thread that writes it. `pid` is always there; the rest is
 * undefined when the file does not record it (files of older writers, or of stats classes without
 * the `sys.` fields).
 */
export interface WriterIdentity {
  /** The label of the `sys.pid` record used (the last one): other labels share its prefix. */
  readonly pidLabel: string;
  /** The process id, as seen in the writer's own PID namespace. */
  readonly pid: number;
  /** `sys.tid`: the kernel thread id in newer files, Node's worker thread id in older ones. */
  readonly tid: number | undefined;
  /** `sys.created`: Unix seconds, by the writer's wall clock. */
  readonly created: number | undefined;
  /** `sys.boot_id`: the kernel's boot id (/proc/sys/kernel/random/boot_id). */
  readonly bootId: string | undefined;
  /** `sys.ns.pid`: the inode of the writer's PID namespace (/proc/self/ns/pid). */
  readonly pidNamespace: number | undefined;
  /** `sys.start_ticks`: when the writing thread started, in clock ticks after boot (field 22 of its stat). */
  readonly startTicks: number | undefined;
}

/**
 * A stored value as a process id (a whole number from 1 to 2³¹−1), or undefined: 0 and −1 would
 * address process groups, and larger numbers are no process.
 */
export function toProcessId(value: StatValue | undefined): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'bigint') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_PID ? n : undefined;
}

function wholeNumber(value: StatValue | undefined): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'bigint') return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * The writer identity recorded in decoded `records`: from the last record whose label ends with
 * `sys.pid`, and the records with the same prefix (`web.sys.pid` goes with `web.sys.tid`, …).
 * Undefined when there is no `sys.pid` record; `invalidPid` holds the label and value of a
 * `sys.pid` record that is no process id.
 */
export function writerIdentityOf(records: readonly DecodedRecord[]): WriterIdentity | { readonly invalidPid: DecodedRecord } | undefined {
  const pidRecord = records.filter((r) => r.label.endsWith(PID_SUFFIX)).pop();
  if (!pidRecord) return undefined;
  const pid = toProcessId(pidRecord.value);
  if (pid === undefined) return { invalidPid: pidRecord };
  const prefix = pidRecord.label.slice(0, -PID_SUFFIX.length);
  const valueOf = (label: string) => records.filter((r) => r.label === prefix + label).pop()?.value;
  const created = valueOf(IDENTITY_LABELS.created);
  const bootId = valueOf(IDENTITY_LABELS.bootId);
  return {
    pidLabel: pidRecord.label,
    pid,
    tid: wholeNumber(valueOf(IDENTITY_LABELS.tid)),
    created: typeof created === 'number' && Number.isFinite(created) ? created : undefined,
    bootId: typeof bootId === 'string' && bootId !== '' ? bootId : undefined,
    pidNamespace: wholeNumber(valueOf(IDENTITY_LABELS.pidNamespace)) || undefined,
    startTicks: wholeNumber(valueOf(IDENTITY_LABELS.startTicks)),
  };
}

/**
 * Field 22 (`starttime`, clock ticks after boot) of the text of a `/proc/<pid>/stat` or
 * `/proc/<pid>/task/<tid>/stat` file, or undefined. The command name (field 2) is in parentheses
 * and may itself hold spaces and parentheses, so fields are counted from the last `)`.
 */
export function parseStartTicks(statText: string): number | undefined {
  const end = statText.lastIndexOf(')');
  if (end < 0) return undefined;
  // After ")": field 3 (state) onwards, so field 22 is the 20th.
  const field = statText.slice(end + 1).trim().split(/\s+/)[22 - 3];
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : undefined;
}

/**
 * The last number of the `NSpid:` line of a `/proc/<pid>/status` text (the id in the process's
 * own, innermost PID namespace) and how many namespaces the line lists, or undefined.
 */
export function parseInnermostPid(statusText: string): { readonly pid: number; readonly depth: number } | undefined {
  const match = /^NSpid:[ \t]*([0-9 \t]+)$/m.exec(statusText);
  if (!match) return undefined;
  const ids = match[1].trim().split(/\s+/).map(Number);
  return { pid: ids[ids.length - 1], depth: ids.length };
}

/**
 * Eight lowercase hex digits that tell apart the PID namespaces (of one boot of one host) a stats
 * directory may be shared between: FNV-1a over the boot id and the namespace inode. This is the
 * `{NSID}` of file name templates (SPEC.md §10); equal ids mean, up to a 1 in 2³² chance, the same
 * namespace of the same boot.
 */
export function namespaceId(bootId: string, pidNamespace: number): string {
  let hash = 0x811c9dc5;
  for (const char of `${bootId}/${pidNamespace}`) {
    hash ^= char.charCodeAt(0) & 0xff;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
