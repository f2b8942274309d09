import { UsageError } from '../errors';
import type { FileEntry } from './files';
import { LayoutCache } from './layout-cache';
import { StatsReader, type FileSnapshot } from './stats-reader';

export type { FileSnapshot } from './stats-reader';

/** The reader of `readSnapshot`: one layout cache for the whole process. */
let sharedReader: StatsReader | undefined;

/**
 * The process-wide `StatsReader` that `readSnapshot` and `Sampler` use unless given another. Its
 * patience with records that keep changing (SPEC.md §8.3 step 5) is `$MMSTATS_PATIENT_COPIES`
 * when set (a whole number; 0 gives up on them at once, as before step 5 existed).
 */
export function sharedStatsReader(): StatsReader {
  return (sharedReader ??= newStatsReader());
}

/**
 * A new `StatsReader` keeping the layouts of at most `maxRecords` records (default: the
 * `LayoutCache` default), patient as `$MMSTATS_PATIENT_COPIES` says (see `sharedStatsReader`).
 * 0 keeps none, for a command that reads each file once; `Infinity` keeps every file's, for one
 * that reads the same files again and again and drops those it no longer reads (`LayoutCache.keepOnly`).
 */
export function newStatsReader(maxRecords?: number): StatsReader {
  return new StatsReader({ cache: new LayoutCache({ maxRecords }), patientCopies: patientCopiesFromEnvironment(process.env.MMSTATS_PATIENT_COPIES) });
}

/** `$MMSTATS_PATIENT_COPIES` as a number of copies, or undefined for the default; a `UsageError` if it is not a whole number. */
export function patientCopiesFromEnvironment(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`MMSTATS_PATIENT_COPIES must be a whole number of copies (0 gives up on a changing value at once), got ${JSON.stringify(text)}`);
  return Number(text);
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
