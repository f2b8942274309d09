import type { DecodedRecord, StatValue, TypeInfo } from '@mmstats/format';

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

/** Length in code points, as Python counts characters when padding. */
function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * One file in slurpstats layout: `==> <file>`, one line per record with the labels padded to the
 * longest one, then a blank line. The file name, labels and string values come from other
 * processes: their control characters are shown escaped (`escapeControls`), so each record stays
 * one line and nothing reaches the terminal as a command.
 */
export function renderFileText(file: string, records: readonly DecodedRecord[]): string {
  const labels = records.map((record) => escapeControls(record.label));
  const width = labels.reduce((max, label) => Math.max(max, codePointLength(label)), 0);
  let text = `==> ${escapeControls(file)}\n`;
  records.forEach((record, i) => {
    const pad = ' '.repeat(width - codePointLength(labels[i]));
    text += `  ${labels[i]}${pad} ${escapeControls(formatValue(record.value, record.layout.type))}\n`;
  });
  return text + '\n';
}
