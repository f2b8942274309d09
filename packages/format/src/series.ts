// Series labels of labelled families (SPEC.md §14.4): `name{key="value",…}`. One grammar, used by
// the writer to build a series' record label and by every reader to take it apart again.

/** Label names: what Prometheus allows, minus the `__` prefix it reserves. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label names readers add themselves or the format uses (SPEC.md §14.4). */
export const RESERVED_LABEL_NAMES: readonly string[] = ['pid', 'le', 'quantile', 'overflow'];

/** The label pairs of the overflow series of every labelled family (SPEC.md §14.7). */
export const OVERFLOW_LABELS: Readonly<Record<string, string>> = Object.freeze({ overflow: 'true' });

/** Why `name` cannot be a label name, or undefined if it can. */
export function labelNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `a label name must be a string, got ${typeof name}`;
  if (!LABEL_NAME.test(name)) return `label name ${JSON.stringify(name)} must match [a-zA-Z_][a-zA-Z0-9_]*`;
  if (name.startsWith('__')) return `label name ${JSON.stringify(name)} cannot start with __`;
  if (RESERVED_LABEL_NAMES.includes(name)) return `label name ${JSON.stringify(name)} is reserved (${RESERVED_LABEL_NAMES.join(', ')})`;
  return undefined;
}

// Everything a value must not carry raw: the quote and backslash that delimit it, and every
// character a terminal or a line-based format could act on.
const NEEDS_ESCAPE = /[\\"\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(char: string): string {
  const code = char.charCodeAt(0);
  if (char === '\\') return '\\\\';
  if (char === '"') return '\\"';
  if (char === '\n') return '\\n';
  if (code <= 0x9f) return '\\x' + code.toString(16).padStart(2, '0');
  return '\\u' + code.toString(16).padStart(4, '0');
}

/** A label value as written between the quotes of a series label (SPEC.md §14.4). */
export function escapeLabelValue(value: string): string {
  NEEDS_ESCAPE.lastIndex = 0;
  return NEEDS_ESCAPE.test(value) ? value.replace(NEEDS_ESCAPE, escapeChar) : value;
}

/** The record label of the series of family `name` with `labels`, keys in the order given. */
export function seriesLabel(name: string, keys: readonly string[], values: readonly string[]): string {
  let label = name + '{';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) label += ',';
    label += keys[i] + '="' + escapeLabelValue(values[i]) + '"';
  }
  return label + '}';
}

/** A series label taken apart. */
export interface ParsedSeriesLabel {
  /** The family name: the part before `{`. */
  readonly name: string;
  /** The labels, in the order they were written, values unescaped. */
  readonly labels: Readonly<Record<string, string>>;
}

/** What `parseSeriesLabel` says about a label that is not a well-formed series label. */
export class SeriesLabelError extends Error {
  constructor(
    readonly label: string,
    readonly at: number,
    reason: string,
  ) {
    super(`series label ${JSON.stringify(label.length > 60 ? label.slice(0, 60) + '…' : label)}: ${reason} at character ${at}`);
    this.name = 'SeriesLabelError';
  }
}

const HEX = /^[0-9a-f]+$/;

/**
 * Takes apart `label` if it has the form `name{…}` (SPEC.md §14.4); returns undefined for a label
 * without `{`, and throws `SeriesLabelError` for one that has it but does not follow the grammar.
 */
export function parseSeriesLabel(label: string): ParsedSeriesLabel | undefined {
  const open = label.indexOf('{');
  if (open < 0) return undefined;
  const name = label.slice(0, open);
  if (name.length === 0) throw new SeriesLabelError(label, 0, 'no family name before {');
  const labels: Record<string, string> = Object.create(null);
  let at = open + 1;
  const fail = (reason: string): never => {
    throw new SeriesLabelError(label, at, reason);
  };
  if (label[at] === '}') fail('no label between {}');
  for (;;) {
    const equals = label.indexOf('=', at);
    if (equals < 0) fail('expected key="value"');
    const key = label.slice(at, equals);
    if (!LABEL_NAME.test(key)) fail(`bad label name ${JSON.stringify(key)}`);
    if (key in labels) fail(`label ${key} given twice`);
    at = equals + 1;
    if (label[at] !== '"') fail('expected " to open the value');
    at++;
    let value = '';
    for (;;) {
      if (at >= label.length) fail('value not closed by "');
      const char = label[at];
      if (char === '"') break;
      if (char !== '\\') {
        value += char;
        at++;
        continue;
      }
      const next = label[at + 1];
      if (next === '\\' || next === '"') {
        value += next;
        at += 2;
      } else if (next === 'n') {
        value += '\n';
        at += 2;
      } else if (next === 'x' || next === 'u') {
        const digits = label.slice(at + 2, at + (next === 'x' ? 4 : 6));
        if (digits.length !== (next === 'x' ? 2 : 4) || !HEX.test(digits)) fail(`bad \\${next} escape`);
        const code = parseInt(digits, 16);
        // A lone surrogate is no character: many languages' strings cannot hold one.
        if (code >= 0xd800 && code <= 0xdfff) fail(`\\u${digits} is a surrogate, not a character`);
        value += String.fromCharCode(code);
        at += 2 + digits.length;
      } else {
        fail('unknown escape');
      }
    }
    labels[key] = value;
    at++; // past the closing quote
    if (label[at] === ',') {
      at++;
      continue;
    }
    if (label[at] === '}' && at === label.length - 1) break;
    fail('expected , or a final }');
  }
  return { name, labels };
}
