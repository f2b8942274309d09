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
 * values there) with their field: `requests{route=/a,status=5xx},errors` is two fields.
 */
export function splitFields(list: string): string[] {
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
 * Takes apart one field: `name`, or `name{key=value,key="quoted value",…}`. A quoted value uses
 * the escapes of series labels (SPEC.md §14.4); an unquoted one is taken as it is, up to the next
 * `,` or `}`. The pairs are checked by `@mmstats/format`'s own series-label grammar. `prefix` is
 * prepended to the name.
 */
export function parseSelector(text: string, prefix = ''): Selector {
  const open = text.indexOf('{');
  if (open < 0) return { text, name: prefix + text, labels: {} };
  const name = text.slice(0, open);
  if (name === '') throw new SelectorError(`field ${JSON.stringify(text)}: no name before {`);
  if (!text.endsWith('}')) throw new SelectorError(`field ${JSON.stringify(text)}: nothing may follow the closing }`);
  const pairs = splitFields(text.slice(open + 1, -1)).map((pair) => {
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
