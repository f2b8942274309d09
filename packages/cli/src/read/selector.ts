// The fields `mmstats poll` is asked for: `name` or `name{key=value,…}`. A field names a record
// by its label, or a family (SPEC.md §14.3) and, between braces, the labels its series must have.
import { escapeLabelValue, parseSeriesLabel, SeriesLabelError, type RecordMeaning } from '@mmstats/format';

/** One field of the command line, taken apart. */
export interface Selector {
  /** As given on the command line (without the prefix): it heads the column. */
  readonly text: string;
  /** The record label or family name looked up, prefix included. */
  readonly name: string;
  /** The labels a series must have to count, values unescaped; empty for every series. */
  readonly labels: Readonly<Record<string, string>>;
  /** For a histogram family: the statistic the column shows (`name:p99`), see `parseStatistic`. */
  readonly statistic?: HistogramStatistic;
}

/**
 * What a column of a histogram family shows over each interval:
 * - `quantile`: the `q`-quantile of the observations (`p50`, `p99`, `p99.9`);
 * - `max`: the upper bound of the highest bucket that received an observation (the largest
 *   value is at most that, and above the bucket's lower bound);
 * - `count`: how many observations, shown like a counter (growth, or per second with `--rate`);
 * - `rate`: observations per second.
 */
export type HistogramStatistic =
  | { readonly kind: 'quantile'; readonly q: number }
  | { readonly kind: 'max' }
  | { readonly kind: 'count' }
  | { readonly kind: 'rate' };

const STATISTIC = /^(p(100|[1-9]?[0-9](\.[0-9]+)?)|max|count|rate)$/;

/** Whether `text` names a histogram statistic: `p50`, `p99.9`, `max`, `count` or `rate`. */
export function isStatistic(text: string): boolean {
  return STATISTIC.test(text);
}

/** The statistic `text` names (see `isStatistic`); throws `SelectorError` for anything else. */
export function parseStatistic(text: string, field: string): HistogramStatistic {
  if (!STATISTIC.test(text)) {
    throw new SelectorError(`field ${JSON.stringify(field)}: unknown histogram statistic ${JSON.stringify(text)} (p50, p99.9, max, count or rate)`);
  }
  if (text === 'max' || text === 'count' || text === 'rate') return { kind: text };
  // Read as one decimal (`99.9e-2`): dividing by 100 would make p99.9 0.9990000000000001.
  return { kind: 'quantile', q: Number(`${text.slice(1)}e-2`) };
}

/** What is wrong with a field list or one field, for a usage error. */
export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

/**
 * Splits a comma-separated field list, keeping the commas inside braces (and inside quoted label
 * values there) with their field: `requests{route=/a,status=5xx},errors` is two fields. A list
 * of statistics after a histogram field is one field each: `latency:p50,p99` is `latency:p50`
 * and `latency:p99`.
 */
export function splitFields(list: string): string[] {
  return expandStatistics(splitList(list));
}

/** Splits at the commas outside braces and quoted values. */
function splitList(list: string): string[] {
  const fields: string[] = [];
  let start = 0;
  let inBraces = false;
  let inQuotes = false;
  for (let i = 0; i < list.length; i++) {
    const char = list[i];
    if (inQuotes) {
      if (char === '\\') i++;
      else if (char === '"') inQuotes = false;
    } else if (inBraces) {
      if (char === '"') inQuotes = true;
      else if (char === '}') inBraces = false;
    } else if (char === '{') {
      inBraces = true;
    } else if (char === ',') {
      fields.push(list.slice(start, i));
      start = i + 1;
    }
  }
  if (inBraces || inQuotes) throw new SelectorError(`fields ${JSON.stringify(list)}: a { is not closed by }`);
  fields.push(list.slice(start));
  return fields;
}

/**
 * `name:p50,p99,max` is three fields, `name:p50`, `name:p99` and `name:max`: an item of a list
 * that names a statistic (`isStatistic`) right after a field with one takes that field's name.
 */
function expandStatistics(items: readonly string[]): string[] {
  const fields: string[] = [];
  let base: string | undefined;
  for (const item of items) {
    if (base !== undefined && isStatistic(item)) {
      fields.push(`${base}:${item}`);
      continue;
    }
    const colon = statisticColon(item);
    base = colon < 0 ? undefined : item.slice(0, colon);
    fields.push(item);
  }
  return fields;
}

/**
 * Where the `:` before a statistic is in `field`, or -1: only a statistic after the last `:`
 * makes one, so a label with a colon in it (the original's files allow any) still names its record.
 */
function statisticColon(field: string): number {
  const colon = field.lastIndexOf(':');
  return colon > 0 && colon > field.lastIndexOf('}') && isStatistic(field.slice(colon + 1)) ? colon : -1;
}

/**
 * Takes apart one field: `name`, or `name{key=value,key="quoted value",…}`, either followed by
 * `:statistic` for a histogram family (`isStatistic`: `latency{route=/a}:p99`). A quoted value uses
 * the escapes of series labels (SPEC.md §14.4); an unquoted one is taken as it is, up to the next
 * `,` or `}`. The pairs are checked by `@mmstats/format`'s own series-label grammar. `prefix` is
 * prepended to the name.
 */
export function parseSelector(text: string, prefix = ''): Selector {
  const colon = statisticColon(text);
  if (colon < 0) return parseFamilySelector(text, text, prefix);
  const statistic = parseStatistic(text.slice(colon + 1), text);
  return { ...parseFamilySelector(text.slice(0, colon), text, prefix), statistic };
}

/** `name` or `name{…}` of the field `text` (which may go on with a statistic). */
function parseFamilySelector(part: string, text: string, prefix: string): Selector {
  const open = part.indexOf('{');
  if (open < 0) return { text, name: prefix + part, labels: {} };
  const name = part.slice(0, open);
  if (name === '') throw new SelectorError(`field ${JSON.stringify(text)}: no name before {`);
  if (!part.endsWith('}')) throw new SelectorError(`field ${JSON.stringify(text)}: nothing may follow the closing } but a :statistic`);
  const pairs = splitList(part.slice(open + 1, -1)).map((pair) => {
    const equals = pair.indexOf('=');
    if (equals < 0) throw new SelectorError(`field ${JSON.stringify(text)}: expected key=value, got ${JSON.stringify(pair)}`);
    const value = pair.slice(equals + 1);
    const quoted = value.startsWith('"') ? value : `"${escapeLabelValue(value)}"`;
    return `${pair.slice(0, equals)}=${quoted}`;
  });
  try {
    // Parsed as the series label it describes: one grammar for writers, readers and this.
    const parsed = parseSeriesLabel(`${name}{${pairs.join(',')}}`)!;
    return { text, name: prefix + name, labels: parsed.labels };
  } catch (error) {
    if (!(error instanceof SeriesLabelError)) throw error;
    // The reason alone: the label and position it names are of the label built here, not of the field.
    const reason = error.message.slice(error.message.lastIndexOf('": ') + 3).replace(/ at character \d+$/, '');
    throw new SelectorError(`field ${JSON.stringify(text)}: ${reason}`);
  }
}

/**
 * Whether the record labelled `label`, meaning `meaning`, is one `selector` shows: a record whose
 * family (its label, for a record without metadata) is the selector's name, with every label the
 * selector asks for (compared after unescaping, SPEC.md §14.4).
 */
export function selects(selector: Selector, meaning: RecordMeaning): boolean {
  if (meaning.family !== selector.name) return false;
  for (const key in selector.labels) {
    if (meaning.labels[key] !== selector.labels[key]) return false;
  }
  return true;
}
