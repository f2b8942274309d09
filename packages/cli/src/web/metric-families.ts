// The Prometheus families of a set of stats files: each record's family, type, unit and labels come
// from the one model of @mmstats/format (meaningOf, isSummable, combineValues); this module only
// decides the names and labels Prometheus sees, and keeps them valid and unique.
import { combineValues, cumulativeCounts, formatBound, isSummable, mergeHistograms, type HistogramSeries, type RecordMeaning, type StatValue } from '@mmstats/format';

import type { StatsFile } from './collect';

/** What a family is to Prometheus (OpenMetrics spells `untyped` as `unknown`). */
export type PrometheusType = 'counter' | 'gauge' | 'histogram' | 'info' | 'untyped';

/** One sample: its labels in order, and its value. */
export interface PrometheusSample {
  /** What follows the family's sample name: `_bucket`, `_count` or `_sum` in a histogram; none elsewhere. */
  readonly suffix?: HistogramSuffix;
  readonly labels: ReadonlyArray<readonly [string, string]>;
  readonly value: StatValue;
}

/** The sample names of a histogram family after its name. */
export type HistogramSuffix = '_bucket' | '_count' | '_sum';

/** One metric family, named as OpenMetrics names it (counters without `_total`, info without `_info`). */
export interface PrometheusFamily {
  readonly name: string;
  readonly type: PrometheusType;
  /** The OpenMetrics unit; `name` ends with `_<unit>`. */
  readonly unit: string | undefined;
  readonly help: string;
  readonly samples: readonly PrometheusSample[];
}

/** Options of `metricFamilies`. */
export interface FamilyOptions {
  /** Prepended to every metric name. Defaults to none. */
  readonly prefix?: string;
  /** Summable families (see `isSummable`) as one sample per series over every file, without `pid` and `file`. */
  readonly sum?: boolean;
  /** Text records too, as info samples with the text in a `value` label. */
  readonly strings?: boolean;
}

/** Name (before the prefix) of the info family holding every file's process facts (kind `constant`). */
export const PROCESS_INFO_NAME = 'mmstats_process';

/** Labels the exposition sets itself: a series label of the same name is renamed `exported_<name>`. */
const READER_LABELS: readonly string[] = ['pid', 'file', 'label', 'value'];

/** The label of a histogram bucket's upper bound. */
const BOUND_LABEL = 'le';

/**
 * A metric name from an mmstats label: every character outside `[a-zA-Z0-9_]` (dots, dashes,
 * colons, spaces, non-ASCII) becomes `_`, runs of `_` collapse into one and a leading one goes;
 * `_` is put first if the name would start with a digit or be empty. Colons never appear: they are
 * left to recording rules. `web.stats.status.2XX` → `web_stats_status_2XX`.
 */
export function metricName(label: string, prefix = ''): string {
  const name = prefix + label.replace(/[^a-zA-Z0-9_]/gu, '_').replace(/_+/g, '_').replace(/^_/, '');
  return /^[a-zA-Z_]/.test(name) ? name : '_' + name;
}

/**
 * The suffix a unit gives a metric name, as OpenMetrics requires (`_seconds`, `_bytes`) and with
 * Prometheus' convention for times since the epoch (`_timestamp_seconds`), and the unit OpenMetrics
 * declares for it.
 */
export function unitSuffix(unit: string): { suffix: string; unit: string } {
  return unit === 'epoch_seconds' ? { suffix: '_timestamp_seconds', unit: 'seconds' } : { suffix: `_${unit}`, unit };
}

/** `stem` with the unit's suffix, unless it already ends with it (`request_seconds` stays). */
function withUnit(stem: string, suffix: string): string {
  if (stem.endsWith(suffix)) return stem;
  if (suffix === '_timestamp_seconds' && stem.endsWith('_timestamp')) return stem + '_seconds';
  return stem + suffix;
}

