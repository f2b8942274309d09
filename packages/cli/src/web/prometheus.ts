import type { StatValue, ValueKind } from '@mmstats/format';

import { escapeControls } from '../render/escape';
import { sumValues } from './aggregate';
import type { StatsFile } from './collect';

/** Content type of the Prometheus text format 0.0.4, served by default. */
export const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';

/** Content type of OpenMetrics 1.0.0, served when the scraper's Accept header prefers it. */
export const OPENMETRICS_FORMAT = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Every metric name starts with this, so mmstats series are easy to find and never clash with others. */
export const METRIC_PREFIX = 'mmstats_';

/** Options of `renderExposition`. */
export interface ExpositionOptions {
  /** OpenMetrics 1.0.0 instead of the text format 0.0.4. Defaults to false. */
  readonly openMetrics?: boolean;
  /** Also a `<name>:sum` series per label, summed over every file. Defaults to false. */
  readonly sum?: boolean;
  /** Also string records, as `<name>_info{value="…"} 1`. Defaults to false. */
  readonly strings?: boolean;
}

/**
 * The metric name of an mmstats label: `mmstats_` followed by the label with every character
 * outside `[a-zA-Z0-9_]` (dots, dashes, colons, spaces, non-ASCII) turned into `_`, runs of `_`
 * collapsed into one and leading ones dropped. `web.stats.status.2XX` → `mmstats_web_stats_status_2XX`.
 * Colons are replaced too: they are left for the `:sum` series and for recording rules.
 */
export function metricName(label: string): string {
  return METRIC_PREFIX + label.replace(/[^a-zA-Z0-9_]/gu, '_').replace(/_+/g, '_').replace(/^_/, '');
}

/** A label value between double quotes: backslash, double quote and line feed escaped (both formats). */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

/**
 * HELP text: backslash and line feed escaped, and in OpenMetrics the double quote too. Labels come
 * from other processes, and a scrape is often read on a terminal (`curl …/metrics`): every other
 * control character is first made visible by `escapeControls` (ESC as the text `\x1b`, whose
 * backslash is then escaped like any other), so no control byte reaches the exposition.
 */
export function escapeHelp(text: string, openMetrics: boolean): string {
  const special = openMetrics ? /[\\"]/g : /[\\]/g;
  return text
    .split('\n')
    .map((line) => escapeControls(line).replace(special, (c) => '\\' + c))
    .join('\\n');
}

/** A sample value: integers in full, floats as JavaScript spells them, `NaN`, `+Inf`, `-Inf`; booleans 1 and 0. */
export function formatSampleValue(value: StatValue): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return '1';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * Whether an Accept header asks for OpenMetrics at least as much as for the text format
 * (Prometheus sends `application/openmetrics-text;version=1.0.0,…,text/plain;version=0.0.4;q=0.5`).
 * No header, or one that only accepts `text/plain` or `*\/*`, gets the text format.
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  let openMetrics = 0;
  let text = 0;
  for (const range of accept.split(',')) {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const qParameter = parameters.find((p) => p.startsWith('q='));
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(2));
    if (!Number.isFinite(q)) continue;
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*') text = Math.max(text, q);
  }
  return openMetrics > 0 && openMetrics >= text;
}

interface Sample {
  readonly label: string;
  readonly file: string;
  readonly pid?: number;
  readonly value: StatValue;
  /** How the record stores its value (a float sum stays a float, an integer sum stays exact). */
  readonly kind: ValueKind;
  /** The text of a string record, for `_info` samples. */
  readonly text?: string;
}

interface Family {
  /** The original labels whose samples this family holds, in order of appearance. */
  readonly labels: string[];
  readonly samples: Sample[];
  /** `file\0label` of every sample, so a label twice in one file gives one sample, not an invalid duplicate. */
  readonly keys: Set<string>;
  readonly info: boolean;
}

