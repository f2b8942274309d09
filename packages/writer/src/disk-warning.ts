// A file mapped from a disk filesystem (ext4, xfs, overlayfs over them) is part of the page cache
// that the kernel writes back to disk: under write-back pressure a store into one of its pages
// can wait for that page's I/O, for hundreds of milliseconds. The JVM's hsperfdata files are the
// well-known case. On tmpfs there is no disk and no stall. When the user chose no directory and
// the default one is on a disk, one process warning says so, at construction (never on the write
// path). Silence it by choosing a directory (`MMSTATS_PATH`, the `path` option) or with
// `node --disable-warning=MMSTATS_NOT_TMPFS`.
import { statfsSync } from 'node:fs';
import { isAbsolute } from 'node:path';

/** `f_type` of tmpfs (and of /dev/shm) in statfs(2). */
export const TMPFS_MAGIC = 0x01021994;
/** `f_type` of ramfs: memory only too, no write-back. */
const RAMFS_MAGIC = 0x858458f6;

let warned = false;

/** Whether stats files in `directory` are kept in memory only (tmpfs, ramfs); undefined if it cannot be told. */
export function isMemoryFilesystem(directory: string): boolean | undefined {
  try {
    const { type } = statfsSync(directory);
    return type === TMPFS_MAGIC || type === RAMFS_MAGIC;
  } catch {
    return undefined;
  }
}

/**
 * Warns once per thread (a process warning, code `MMSTATS_NOT_TMPFS`) when the stats file goes to
 * the default directory because neither the options nor the environment chose one, and that
 * directory is on a disk filesystem.
 */
export function warnIfDefaultDirectoryOnDisk(
  directory: string,
  options: { readonly path?: string; readonly filename?: string },
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  if (warned || options.path !== undefined || env.MMSTATS_PATH) return;
  if (isAbsolute(options.filename ?? env.MMSTATS_FILES ?? '')) return;
  if (isMemoryFilesystem(directory) !== false) return;
  warned = true;
  process.emitWarning(
    `stats files go to ${directory}, the default directory, which is on a disk filesystem: a write into a file mapped there ` +
      'can stall for hundreds of milliseconds while the kernel writes pages back. Set MMSTATS_PATH to a directory on tmpfs, ' +
      'such as /dev/shm/mmstats (create it first), for the writers and the mmstats command alike',
    { type: 'MmstatsWarning', code: 'MMSTATS_NOT_TMPFS' },
  );
}
