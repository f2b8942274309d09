import type { RecordLayout, StatValue, TypeInfo } from '@mmstats/format';

import { escapeControls } from './escape';
import { formatFloat } from './number';

/**
 * A value as Python 2's `str()` printed it in slurpstats: `True`/`False`, strings as they are,
 * integers in full (64-bit values beyond 2^53 exactly), floats with `formatFloat`.
 */
export function formatValue(value: StatValue, type: TypeInfo): string {
  switch (type.kind) {
    case 'float':
      return formatFloat(Number(value));
    case 'bool':
      return value ? 'True' : 'False';
    case 'string':
      return String(value);
    case 'uint':
    case 'int':
      return String(value);
  }
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Length in code points, as Python counts characters when padding. */
function codePointLength(text: string): number {
  // Iterating by code point is slow, and only a surrogate pair makes it differ from `length`.
  if (!SURROGATE.test(text)) return text.length;
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * A record to print: a decoded record (`DecodedRecord` is one), or one whose value no two copies
 * agreed on (SPEC.md §8.3), which has no `value`.
 */
export interface ShownRecord {
  readonly label: string;
  readonly signature: string;
  readonly layout: RecordLayout;
  /** Undefined when the value is unknown: it changed between every two copies made. */
  readonly value?: StatValue;
}

/** Printed in place of the value of a record that changed between every two copies made. */
export const UNSTABLE_MARKER = '<unstable>';

/**
 * One file in slurpstats layout: `==> <file>`, one line per record with the labels padded to the
 * longest one, then a blank line. The file name, labels and string values come from other
 * processes: their control characters are shown escaped (`escapeControls`), so each record stays
 * one line and nothing reaches the terminal as a command. A record without a value shows
 * `UNSTABLE_MARKER`.
 */
export function renderFileText(file: string, records: readonly ShownRecord[]): string {
  const labels = records.map((record) => escapeControls(record.label));
  const lengths = labels.map(codePointLength);
  const width = lengths.reduce((max, length) => Math.max(max, length), 0);
  // The pieces of every line joined once: a string built by `+` or a template per line is made
  // of intermediate strings that a file of a thousand records turns into half a megabyte of garbage.
  // Each padding (with the space before the value) is made once per width it takes.
  const paddings: string[] = [];
  const pieces = new Array<string>(5 * records.length + 2);
  pieces[0] = `==> ${escapeControls(file)}\n`;
  let at = 1;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const pad = width - lengths[i];
    pieces[at++] = '  ';
    pieces[at++] = labels[i];
    pieces[at++] = (paddings[pad] ??= ' '.repeat(pad + 1));
    pieces[at++] = record.value === undefined ? UNSTABLE_MARKER : shownValue(record.value, record.layout.type);
    pieces[at++] = '\n';
  }
  pieces[at] = '\n';
  return pieces.join('');
}

/** `formatValue`, control characters escaped: only a string can hold them. */
function shownValue(value: StatValue, type: TypeInfo): string {
  const text = formatValue(value, type);
  return type.kind === 'string' ? escapeControls(text) : text;
}
