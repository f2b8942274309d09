import { readlinkSync, type Stats } from 'node:fs';
import * as path from 'node:path';

import { MmstatsError } from '@mmstats/format';

/** Whether `child` is `parent` itself or below it (both absolute and resolved). */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (relative !== '..' && !relative.startsWith('../') && !path.isAbsolute(relative));
}

/**
 * A file that was not the one a reader meant to open: a symlink or another file took its place
 * after it was chosen, or the open led outside the directory it was confined to. `message` is
 * the reason alone, and never names where the open led.
 */
export class ReplacedFileError extends MmstatsError {}

/** Device and inode: what tells one file from another on a machine. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/** Whether two stats describe the same file (same device and inode). */
export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Checks an open descriptor against what the reader meant to open: the same file as `expected`
 * (when given), and, with `confineTo` (a real directory path), a file whose path as the kernel
 * resolved it (`/proc/self/fd/<fd>`) lies inside that directory. Only the descriptor is asked, so
 * a symlink swapped in and out between checks cannot pass. Without procfs the path cannot be
 * asked: a file directly in `confineTo` opened with O_NOFOLLOW had no symlink to follow and is
 * accepted; one further down is refused. Throws `ReplacedFileError`.
 */
export function checkOpened(fd: number, openedPath: string, stats: Stats, options: { expected?: FileIdentity; confineTo?: string }): void {
  if (options.expected && !sameFile(stats, options.expected)) throw new ReplacedFileError('replaced while it was read');
  const root = options.confineTo;
  if (root === undefined) return;
  let resolved: string;
  try {
    resolved = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    if (path.dirname(openedPath) === root) return;
    throw new ReplacedFileError('cannot confirm where it lies without /proc');
  }
  // A file unlinked while open reads `<path> (deleted)`: still where it was.
  if (!isInside(resolved.replace(/ \(deleted\)$/, ''), root)) throw new ReplacedFileError('replaced while it was read');
}
