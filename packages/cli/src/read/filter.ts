import { compareCodePoints } from './files';

/** Which records to show, and in what order. */
export interface RecordFilter {
  /** Keep only labels starting with one of these. Defaults to keeping every label. */
  readonly prefix?: readonly string[];
  /** Drop labels starting with one of these; wins over `prefix`. Defaults to dropping none. */
  readonly exclude?: readonly string[];
  /** Sort by label (code point order) instead of file order. Defaults to false. */
  readonly sort?: boolean;
}

/**
 * The records `filter` keeps (decoded records, layouts, anything with a label), in file order or
 * sorted by label. Without a prefix, an exclusion or sorting, that is `records` itself, not a copy:
 * slurp calls this for every file, and a copy (with a closure per record) was a sixth of what it allocated.
 */
export function filterRecords<T extends { readonly label: string }>(records: readonly T[], filter: RecordFilter = {}): readonly T[] {
  const prefix = filter.prefix ?? [];
  const exclude = filter.exclude ?? [];
  if (prefix.length === 0 && exclude.length === 0 && !filter.sort) return records;
  const kept = records.filter((record) => (prefix.length === 0 || startsWithAny(record.label, prefix)) && !startsWithAny(record.label, exclude));
  if (filter.sort) kept.sort((a, b) => compareCodePoints(a.label, b.label));
  return kept;
}

function startsWithAny(label: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (label.startsWith(p)) return true;
  return false;
}
