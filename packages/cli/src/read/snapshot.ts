import { constants as fsConstants, promises as fs } from 'node:fs';
import { getSystemErrorMap } from 'node:util';

import { DecodeError, decodeFile, type DecodedRecord } from '@mmstats/format';

import { ReadError } from '../errors';
import type { FileEntry } from './files';

/** The records of one file as read at one moment, or why the file could not be read. */
export type FileSnapshot =
  | { readonly file: string; readonly records: readonly DecodedRecord[]; readonly error?: undefined }
  | { readonly file: string; readonly records?: undefined; readonly error: DecodeError | ReadError };

// O_NONBLOCK: opening a FIFO someone named `x.mmstats` must not wait for a writer.
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/**
 * Reads a file with a plain read (no mmap) and decodes it through `@mmstats/format`. Never throws
 * for a bad file: a missing or unreadable file, anything but a regular file, or bytes that are not
 * a format v1 file give a snapshot with one `error` naming the file.
 */
export async function readSnapshot(entry: FileEntry): Promise<FileSnapshot> {
  const { file } = entry;
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(entry);
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

async function readRegularFile(entry: FileEntry): Promise<Uint8Array> {
  const handle = await fs.open(entry.path, OPEN_FLAGS);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ReadError(entry.file, 'not a regular file');
    return await handle.readFile();
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
