// What a stats file records about the thread that writes it (SPEC.md §10), read from /proc once
// per thread. Synchronous fs calls run on the calling thread, so /proc/thread-self is this thread.
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { namespaceId, parseStartTicks } from '@mmstats/format';

/** The calling thread as the kernel knows it. Fields are 0 or '' where /proc cannot tell. */
export interface ThreadIdentity {
  /** The kernel's thread id (equal to the pid on the main thread); Node's threadId without /proc. */
  readonly tid: number;
  /** The kernel's boot id, '' without /proc. */
  readonly bootId: string;
  /** Inode of this process's PID namespace, 0 without /proc. */
  readonly pidNamespace: number;
  /** When this thread started, in clock ticks after boot, 0 without /proc. */
  readonly startTicks: number;
  /** `{NSID}`: eight hex digits from the boot id and the PID namespace. */
  readonly namespaceId: string;
}

let cached: ThreadIdentity | undefined;

function quietly<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** `<pid>/task/<tid>` of /proc/thread-self, or undefined. */
function kernelThreadId(): number | undefined {
  const match = /\/task\/(\d+)$/.exec(quietly(() => readlinkSync('/proc/thread-self'), ''));
  return match ? Number(match[1]) : undefined;
}

/** This thread's identity (cached: a thread keeps its tid, namespace and start time). */
export function threadIdentity(): ThreadIdentity {
  if (cached) return cached;
  const bootId = quietly(() => readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim(), '');
  const pidNamespace = quietly(() => statSync('/proc/self/ns/pid').ino, 0);
  const startTicks = quietly(() => parseStartTicks(readFileSync('/proc/thread-self/stat', 'latin1')) ?? 0, 0);
  cached = { tid: kernelThreadId() ?? threadId, bootId, pidNamespace, startTicks, namespaceId: namespaceId(bootId, pidNamespace) };
  return cached;
}
