import { DecodeError, readStableFile, type DecodedRecord } from '@mmstats/format';

import { ReadError } from '../errors';
import type { FileEntry } from './files';
import { describeSystemError } from './regular-file';
import { unstableError, withStatsFile } from './stable-file';

/** The records of one file as read at one moment, or why the file could not be read. */
export type FileSnapshot =
  | { readonly file: string; readonly records: readonly DecodedRecord[]; readonly error?: undefined }
  | { readonly file: string; readonly records?: undefined; readonly error: DecodeError | ReadError };

/**
 * Reads a file with plain reads (no mmap) through the stable read protocol of `@mmstats/format`
 * (SPEC.md §8.3): every value was read whole, never torn by a concurrent write. Never throws for
 * a bad file: a missing or unreadable file, anything but a regular file, bytes that are not a
 * format v1 file, or a value that changed between every two of its copies give a snapshot with
 * one `error` naming the file.
 */
export async function readSnapshot(entry: FileEntry): Promise<FileSnapshot> {
  const { file } = entry;
  try {
    const { result } = await withStatsFile(entry.path, ({ stats, readAt }) => readStableFile(readAt, stats.size, { path: file }));
    if (!result) return { file, error: new ReadError(file, 'not a regular file') };
    if (result.unstable.length > 0) return { file, error: unstableError(file, result.unstable, result.copies) };
    return { file, records: result.records };
  } catch (err) {
    if (err instanceof DecodeError) return { file, error: err.withPath(file) };
    if (err instanceof ReadError) return { file, error: err };
    return { file, error: new ReadError(file, describeSystemError(err), { cause: err }) };
  }
}
