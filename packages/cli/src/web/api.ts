import { combineValues, showsGrowth, type DecodedRecord, type RecordMeaning, type StatValue, type TypeInfo, type ValueKind } from '@mmstats/format';

import { compareCodePoints } from '../read/files';
import { jsonValue, type JsonValue } from '../render/json';
import { formatValueInUnit } from '../render/units';
import { aggregate, type Aggregation, type LabelValue } from './aggregate';
import type { Collection } from './collect';
import { SHOWN_QUANTILES, type HistogramSummary, type ObservationSummary } from './histogram-summary';

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
 * and pattern, every file with its pid and records, the skipped files, and `series`: one entry
 * per label over every file, with what it means and its value combined across processes by its
 * family's aggregate (see `seriesJson`). Each record carries its meaning (`kind`, `unit`, …, see
 * `meaningMembers`) and `shown`, its value as read in its unit. `histograms`: each histogram series
 * merged over the files (see `histogramJson`).
 */
export function snapshotJson(
  collection: Collection,
  where: { directory: string; pattern: string },
  time: number,
  histograms: readonly HistogramSummary[] = [],
): JsonValue {
  return {
    time,
    directory: where.directory,
    pattern: where.pattern,
    files: collection.files.map((file) => ({
      file: file.file,
      pid: file.pid ?? null,
      records: file.records.map((record) => {
        const meaning = file.meanings[record.layout.index];
        return {
          label: record.label,
          type: record.signature,
          value: jsonValue(record.value, record.layout.type),
          ...meaningMembers(meaning, record.layout.type.kind),
          shown: formatValueInUnit(record.value, meaning.unit, time * 1000),
        };
      }),
    })),
    series: seriesJson(collection, time),
    histograms: histograms.map((summary) => histogramJson(summary, time)),
    skipped: skippedJson(collection),
  };
}

/** The member name of a quantile: `p50`, `p90`, `p99`. */
function quantileName(q: number): string {
  return `p${Math.round(q * 100)}`;
}

/** `count`, `sum`, then each quantile (null without observations) and `shown`: the quantiles in the unit. */
function observationsJson(summary: ObservationSummary, unit: string | undefined, time: number): JsonObject {
  const json: JsonObject = { count: summary.count, sum: jsonValue(summary.sum, FLOAT) };
  const shown = jsonObject();
  SHOWN_QUANTILES.forEach((q, i) => {
    const estimate = summary.quantiles[i];
    json[quantileName(q)] = estimate === null ? null : jsonValue(estimate, FLOAT);
    shown[quantileName(q)] = estimate === null ? null : formatValueInUnit(estimate, unit, time * 1000);
  });
  json.shown = shown;
  return json;
}

/**
 * One histogram series over every file: `family`, `labels`, `unit`, `help`, `files`, its
 * observations over all time (`count`, `sum`, `p50`, `p90`, `p99`, `shown`) and `interval`, the
 * same for the observations since the previous snapshot with its length in `seconds` (null on the
 * first snapshot).
 */
function histogramJson(summary: HistogramSummary, time: number): JsonValue {
  return {
    family: summary.family,
    labels: Object.assign(jsonObject(), summary.labels),
    unit: summary.unit ?? null,
    help: summary.help ?? null,
    files: summary.files,
    ...observationsJson(summary, summary.unit, time),
    interval: summary.interval === null ? null : { seconds: summary.interval.seconds, ...observationsJson(summary.interval, summary.unit, time) },
  };
}

/**
 * What a record means, for the dashboard: `family`, `kind` (null without metadata), `unit`, `help`,
 * `labels` (the series' labels, `{}` for none), `aggregate` (how processes combine), `growth`
 * (shown as a rate: counters, and integers without metadata) and `fact` (a constant about the
 * process, such as `sys.pid`: never combined).
 */
function meaningMembers(meaning: RecordMeaning, valueKind: ValueKind): JsonObject {
  const members = jsonObject();
  members.family = meaning.family;
  members.kind = meaning.kind ?? null;
  members.unit = meaning.unit ?? null;
  members.help = meaning.help ?? null;
  members.labels = Object.assign(jsonObject(), meaning.labels);
  members.aggregate = meaning.aggregate ?? null;
  members.growth = showsGrowth(meaning, valueKind);
  members.fact = meaning.kind === 'constant';
  return members;
}

/**
 * One entry per label (code point order) with the meaning of its first record, `files` (how many
 * files hold it), and, unless it is a process fact, `value` (combined by `combineValues` with its
 * aggregate; null when that cannot combine) and `shown` (that value in its unit).
 */
function seriesJson(collection: Collection, time: number): JsonValue {
  const byLabel = new Map<string, { meaning: RecordMeaning; kind: ValueKind; type: TypeInfo; values: StatValue[] }>();
  for (const file of collection.files) {
    for (const record of file.records) {
      const entry = byLabel.get(record.label);
      if (entry) entry.values.push(record.value);
      else byLabel.set(record.label, { meaning: file.meanings[record.layout.index], kind: record.layout.type.kind, type: record.layout.type, values: [record.value] });
    }
  }
  return [...byLabel.keys()].sort(compareCodePoints).map((label) => {
    const { meaning, kind, type, values } = byLabel.get(label)!;
    const json: JsonObject = { label, ...meaningMembers(meaning, kind), files: values.length };
    if (meaning.kind !== 'constant') {
      const combined = meaning.aggregate === undefined ? undefined : combineValues(meaning.aggregate, values);
      json.value = combined === undefined ? null : jsonValue(combined, typeof combined === 'number' && !Number.isInteger(combined) ? FLOAT : type);
      json.shown = combined === undefined ? null : formatValueInUnit(combined, meaning.unit, time * 1000);
    }
    return json;
  });
}

function skippedJson(collection: Collection): JsonValue {
  return collection.skipped.map((skipped) => ({ file: skipped.file, error: skipped.error }));
}
