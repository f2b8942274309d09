import type { FileEntry } from './files';
import { StatsReader, type FileSnapshot } from './stats-reader';

export type { FileSnapshot } from './stats-reader';

/** The reader of `readSnapshot`: one layout cache for the whole process. */
let sharedReader: StatsReader | undefined;

/** The process-wide `StatsReader` that `readSnapshot` and `Sampler` use unless given another. */
export function sharedStatsReader(): StatsReader {
  return (sharedReader ??= new StatsReader());
}

/**
 * Reads a file with plain reads (no mmap) through the stable read protocol of `@mmstats/format`
 * (SPEC.md §8.3): every value was read whole, never torn by a concurrent write. Records that
 * changed between every two copies come back in `unstable`, without a value, and the others are
 * still returned. Never throws for a bad file: a missing or unreadable file, anything but a
 * regular file, or bytes that are not a format v1 file give a snapshot with one `error` naming
 * the file. Uses `reader` (default: the process-wide `sharedStatsReader()`, whose layout cache
 * makes reading a file again cheap).
 */
export async function readSnapshot(entry: FileEntry, reader: StatsReader = sharedStatsReader()): Promise<FileSnapshot> {
  return reader.snapshot(entry);
}
