import { constants as fsConstants, promises as fs, type Stats } from 'node:fs';
import { getSystemErrorMap } from 'node:util';

/** Options of `readRegularFile`. */
export interface ReadRegularFileOptions {
  /** Refuse a symlink at `path` (the open fails with ELOOP) instead of reading its target. Defaults to false. */
  readonly noFollow?: boolean;
}

/** What `readRegularFile` found: the stats of what it opened, and its bytes if it is a regular file. */
export interface RegularFileRead {
  readonly stats: Stats;
  /** The whole file; absent when `stats` is not a regular file (a FIFO, a directory, a device). */
  readonly bytes?: Uint8Array;
}

/**
 * Reads a file whole with a plain read (no mmap): a reader sees the writer's live values. Opens
 * non-blocking, so a FIFO someone named `x.mmstats` never waits for a writer, and reads nothing
 * but regular files. System errors (ENOENT, EACCES, ELOOP with `noFollow`) are thrown as they are.
 */
export async function readRegularFile(path: string, options: ReadRegularFileOptions = {}): Promise<RegularFileRead> {
  const flags = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (options.noFollow ? (fsConstants.O_NOFOLLOW ?? 0) : 0);
  const handle = await fs.open(path, flags);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { stats };
    return { stats, bytes: await handle.readFile() };
  } finally {
    await handle.close();
  }
}

/** The system's description of a failed call: `no such file or directory` for ENOENT. */
export function describeSystemError(err: unknown): string {
  const { errno, message } = (err ?? {}) as NodeJS.ErrnoException;
  const known = typeof errno === 'number' ? getSystemErrorMap().get(errno) : undefined;
  if (known) return known[1];
  return typeof message === 'string' ? message : String(err);
}
