import { constants as fsConstants, promises as fs, type Stats } from 'node:fs';
import { getSystemErrorMap } from 'node:util';

import { MmstatsError } from '@mmstats/format';

/**
 * Largest file `readRegularFile` reads by default: 64 MiB. Stats files are a few pages (a writer
 * with a thousand 255-byte string fields makes one of about 260 KiB), so anything bigger is not a
 * stats file, and reading it whole would only cost memory.
 */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Options of `readRegularFile`. */
export interface ReadRegularFileOptions {
  /** Refuse a symlink at `path` (the open fails with ELOOP) instead of reading its target. Defaults to false. */
  readonly noFollow?: boolean;
  /** Refuse a file larger than this many bytes with `FileTooLargeError`. Defaults to `DEFAULT_MAX_FILE_BYTES`. */
  readonly maxBytes?: number;
}

/** What `readRegularFile` found: the stats of what it opened, and its bytes if it is a regular file. */
export interface RegularFileRead {
  readonly stats: Stats;
  /** The whole file; absent when `stats` is not a regular file (a FIFO, a directory, a device). */
  readonly bytes?: Uint8Array;
}

/** A file is larger than a reader accepts; `message` is the reason alone (callers add the file name). */
export class FileTooLargeError extends MmstatsError {
  /** The limit that was exceeded, in bytes. */
  readonly maxBytes: number;

  constructor(maxBytes: number, size?: number) {
    const shown = size === undefined ? 'more than' : `${size} bytes, more than`;
    super(`file is ${shown} the ${formatBytes(maxBytes)} a stats file may have: not read`);
    this.maxBytes = maxBytes;
  }
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}

/** Bytes read per system call while the file keeps going past its reported size. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Reads a file whole with a plain read (no mmap): a reader sees the writer's live values. Opens
 * non-blocking, so a FIFO someone named `x.mmstats` never waits for a writer, and reads nothing
 * but regular files. Never reads more than `maxBytes` (plus one byte to notice a file that grew
 * past it): a larger file is a `FileTooLargeError`. A file that shrinks while it is read gives
 * the bytes that were there. System errors (ENOENT, EACCES, ELOOP with `noFollow`) are thrown as
 * they are.
 */
export async function readRegularFile(path: string, options: ReadRegularFileOptions = {}): Promise<RegularFileRead> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const flags = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (options.noFollow ? (fsConstants.O_NOFOLLOW ?? 0) : 0);
  const handle = await fs.open(path, flags);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { stats };
    if (stats.size > maxBytes) throw new FileTooLargeError(maxBytes, stats.size);
    return { stats, bytes: await readAtMost(handle, stats.size, maxBytes) };
  } finally {
    await handle.close();
  }
}

/**
 * Reads from offset 0 until end of file, expecting `expected` bytes but trusting only what the
 * reads return: the file may shrink or grow meanwhile. Stops with `FileTooLargeError` once more
 * than `maxBytes` arrived.
 */
async function readAtMost(handle: fs.FileHandle, expected: number, maxBytes: number): Promise<Uint8Array> {
  let buffer = Buffer.allocUnsafe(Math.min(expected, maxBytes) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > maxBytes) throw new FileTooLargeError(maxBytes);
      const grown = Buffer.allocUnsafe(Math.min(buffer.length + CHUNK_BYTES, maxBytes + 1));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  if (length > maxBytes) throw new FileTooLargeError(maxBytes);
  return buffer.subarray(0, length);
}

/** The system's description of a failed call: `no such file or directory` for ENOENT. */
export function describeSystemError(err: unknown): string {
  const { errno, message } = (err ?? {}) as NodeJS.ErrnoException;
  const known = typeof errno === 'number' ? getSystemErrorMap().get(errno) : undefined;
  if (known) return known[1];
  return typeof message === 'string' ? message : String(err);
}
