import { closeSync, constants as fsConstants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

import type { ReadAt } from '@mmstats/format';

import { checkOpened, ReplacedFileError, type FileIdentity } from './confine';
import { DEFAULT_MAX_FILE_BYTES, FileTooLargeError } from './regular-file';

/** An open regular file that the stable read protocol (SPEC.md §8.3) can copy from again and again. */
export interface OpenStatsFile {
  readonly stats: Stats;
  /** Fresh copies of the file's bytes, each one `pread`: a reader sees the writer's live values. */
  readonly readAt: ReadAt;
}

/** Options of `withStatsFile`: what the opened file must be. */
export interface StatsFileOptions {
  /**
   * A real directory (no symlinks in its path) the file must lie in. The last path segment is
   * opened with O_NOFOLLOW (a symlink there is refused), and the path the kernel resolved for the
   * open descriptor must be inside this directory, so a symlink swapped into the path between
   * choosing the file and opening it cannot lead the read elsewhere.
   */
  readonly confineTo?: string;
  /** The file chosen (its `lstat`): a different device and inode at open time is refused. */
  readonly expected?: FileIdentity;
}

/**
 * Opens `path` non-blocking (a FIFO named `x.mmstats` never waits for a writer) and, if it is a
 * regular file of at most 64 MiB, calls `use` with it; closes it in any case. Returns the stats
 * and what `use` returned (nothing for anything but a regular file). Everything is synchronous:
 * two copies of a record must be close in time for a busy writer's values to agree, and on a
 * local file a synchronous open, fstat and close cost a few microseconds where each trip through
 * the thread pool costs tens. Reads exactly the `stats.size` bytes fstat reported: bytes a file
 * gains meanwhile are not read. System errors (ENOENT, EACCES) are thrown as they are; a larger
 * file is a `FileTooLargeError`; a file that is not the one `options` describe (see
 * `StatsFileOptions`) is a `ReplacedFileError`, before any byte is read.
 */
export function withStatsFile<T>(path: string, use: (file: OpenStatsFile) => T, options: StatsFileOptions = {}): { stats: Stats; result?: T } {
  const noFollow = options.confineTo !== undefined ? (fsConstants.O_NOFOLLOW ?? 0) : 0;
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | noFollow);
  } catch (err) {
    // The path had no symlink when it was chosen: one there now was swapped in.
    if (noFollow && (err as NodeJS.ErrnoException).code === 'ELOOP') throw new ReplacedFileError('replaced while it was read', { cause: err });
    throw err;
  }
  try {
    const stats = fstatSync(fd);
    checkOpened(fd, path, stats, options);
    if (!stats.isFile()) return { stats };
    if (stats.size > DEFAULT_MAX_FILE_BYTES) throw new FileTooLargeError(DEFAULT_MAX_FILE_BYTES, stats.size);
    const readAt: ReadAt = (offset, length) => {
      const bytes = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, bytes, done, length - done, offset + done);
        if (n === 0) break; // the file ends here (it may have shrunk)
        done += n;
      }
      return bytes.subarray(0, done);
    };
    return { stats, result: use({ stats, readAt }) };
  } finally {
    closeSync(fd);
  }
}
