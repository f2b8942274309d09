import type { DecodedRecord, TypeInfo } from '@mmstats/format';

import { compareCodePoints } from '../read/files';
import { jsonValue, type JsonValue } from '../render/json';
import { aggregate, type Aggregation, type LabelValue } from './aggregate';
import type { Collection } from './collect';

const FLOAT: TypeInfo = { signature: 'd', kind: 'float', size: 8 };

/** A JSON object safe for any key, `__proto__` included: labels come from other processes. */
type JsonObject = Record<string, JsonValue>;

function jsonObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

/** `GET /stats/`: `{"stats": [every label, sorted], "skipped": [{file, error}]}`. */
export function statsIndex(collection: Collection): JsonValue {
  const labels = new Set<string>();
  for (const file of collection.files) for (const record of file.records) labels.add(record.label);
  return { stats: [...labels].sort(compareCodePoints), skipped: skippedJson(collection) };
}

/** What `GET /stats/<prefix>` selects and how it folds the values. */
export interface StatsQuery {
  readonly prefix: string;
  /** Only the label equal to `prefix` (the original mmash meant this but still matched prefixes). */
  readonly exact?: boolean;
  readonly aggregation?: Aggregation;
}

/**
 * `GET /stats/<prefix>`: `{label: [value in each file that has it, in file name order]}` for
 * every label starting with `prefix` (or equal to it with `exact`), or `{label: value}` with an
 * aggregation (see `aggregate`). Labels in code point order.
 */
export function statsByPrefix(collection: Collection, query: StatsQuery): JsonValue {
  const byLabel = new Map<string, { records: DecodedRecord[] }>();
  for (const file of collection.files) {
    for (const record of file.records) {
      const wanted = query.exact ? record.label === query.prefix : record.label.startsWith(query.prefix);
      if (!wanted) continue;
      let entry = byLabel.get(record.label);
      if (!entry) byLabel.set(record.label, (entry = { records: [] }));
      entry.records.push(record);
    }
  }
  const result = jsonObject();
  for (const label of [...byLabel.keys()].sort(compareCodePoints)) {
    const records = byLabel.get(label)!.records;
    if (query.aggregation) {
      const values: LabelValue[] = records.map((record) => ({ value: record.value, kind: record.layout.type.kind }));
      const folded = aggregate(values, query.aggregation);
      // As a float, so that a NaN average reads "NaN" as in every other JSON mmstats prints.
      result[label] = typeof folded === 'number' ? jsonValue(folded, FLOAT) : folded;
    } else {
      result[label] = records.map((record) => jsonValue(record.value, record.layout.type));
    }
  }
  return result;
}

/**
 * `GET /files/`: `{"files": [names relative to the stats directory], "skipped": []}`: the files
 * the pattern selects, listed without being read (so `skipped` is always empty; it is there so
 * that every route answers with the same shape).
 */
export function filesIndex(files: ReadonlyArray<{ readonly file: string }>): JsonValue {
  return { files: files.map((file) => file.file), skipped: [] };
}

/**
 * `GET /api/snapshot`, what the dashboard polls: the time (Unix seconds), the stats directory
 * and pattern, every file with its pid and records, and the skipped files.
 */
export function snapshotJson(collection: Collection, where: { directory: string; pattern: string }, time: number): JsonValue {
  return {
    time,
    directory: where.directory,
    pattern: where.pattern,
    files: collection.files.map((file) => ({
      file: file.file,
      pid: file.pid ?? null,
      records: file.records.map((record) => ({
        label: record.label,
        type: record.signature,
        value: jsonValue(record.value, record.layout.type),
      })),
    })),
    skipped: skippedJson(collection),
  };
}

function skippedJson(collection: Collection): JsonValue {
  return collection.skipped.map((skipped) => ({ file: skipped.file, error: skipped.error }));
}
