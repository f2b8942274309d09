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

/** The records `filter` keeps (decoded records, layouts, anything with a label), in file order or sorted by label. */
export function filterRecords<T extends { readonly label: string }>(records: readonly T[], filter: RecordFilter = {}): T[] {
  const prefix = filter.prefix ?? [];
  const exclude = filter.exclude ?? [];
  const kept = records.filter(
    (record) =>
      (prefix.length === 0 || prefix.some((p) => record.label.startsWith(p))) &&
      !exclude.some((p) => record.label.startsWith(p)),
  );
  if (filter.sort) kept.sort((a, b) => compareCodePoints(a.label, b.label));
  return kept;
}
