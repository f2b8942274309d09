import { DecodeError, decodeFile, type DecodedRecord } from '@mmstats/format';

import { ReadError } from '../errors';
import type { FileEntry } from './files';
import { describeSystemError, readRegularFile } from './regular-file';

/** The records of one file as read at one moment, or why the file could not be read. */
export type FileSnapshot =
  | { readonly file: string; readonly records: readonly DecodedRecord[]; readonly error?: undefined }
  | { readonly file: string; readonly records?: undefined; readonly error: DecodeError | ReadError };

/**
 * Reads a file with a plain read (no mmap) and decodes it through `@mmstats/format`. Never throws
 * for a bad file: a missing or unreadable file, anything but a regular file, or bytes that are not
 * a format v1 file give a snapshot with one `error` naming the file.
 */
export async function readSnapshot(entry: FileEntry): Promise<FileSnapshot> {
  const { file } = entry;
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(entry);
  } catch (err) {
    if (err instanceof ReadError) return { file, error: err };
    return { file, error: new ReadError(file, describeSystemError(err), { cause: err }) };
  }
  try {
    return { file, records: decodeFile(bytes, { path: file }) };
  } catch (err) {
    if (err instanceof DecodeError) return { file, error: err.withPath(file) };
    throw err;
  }
}

async function readBytes(entry: FileEntry): Promise<Uint8Array> {
  const { bytes } = await readRegularFile(entry.path);
  if (!bytes) throw new ReadError(entry.file, 'not a regular file');
  return bytes;
}