/**
 * The exposition of every numeric record of `files`: one family per metric name (see
 * `metricName`), one sample per file with `pid` (when the file names one) and `file` labels.
 * Booleans are 0 and 1; strings are left out unless `strings` is set. Two labels that sanitise
 * to the same name share one family and are told apart by a `label` label. String records form
 * families of their own (`<name>_info`), never shared with a number: where a numeric label
 * already has that name (`req_info` beside the string `req`), `_info` is added again until the
 * name is free. Every family is typed `untyped` (OpenMetrics: `unknown`): format v1 does not tell
 * a counter from any other 64-bit integer. Families come sorted by name.
 */
export function renderExposition(files: readonly StatsFile[], options: ExpositionOptions = {}): string {
  const openMetrics = options.openMetrics ?? false;
  const families = new Map<string, Family>();
  const add = (name: string, info: boolean, sample: Sample) => {
    let family = families.get(name);
    if (!family) families.set(name, (family = { labels: [], samples: [], keys: new Set(), info }));
    const key = `${sample.file}\0${sample.label}`;
    if (family.keys.has(key)) return;
    family.keys.add(key);
    if (!family.labels.includes(sample.label)) family.labels.push(sample.label);
    family.samples.push(sample);
  };
  // Numbers first, so that the names strings take are known to be free.
  for (const { file, pid, records } of files) {
    for (const { label, value, layout } of records) {
      if (typeof value !== 'string') add(metricName(label), false, { label, file, pid, value, kind: layout.type.kind });
    }
  }
  if (options.strings) {
    for (const { file, pid, records } of files) {
      for (const { label, value, layout } of records) {
        if (typeof value === 'string') add(infoName(label, families), true, { label, file, pid, value: 1, kind: layout.type.kind, text: value });
      }
    }
  }
  const type = openMetrics ? 'unknown' : 'untyped';
  const lines: string[] = [];
  for (const name of [...families.keys()].sort()) {
    const family = families.get(name)!;
    const shared = family.labels.length > 1;
    const what = `${family.labels.length > 1 ? 'labels' : 'label'} ${family.labels.join(', ')}`;
    lines.push(`# HELP ${name} ${escapeHelp(`mmstats ${what}${family.info ? ' (text in the value label)' : ''}`, openMetrics)}`);
    lines.push(`# TYPE ${name} ${type}`);
    for (const sample of family.samples) {
      const pairs: Array<[string, string]> = [];
      if (sample.pid !== undefined) pairs.push(['pid', String(sample.pid)]);
      pairs.push(['file', sample.file]);
      if (shared) pairs.push(['label', sample.label]);
      if (sample.text !== undefined) pairs.push(['value', sample.text]);
      lines.push(`${name}{${renderPairs(pairs)}} ${formatSampleValue(sample.value)}`);
    }
    if (options.sum && !family.info) lines.push(...renderSum(name, family, type, openMetrics));
  }
  if (openMetrics) lines.push('# EOF');
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** The `<name>:sum` family: each label's values summed over every file, integers exactly. */
function renderSum(name: string, family: Family, type: string, openMetrics: boolean): string[] {
  const sumName = `${name}:sum`;
  const lines = [`# HELP ${sumName} ${escapeHelp(`sum over all files of mmstats ${family.labels.length > 1 ? 'labels' : 'label'} ${family.labels.join(', ')}`, openMetrics)}`, `# TYPE ${sumName} ${type}`];
  for (const label of family.labels) {
    const samples = family.samples.filter((sample) => sample.label === label && sample.text === undefined);
    const total = sumValues(samples);
    const labels = family.labels.length > 1 ? `{${renderPairs([['label', label]])}}` : '';
    lines.push(`${sumName}${labels} ${formatSampleValue(total)}`);
  }
  return lines;
}

/** `<name>_info` for a string label, with `_info` added again while a numeric family has the name. */
function infoName(label: string, families: ReadonlyMap<string, Family>): string {
  let name = metricName(label) + '_info';
  while (families.get(name)?.info === false) name += '_info';
  return name;
}

function renderPairs(pairs: ReadonlyArray<[string, string]>): string {
  return pairs.map(([key, value]) => `${key}="${escapeLabelValue(value)}"`).join(',');
}