function typeOf(meaning: RecordMeaning, value: StatValue): PrometheusType | undefined {
  if (meaning.kind === 'constant') return undefined; // a process fact: in the process info family
  if (typeof value === 'string') return meaning.kind === 'text' ? 'info' : 'untyped';
  switch (meaning.kind) {
    case 'counter':
      return 'counter';
    case 'gauge':
    case 'average':
    case 'moving_average':
    case 'timer':
      return 'gauge';
    case 'text':
      return 'info';
    default:
      return 'untyped'; // no metadata, or a kind the exposition does not type yet (histogram parts)
  }
}

/** A family while it is being gathered; its name is settled once every family is known. */
interface Gathering {
  stem: string;
  readonly suffix: string;
  readonly type: PrometheusType;
  readonly unit: string | undefined;
  readonly summed: boolean;
  /** Text records without metadata: untyped, named `<label>_info`. */
  readonly text: boolean;
  readonly help: string | undefined;
  /** The mmstats family names gathered here, in order of appearance. */
  readonly sources: string[];
  readonly members: Member[];
  /** Identity of each member (file, source, series labels), so a duplicate record gives one sample. */
  readonly keys: Set<string>;
}

interface Member {
  readonly source: string;
  readonly file: StatsFile;
  readonly series: ReadonlyArray<readonly [string, string]>;
  readonly value: StatValue;
  /** The whole series, for a member of a histogram family. */
  readonly histogram?: HistogramSeries;
}

/**
 * The families of `files` for `/metrics`. Each record's meaning decides its family: counters are
 * `counter` (samples `<name>_total`), gauges, averages and timers `gauge`, text `info` (only with
 * `strings`), records without metadata `untyped` as before (their text, with `strings`, in an
 * untyped `<name>_info`). Histograms (SPEC.md §14.6) are `histogram`: per series, cumulative
 * `_bucket{le=…}` samples, `_count` and `_sum`; with `sum`, the series of every file merged
 * exactly by `mergeHistograms`. A unit adds its suffix to the name. Constants (`sys.pid`,
 * `org.nodejs.version`, …) are no samples of their own: each file's are the labels of one
 * `mmstats_process_info` sample. Samples carry `pid` (when the file names one), `file`, a
 * `label` label where labels that sanitise to one name share a family, then the series' labels.
 * Names that would clash (a counter `x` and a gauge `x_total`, one label typed in one file and
 * not in another) get `_2`, `_3`… before their unit suffix. Families come sorted by name.
 */
