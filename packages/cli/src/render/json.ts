import {
  DecodeError,
  cumulativeCounts,
  formatBound,
  histogramQuantile,
  histogramsOf,
  type HistogramSeries,
  type RecordMeaning,
  type StatValue,
  type TypeInfo,
} from '@mmstats/format';

import { histogramSeriesKey } from '../read/histogram-column';
import type { FileSnapshot } from '../read/snapshot';
import { jsonString } from './escape';
import type { ShownRecord } from './text';

/**
 * A JSON value whose numbers keep full precision: `bigint` is written as an exact integer, and
 * `JsonNumber` carries a number literal written as is. `JSON.stringify` can do neither.
 */
export type JsonValue =
  | null
  | boolean
  | string
  | number
  | bigint
  | JsonNumber
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** A number literal already spelled out, such as `-0`. */
export class JsonNumber {
  constructor(readonly literal: string) {}
}

/**
 * A value in JSON: integers (bigints included) exactly, floats as their shortest round-trip
 * spelling (`-0` kept), NaN and the infinities as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 */
export function jsonValue(value: StatValue, type: TypeInfo): JsonValue {
  if (type.kind === 'float') {
    const n = Number(value);
    if (Number.isNaN(n)) return 'NaN';
    if (n === Infinity) return 'Infinity';
    if (n === -Infinity) return '-Infinity';
    return Object.is(n, -0) ? new JsonNumber('-0') : n;
  }
  return value;
}

/**
 * What a record means, as members of its JSON form: `family`, `kind`, and when the family has
 * them `help`, `unit` and the series' `labels` (values unescaped). Nothing for a record without
 * metadata (SPEC.md §14.3), so the JSON of such files is what it always was.
 */
export function meaningJson(meaning: RecordMeaning | undefined): { [key: string]: JsonValue } {
  if (meaning?.kind === undefined) return {};
  const json: { [key: string]: JsonValue } = { family: meaning.family, kind: meaning.kind };
  if (meaning.help !== undefined) json.help = meaning.help;
  if (meaning.unit !== undefined) json.unit = meaning.unit;
  if (Object.keys(meaning.labels).length > 0) json.labels = { ...meaning.labels };
  return json;
}

/** The quantiles each histogram series shows in JSON, by name. */
export const JSON_QUANTILES: ReadonlyArray<readonly [string, number]> = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
];

const FLOAT: TypeInfo = { signature: 'd', kind: 'float', size: 8 };

/** A float in JSON as `jsonValue` writes it; null for NaN (a quantile of no observation). */
function floatJson(value: number): JsonValue {
  return Number.isNaN(value) ? null : jsonValue(value, FLOAT);
}

/**
 * One histogram series in JSON (SPEC.md §14.6): `family`, `labels` (without `le`), `buckets` as
 * `{le, count}` with cumulative counts (as Prometheus' `_bucket`: the `+Inf` one equals `count`),
 * `count`, `sum`, and `quantiles` p50, p90 and p99 (null without observations).
 */
export function histogramJson(series: HistogramSeries): JsonValue {
  const cumulative = cumulativeCounts(series);
  return {
    family: series.family,
    labels: { ...series.labels },
    buckets: series.bounds.map((bound, i) => ({ le: formatBound(bound), count: cumulative[i] })),
    count: series.count,
    sum: floatJson(series.sum),
    quantiles: Object.fromEntries(JSON_QUANTILES.map(([name, q]) => [name, floatJson(histogramQuantile(series, q))])),
  };
}

/** The histogram series of `snapshot` that have a record among `records` (those shown), in file order. */
function shownHistograms(snapshot: FileSnapshot & { error?: undefined }, records: readonly ShownRecord[]): HistogramSeries[] {
  const shown = new Set<string>();
  for (const record of records) {
    const meaning = snapshot.meanings[record.layout.index];
    if (meaning?.part === undefined) continue;
    const { le: _bound, ...labels } = meaning.labels;
    shown.add(histogramSeriesKey(meaning.family, labels));
  }
  if (shown.size === 0) return [];
  const layout = [...snapshot.records.map((record) => record.layout), ...snapshot.unstable].sort((a, b) => a.index - b.index);
  const { series } = histogramsOf(layout, snapshot.metadata, snapshot.records, snapshot.file);
  return series.filter((one) => shown.has(histogramSeriesKey(one.family, one.labels)));
}

/**
 * The JSON form of one file: `{file, records: [{label, type, value, …}]}` or `{file, error}`. A
 * record of a family with metadata also has what it means (`meaningJson`: family, kind, help,
 * unit, labels). A record without a value (it changed between every two copies, SPEC.md §8.3)
 * has `value: null`, and the file then also has `unstable: [its labels, in file order]`. A file
 * with histograms also has `histograms`: each series with a record shown, whole (`histogramJson`);
 * a series with a part in `unstable` is left out, since its counts are not known. Records that
 * do not make well-formed series (SPEC.md §14.6) are shown as records, and `histogramError` says why.
 */
export function fileJson(snapshot: FileSnapshot, records: readonly ShownRecord[] = snapshot.records ?? []): JsonValue {
  if (snapshot.error) return { file: snapshot.file, error: snapshot.error.message };
  const unstable = records.filter((record) => record.value === undefined).map((record) => record.label);
  const json: { [key: string]: JsonValue } = {
    file: snapshot.file,
    records: records.map((record) => ({
      label: record.label,
      type: record.signature,
      value: record.value === undefined ? null : jsonValue(record.value, record.layout.type),
      ...meaningJson(snapshot.meanings?.[record.layout.index]),
    })),
  };
  if (unstable.length > 0) json.unstable = unstable;
  try {
    const histograms = shownHistograms(snapshot, records);
    if (histograms.length > 0) json.histograms = histograms.map(histogramJson);
  } catch (error) {
    // The records are still shown as they are; what keeps them from making a histogram is said here.
    if (!(error instanceof DecodeError)) throw error;
    json.histogramError = error.message;
  }
  return json;
}

/** The whole `--json` document, `{"files": [...]}`, pretty-printed and ending in a newline. */
export function renderJson(files: readonly JsonValue[]): string {
  if (files.length === 0) return stringifyJson({ files }) + '\n';
  return JSON_FILES_START + files.map((file, i) => renderJsonFile(file, i === 0)).join('') + JSON_FILES_END;
}

/**
 * What `renderJson`'s document (of at least one file) starts with; then comes `renderJsonFile`
 * of each file, then `JSON_FILES_END`. Lets a command write each file as soon as it is read.
 */
export const JSON_FILES_START = '{\n  "files": [\n';

/** What `renderJson`'s document of at least one file ends with. */
export const JSON_FILES_END = '\n  ]\n}\n';

/** One file of `renderJson`'s document, as it stands there (`first`: the first file, with no comma before it). */
export function renderJsonFile(file: JsonValue, first: boolean): string {
  return (first ? '    ' : ',\n    ') + stringifyJson(file, '  ', '    ');
}

/**
 * Like `JSON.stringify(value, null, indent)`, plus exact bigints and `JsonNumber` literals, and
 * strings written with `jsonString` (no raw control or bidirectional characters: same values).
 */
export function stringifyJson(value: JsonValue, indent = '  ', current = ''): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return jsonString(value);
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
  }
  if (value instanceof JsonNumber) return value.literal;
  const inner = current + indent;
  if (isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + stringifyJson(item, indent, inner)).join(',\n')}\n${current}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  const members = keys.map((key) => `${inner}${jsonString(key)}: ${stringifyJson(value[key], indent, inner)}`);
  return `{\n${members.join(',\n')}\n${current}}`;
}

function isArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}
