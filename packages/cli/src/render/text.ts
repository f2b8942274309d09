import type { RecordLayout, StatValue, TypeInfo } from '@mmstats/format';

import { utf8Text } from '../io';

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
  return utf8Text(renderFileBytes(file, records));
}

/**
 * `renderFileText` as UTF-8 bytes, for writing as they are: the lines are written straight into
 * one buffer, outside V8's heap. A file's text built as a string (its pieces, then the joined
 * string) was a fifth of what `mmstats slurp` allocated on the heap, and it is short-lived garbage
 * that makes V8 grow its young generation, and with it the command's peak memory.
 */
export function renderFileBytes(file: string, records: readonly ShownRecord[]): Uint8Array {
  const labels = new Array<string>(records.length);
  const lengths = new Int32Array(records.length);
  let width = 0;
  for (let i = 0; i < records.length; i++) {
    labels[i] = escapeControls(records[i].label);
    lengths[i] = codePointLength(labels[i]);
    width = Math.max(width, lengths[i]);
  }
  // Room for most files at once: a label, its padding and a number fit in `width` plus 32 bytes.
  const out = new ByteWriter(file.length + 8 + records.length * (width + 32));
  out.text('==> ');
  out.text(escapeControls(file));
  out.byte(NEWLINE);
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    out.spaces(2);
    out.text(labels[i]);
    out.spaces(width - lengths[i] + 1);
    out.text(record.value === undefined ? UNSTABLE_MARKER : shownValue(record.value, record.layout.type));
    out.byte(NEWLINE);
  }
  out.byte(NEWLINE);
  return out.written();
}

const NEWLINE = 0x0a;
const SPACE = 0x20;

/** UTF-8 bytes appended to a buffer that grows as needed. */
class ByteWriter {
  private bytes: Buffer;
  private at = 0;

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.at++] = value;
  }

  spaces(count: number): void {
    this.reserve(count);
    const bytes = this.bytes;
    const end = this.at + count;
    for (let at = this.at; at < end; at++) bytes[at] = SPACE;
    this.at = end;
  }

  /** `text` in UTF-8: ASCII (labels and numbers nearly always) byte by byte, anything else by `Buffer.write`. */
  text(text: string): void {
    const length = text.length;
    this.reserve(length);
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.at = at;
        const rest = text.slice(i);
        this.reserve(3 * rest.length); // a UTF-16 unit takes at most 3 bytes of UTF-8
        this.at += this.bytes.write(rest, this.at, 'utf8');
        return;
      }
      bytes[at++] = code;
    }
    this.at = at;
  }

  /** The bytes written so far (a view, not a copy). */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.at);
  }

  /** Makes room for `count` more bytes after `at`. */
  private reserve(count: number): void {
    if (this.at + count <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.at + count));
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }
}

/** `formatValue`, control characters escaped: only a string can hold them. */
function shownValue(value: StatValue, type: TypeInfo): string {
  const text = formatValue(value, type);
  return type.kind === 'string' ? escapeControls(text) : text;
}
