import { closeSync, constants, fchmodSync, fdatasync, fdatasyncSync, fstatSync, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { temporaryFileName, writeRecords, type FilePlan, type RecordSpec } from '@mmstats/format';
import { MapError, SchemaError } from './errors';
import { FileCopy } from './copy-mode';
import { mapShared } from './mmap';
import { threadIdentity } from './identity';
import { claimName } from './claim';

/** How the file's bytes are kept current: a shared mapping, or a buffer copied every `intervalMs` (copy-mode.ts). */
export type FileStorage = { readonly kind: 'mapped' } | { readonly kind: 'copy'; readonly intervalMs: number };

/** A stats file that exists at its final path and is mapped into memory. */
export interface MappedFile {
  readonly path: string;
  /** The shared mapping, or in copy mode the buffer copied into the file. */
  readonly mapping: Buffer;
  /** Copy mode only: keeps the file current from `mapping`. */
  readonly copy: FileCopy | undefined;
  /** Kept open for `syncMappedFile`; closed by `removeMappedFile`. */
  readonly fd: number;
  /** Identity of the file we created, so `removeFile` never deletes a newer file at the same path. */
  readonly dev: number;
  readonly ino: number;
}

// Paths this thread is writing to: a second stats object on the same path would silently take the
// file away from the first, so that is an error instead.
const livePaths = new Set<string>();

function describe(error: unknown): { reason: string; code?: string } {
  const err = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'directory does not exist',
    ENOTDIR: 'a component of the path is not a directory',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EFBIG: 'file too large for the file size limit (ulimit -f)',
    ELOOP: 'too many symbolic links in the directory path',
    EISDIR: 'a directory is in the way',
    ENAMETOOLONG: 'file name too long',
    ENOMEM: 'not enough memory to map the file',
  };
  if (err && typeof err.code === 'string') return { reason: `${reasons[err.code] ?? err.message} (${err.code})`, code: err.code };
  return { reason: err instanceof Error ? err.message : String(error) };
}

/**
 * Permission bits only: set-user-ID, set-group-ID and sticky bits have no business on a data file,
 * and a string such as '644' would be taken as decimal.
 */
function checkMode(mode: number): void {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    const shown = typeof mode === 'number' && Number.isInteger(mode) ? `0o${mode.toString(8)}` : JSON.stringify(mode) ?? String(mode);
    throw new SchemaError(`mode must be permission bits from 0o000 to 0o777, such as 0o644 or 0o600; got ${shown}`);
  }
}

/**
 * Creates the stats file at `path` and maps it (SPEC.md §10): the image is written in full to a
 * temporary file in the same directory, mapped, then linked into place by `claimName`. Readers
 * therefore never see a half-written file; a file at `path` whose writer is gone (or our own
 * symlink) is replaced, never followed; a name held by a live writer, another user or a file
 * that is not a stats file is left alone and another name next to it is used, with a warning.
 * The returned `path` is the name used. The file gets exactly `mode` whatever the umask. A `mode`
 * that is not permission bits is a `SchemaError`; on any other failure the temporary file is
 * removed and a `MapError` names the file and the reason.
 */
export function createMappedFile(path: string, plan: FilePlan, specs: readonly RecordSpec[], mode: number, storage: FileStorage): MappedFile {
  checkMode(mode);
  if (livePaths.has(path)) {
    throw new MapError(path, 'another stats object in this thread already writes to this file; give each one its own filename');
  }
  const temporary = join(dirname(path), temporaryFileName(basename(path), process.pid, threadIdentity().tid, randomBytes(4).toString('hex')));
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(temporary, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    created = true;
    fchmodSync(fd, mode); // the umask may have narrowed the mode given to open()
    const image = new Uint8Array(plan.fileSize);
    writeRecords(image, plan, specs);
    // Writing every byte (not ftruncate) allocates the blocks now: a full disk fails here with
    // ENOSPC rather than later as SIGBUS on a store into the mapping.
    let written = 0;
    while (written < image.length) written += writeSync(fd, image, written, image.length - written, written);
    const mapping = storage.kind === 'mapped' ? mapShared(fd, plan.fileSize) : Buffer.from(image.buffer, image.byteOffset, image.length);
    const { dev, ino } = fstatSync(fd);
    const claimed = claimName(temporary, path);
    livePaths.add(claimed);
    const copy = storage.kind === 'copy' ? new FileCopy(claimed, fd, mapping, storage.intervalMs) : undefined;
    return { path: claimed, mapping, copy, fd, dev, ino };
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    const { reason, code } = describe(error);
    throw new MapError(path, `cannot create stats file: ${reason}`, { cause: error, code });
  } finally {
    // Published by a second link (or failed): the temporary name goes either way.
    if (created) {
      try {
        unlinkSync(temporary);
      } catch {
        // Nothing more can be done; the temporary name starts with a dot and is never read as stats.
      }
    }
  }
}

/**
 * Writes the mapping's dirty pages to disk (in copy mode, copies the values into the file first).
 * On Linux a shared file mapping *is* the file's page cache, so fdatasync(2) of the file does what
 * msync(MS_SYNC) does. (The binding's own `sync`
 * cannot be trusted when its JS wrapper is loaded twice in one process, as test runners do.)
 * Blocking, or on the libuv thread pool when `async`: the promise settles once the data is on disk.
 */
export function syncMappedFile(file: MappedFile, async: boolean): Promise<void> | void {
  const fail = (error: unknown) => {
    const { reason, code } = describe(error);
    return new MapError(file.path, `cannot flush stats file: ${reason}`, { cause: error, code });
  };
  try {
    file.copy?.copy();
  } catch (error) {
    const failure = fail(error);
    if (async) return Promise.reject(failure);
    throw failure;
  }
  if (!async) {
    try {
      fdatasyncSync(file.fd);
    } catch (error) {
      throw fail(error);
    }
    return;
  }
  return new Promise((resolve, reject) => fdatasync(file.fd, (error) => (error ? reject(fail(error)) : resolve())));
}

/** Deletes the file of `file` if it is still the one we created, closes it and forgets the path. */
export function removeMappedFile(file: MappedFile): void {
  livePaths.delete(file.path);
  file.copy?.stop();
  closeSync(file.fd);
  try {
    const stat = lstatSync(file.path);
    if (stat.dev === file.dev && stat.ino === file.ino) unlinkSync(file.path);
  } catch {
    // Already gone (removed by `mmstats clean` or by hand): nothing to do.
  }
}
