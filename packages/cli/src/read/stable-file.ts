import { constants as fsConstants, promises as fs, readSync, type Stats } from 'node:fs';

import type { ReadAt, RecordLayout } from '@mmstats/format';

import { ReadError } from '../errors';
import { DEFAULT_MAX_FILE_BYTES, FileTooLargeError } from './regular-file';

/** An open regular file that the stable read protocol (SPEC.md §8.3) can copy from again and again. */
export interface OpenStatsFile {
  readonly stats: Stats;
  /** Fresh copies of the file's bytes, each one `pread`: a reader sees the writer's live values. */
  readonly readAt: ReadAt;
}

/**
 * Opens `path` non-blocking (a FIFO named `x.mmstats` never waits for a writer) and, if it is a
 * regular file of at most 64 MiB, calls `use` with it; closes it in any case. Returns the stats
 * and what `use` returned (nothing for anything but a regular file). The copies are synchronous
 * reads: two copies of a record must be close in time for a busy writer's values to agree.
 * System errors (ENOENT, EACCES) are thrown as they are; a larger file is a `FileTooLargeError`.
 */
export async function withStatsFile<T>(path: string, use: (file: OpenStatsFile) => T): Promise<{ stats: Stats; result?: T }> {
  const handle = await fs.open(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  const fd = handle.fd;
  try {
    const stats = await handle.stat();
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
    await handle.close();
  }
}

/** The error of a file whose listed records changed between every two copies the protocol made. */
export function unstableError(file: string, unstable: readonly RecordLayout[], copies: number): ReadError {
  const shown = unstable
    .slice(0, 3)
    .map((record) => `record ${record.index} ${JSON.stringify(record.label)}`)
    .join(', ');
  const more = unstable.length > 3 ? ` and ${unstable.length - 3} more` : '';
  return new ReadError(file, `${shown}${more} changed between every two of ${copies} reads: no value could be read whole`);
}