export function metricFamilies(files: readonly StatsFile[], options: FamilyOptions = {}): PrometheusFamily[] {
  const prefix = options.prefix ?? '';
  const gathering = new Map<string, Gathering>();
  const facts: Array<{ file: StatsFile; facts: Array<[string, StatValue]> }> = [];
  const gather = (key: Pick<Gathering, 'stem' | 'suffix' | 'type' | 'unit' | 'summed' | 'text' | 'help'>, member: Member) => {
    const id = [key.stem, key.type, key.suffix, key.summed, key.text].join('\0');
    let family = gathering.get(id);
    if (family === undefined) {
      family = { ...key, sources: [], members: [], keys: new Set() };
      gathering.set(id, family);
    }
    const identity = JSON.stringify([member.file.file, member.source, [...member.series].sort()]);
    if (family.keys.has(identity)) return;
    family.keys.add(identity);
    if (!family.sources.includes(member.source)) family.sources.push(member.source);
    family.members.push(member);
  };
  for (const file of files) {
    const fileFacts: Array<[string, StatValue]> = [];
    const histogramMeanings = new Map<string, RecordMeaning>();
    for (const record of file.records) {
      const meaning = file.meanings[record.layout.index];
      if (meaning.part !== undefined) {
        // A part of a histogram series: the series comes whole from `file.histograms` below.
        histogramMeanings.set(meaning.family, meaning);
        continue;
      }
      const type = typeOf(meaning, record.value);
      if (type === undefined) {
        fileFacts.push([record.label, record.value]);
        continue;
      }
      const text = typeof record.value === 'string';
      if (text && !options.strings) continue;
      const unit = meaning.unit === undefined || text ? undefined : unitSuffix(meaning.unit);
      let stem = metricName(meaning.family, prefix);
      if (type === 'counter') stem = stem.replace(/(.)_total$/, '$1');
      if (type === 'info') stem = stem.replace(/(.)_info$/, '$1');
      if (type === 'untyped' && text) stem += '_info';
      const summed = options.sum === true && !text && isSummable(meaning);
      gather(
        { stem, suffix: unit?.suffix ?? '', type, unit: unit?.unit, summed, text, help: meaning.help },
        { source: meaning.family, file, series: Object.entries(meaning.labels), value: record.value },
      );
    }
    for (const series of file.histograms) {
      const meaning = histogramMeanings.get(series.family);
      const unit = meaning?.unit === undefined ? undefined : unitSuffix(meaning.unit);
      gather(
        { stem: metricName(series.family, prefix), suffix: unit?.suffix ?? '', type: 'histogram', unit: unit?.unit, summed: options.sum === true, text: false, help: meaning?.help },
        { source: series.family, file, series: Object.entries(series.labels), value: series.count, histogram: series },
      );
    }
    if (fileFacts.length > 0) facts.push({ file, facts: fileFacts });
  }
  const families = settleNames([...gathering.values()]).map((family) => toFamily(family));
  if (facts.length > 0) families.push(processInfo(metricName(PROCESS_INFO_NAME, prefix), facts, families));
  return families.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every name a family takes in either format: its own, and its samples'. */
function namesTaken(name: string, type: PrometheusType): string[] {
  if (type === 'counter') return [name, `${name}_total`, `${name}_created`];
  if (type === 'info') return [name, `${name}_info`];
  if (type === 'histogram') return [name, `${name}_bucket`, `${name}_count`, `${name}_sum`, `${name}_created`];
  return [name];
}

/**
 * Gives each family a name no other takes. Typed families choose first (counters, gauges, info),
 * then untyped numbers, then untyped text, each in name order; a later family whose names are
 * taken gets `_2`, `_3`… after its stem, before its unit suffix.
 */
function settleNames(families: Gathering[]): Gathering[] {
  const rank = (family: Gathering) => (family.type === 'untyped' ? (family.text ? 2 : 1) : 0);
  const ordered = [...families].sort((a, b) => rank(a) - rank(b) || (a.stem + a.suffix < b.stem + b.suffix ? -1 : 1));
  const taken = new Set<string>();
  for (const family of ordered) {
    const stem = family.stem;
    for (let n = 2; namesTaken(withUnit(family.stem, family.suffix), family.type).some((name) => taken.has(name)); n++) family.stem = `${stem}_${n}`;
    for (const name of namesTaken(withUnit(family.stem, family.suffix), family.type)) taken.add(name);
  }
  return ordered;
}

function toFamily(family: Gathering): PrometheusFamily {
  const shared = family.sources.length > 1;
  const samples: PrometheusSample[] = [];
  if (family.summed) {
    // One sample per mmstats family and label set, summed over the files that have it.
    const groups = new Map<string, Member[]>();
    for (const member of family.members) {
      const key = JSON.stringify([member.source, [...member.series].sort()]);
      const group = groups.get(key);
      if (group) group.push(member);
      else groups.set(key, [member]);
    }
    for (const group of groups.values()) {
      const first = group[0];
      const labels = sampleLabels([], shared ? first.source : undefined, first.series);
      if (family.type === 'histogram') samples.push(...histogramSamples(labels, mergeHistograms(group.map((member) => member.histogram!))));
      else samples.push({ labels, value: combineValues('sum', group.map((member) => member.value))! });
    }
  } else {
    for (const member of family.members) {
      const own: Array<[string, string]> = [];
      if (member.file.pid !== undefined) own.push(['pid', String(member.file.pid)]);
      own.push(['file', member.file.file]);
      const isText = typeof member.value === 'string';
      const labels = sampleLabels(own, shared ? member.source : undefined, member.series, isText ? (member.value as string) : undefined);
      if (member.histogram !== undefined) samples.push(...histogramSamples(labels, member.histogram));
      else samples.push({ labels, value: isText ? 1 : member.value });
    }
  }
  const what = `${shared ? 'labels' : 'label'} ${family.sources.join(', ')}`;
  const help = family.help !== undefined && !shared ? family.help : `mmstats ${what}${family.text ? ' (text in the value label)' : ''}${family.summed ? ', summed over all files' : ''}`;
  return { name: withUnit(family.stem, family.suffix), type: family.type, unit: family.unit, help, samples };
}

/**
 * The samples of one histogram series: a `_bucket` per bound with its cumulative count (from
 * `cumulativeCounts`, so the `+Inf` bucket equals `_count` and no bucket falls below the one
 * before, whatever moment of an `observe()` the copy caught), then `_count` and `_sum`.
 */
function histogramSamples(labels: ReadonlyArray<readonly [string, string]>, series: HistogramSeries): PrometheusSample[] {
  const cumulative = cumulativeCounts(series);
  const samples: PrometheusSample[] = series.bounds.map((bound, i) => ({ suffix: '_bucket', labels: [...labels, [BOUND_LABEL, formatBound(bound)]], value: cumulative[i] }));
  samples.push({ suffix: '_count', labels, value: series.count });
  samples.push({ suffix: '_sum', labels, value: series.sum });
  return samples;
}

/** A sample's labels: the exposition's own, `label` where needed, the series' (renamed where they clash), the text. */
function sampleLabels(own: Array<[string, string]>, source: string | undefined, series: ReadonlyArray<readonly [string, string]>, text?: string): Array<[string, string]> {
  const labels = [...own];
  if (source !== undefined) labels.push(['label', source]);
  const names = new Set(labels.map(([name]) => name));
  for (const [key, value] of series) {
    // A series label may not take a name the exposition sets, nor Prometheus' reserved `__` prefix.
    const name = READER_LABELS.includes(key) || key.startsWith('__') ? `exported_${key}` : key;
    if (names.has(name)) continue;
    names.add(name);
    labels.push([name, value]);
  }
  if (text !== undefined) labels.push(['value', text]);
  return labels;
}

/**
 * The label a process fact takes in the info family: its record label without `sys.`, the
 * runtime's `org.<runtime>.version` as `version`, sanitised as metric names are.
 */
export function factLabelName(label: string): string {
  const short = /^org\.[^.]+\.version$/.test(label) ? 'version' : label.replace(/^sys\./, '');
  return metricName(short);
}

/** One info sample per file: `pid`, `file`, then each fact (constant record) as a label. */
function processInfo(name: string, files: Array<{ file: StatsFile; facts: Array<[string, StatValue]> }>, others: readonly PrometheusFamily[]): PrometheusFamily {
  // A user family could have taken the name; the facts then go under the next free one.
  let settled = name;
  const taken = new Set(others.flatMap((family) => namesTaken(family.name, family.type)));
  for (let n = 2; namesTaken(settled, 'info').some((taken_) => taken.has(taken_)); n++) settled = `${name}_${n}`;
  const samples = files.map(({ file, facts }) => {
    const labels: Array<[string, string]> = [];
    if (file.pid !== undefined) labels.push(['pid', String(file.pid)]);
    labels.push(['file', file.file]);
    const names = new Set(labels.map(([key]) => key));
    for (const [label, value] of facts) {
      const key = factLabelName(label);
      if (key === 'pid' && file.pid !== undefined) continue; // the pid label already says it
      const unique = names.has(key) ? `exported_${key}` : key;
      if (names.has(unique)) continue;
      names.add(unique);
      labels.push([unique, factText(value)]);
    }
    return { labels, value: 1 };
  });
  return { name: settled, type: 'info', unit: undefined, help: 'Facts about the process writing each stats file (its constant records)', samples };
}

function factText(value: StatValue): string {
  return typeof value === 'string' ? value : String(value);
}
