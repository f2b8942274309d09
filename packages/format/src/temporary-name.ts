import { FORMAT_VERSION } from './constants';
import { EncodeError } from './errors';

/**
 * The parts of the name under which our writer builds a stats file before renaming it into place
 * (SPEC.md §10): `.<final name>.<pid>-<thread id>-<8 hex digits>.tmp`, in the same directory.
 */
export interface TemporaryName {
  /** The name the file gets once complete, such as `web-123-0.mmstats`. */
  readonly finalName: string;
  /** The process creating the file. */
  readonly pid: number;
  /** The thread creating it: our writers give the kernel's thread id (the pid for the main thread); older ones gave 0 for the main thread. */
  readonly threadId: number;
  /** Eight lowercase hex digits, random, so that no two attempts share a name. */
  readonly nonce: string;
}

/** Largest process id: pids are 32-bit signed integers. */
const MAX_PID = 0x7fffffff;

// No leading zeros and lowercase hex: exactly what `temporaryFileName` produces, nothing looser,
// so a tool that deletes by this pattern never takes a file some other program named alike.
// `[^/]+` rather than `.+`: a final name may hold a newline, never a slash.
const TEMPORARY_NAME = /^\.([^/]+)\.([1-9][0-9]{0,9})-(0|[1-9][0-9]{0,15})-([0-9a-f]{8})\.tmp$/;

/**
 * The temporary name for a file that will be called `finalName` (a name without a directory),
 * created by thread `threadId` of process `pid`, with `nonce` (eight lowercase hex digits, random).
 * Parts that `parseTemporaryFileName` would not read back are an `EncodeError`.
 */
export function temporaryFileName(finalName: string, pid: number, threadId: number, nonce: string): string {
  if (finalName === '' || finalName.includes('/')) throw new EncodeError(`temporary name: final name must be a file name without "/", got ${JSON.stringify(finalName)}`);
  if (!Number.isInteger(pid) || pid < 1 || pid > MAX_PID) throw new EncodeError(`temporary name: not a process id: ${pid}`);
  if (!Number.isSafeInteger(threadId) || threadId < 0) throw new EncodeError(`temporary name: not a thread id: ${threadId}`);
  if (!/^[0-9a-f]{8}$/.test(nonce)) throw new EncodeError(`temporary name: nonce must be 8 lowercase hex digits, got ${JSON.stringify(nonce)}`);
  return `.${finalName}.${pid}-${threadId}-${nonce}.tmp`;
}

/**
 * The parts of a temporary name (a name without a directory) built by `temporaryFileName`, or
 * undefined for any other name: readers skip such files, and `mmstats clean` removes those whose
 * process is gone.
 */
export function parseTemporaryFileName(name: string): TemporaryName | undefined {
  const match = TEMPORARY_NAME.exec(name);
  if (!match) return undefined;
  const pid = Number(match[2]);
  const threadId = Number(match[3]);
  if (pid > MAX_PID || !Number.isSafeInteger(threadId)) return undefined;
  return { finalName: match[1], pid, threadId, nonce: match[4] };
}

/**
 * Whether `bytes` can be what a writer left of a stats file it was creating: nothing yet (killed
 * right after the open) or a start with the version byte (§7.1 writes the image from offset 0).
 */
export function couldBeUnfinishedStatsFile(bytes: Uint8Array): boolean {
  return bytes.length === 0 || bytes[0] === FORMAT_VERSION;
}
