import type { StatValue } from '@mmstats/format';

import { escapeControls } from '../render/escape';
import type { StatsFile } from './collect';
import { metricFamilies, type FamilyOptions, type PrometheusType } from './metric-families';

export { metricName } from './metric-families';

/** Content type of the Prometheus text format 0.0.4, served by default. */
export const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';

/** Content type of OpenMetrics 1.0.0, served when the scraper's Accept header prefers it. */
export const OPENMETRICS_FORMAT = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Options of `renderExposition`. */
export interface ExpositionOptions extends FamilyOptions {
  /** OpenMetrics 1.0.0 instead of the text format 0.0.4. Defaults to false. */
  readonly openMetrics?: boolean;
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

/**
 * The exposition of `files` (see `metricFamilies` for what becomes which family). Text format
 * 0.0.4: counters are typed under their sample name (`x_total`), info families as gauges named
 * `x_info`, untyped as `untyped`. OpenMetrics 1.0.0: family names without those suffixes, `info`,
 * `unknown`, a `# UNIT` line where the family has a unit, and a final `# EOF`. The names are the
 * same in both formats, so a scraper may switch between them.
 */
export function renderExposition(files: readonly StatsFile[], options: ExpositionOptions = {}): string {
  const openMetrics = options.openMetrics ?? false;
  const lines: string[] = [];
  for (const family of metricFamilies(files, options)) {
    const sampleName = family.type === 'counter' ? `${family.name}_total` : family.type === 'info' ? `${family.name}_info` : family.name;
    const typeName = openMetrics ? family.name : sampleName;
    lines.push(`# HELP ${typeName} ${escapeHelp(family.help, openMetrics)}`);
    lines.push(`# TYPE ${typeName} ${openMetrics ? OPENMETRICS_TYPES[family.type] : TEXT_TYPES[family.type]}`);
    if (openMetrics && family.unit !== undefined) lines.push(`# UNIT ${typeName} ${family.unit}`);
    for (const sample of family.samples) {
      const labels = sample.labels.length === 0 ? '' : `{${renderPairs(sample.labels)}}`;
      lines.push(`${sampleName}${sample.suffix ?? ''}${labels} ${formatSampleValue(sample.value)}`);
    }
  }
  if (openMetrics) lines.push('# EOF');
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

const TEXT_TYPES: Readonly<Record<PrometheusType, string>> = { counter: 'counter', gauge: 'gauge', histogram: 'histogram', info: 'gauge', untyped: 'untyped' };
const OPENMETRICS_TYPES: Readonly<Record<PrometheusType, string>> = { counter: 'counter', gauge: 'gauge', histogram: 'histogram', info: 'info', untyped: 'unknown' };

function renderPairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([key, value]) => `${key}="${escapeLabelValue(value)}"`).join(',');
}
