import { FORMAT_VERSION, UNBUFFERED } from './constants';
import { DecodeError } from './errors';
import { asciiLabel } from './intern';
import type { RecordLayout } from './layout';
import { decodeTrailer, type Trailer } from './meta';
import { safeJsonString } from './quote';
import { decodeUtf8, fixedTypeOfByte, readSlot, stringSizeOf, stringType, type StatValue, type TypeInfo } from './types';

/**
 * Most records `decodeLayout` accepts by default. A real stats file has tens to a few thousand;
 * each decoded record costs about 300 bytes of memory against its 8 or more bytes of file, so a
 * hostile file of tiny records must not be walked to its end.
 */
export const DEFAULT_MAX_RECORDS = 100_000;

/** Options of the decoding functions. */
export interface DecodeOptions {
  /** File name to put in error messages. Defaults to none. */
  readonly path?: string;
  /**
   * Most records to accept (`decodeLayout`, `decodeFile`): a file with more is a `DecodeError`.
   * Defaults to `DEFAULT_MAX_RECORDS`; `Infinity` lifts the limit.
   */
  readonly maxRecords?: number;
  /**
   * The file's metadata trailer, read before the bytes were copied (SPEC.md §14.5), or null for
   * none. Defaults to the trailer found at the end of the bytes themselves.
   */
  readonly trailer?: Trailer | null;
}

/** A record with its current value, and its raw double-buffer state for tools that want it. */
export interface DecodedRecord {
  readonly label: string;
  /** The type signature without the whitespace a writer may pad it with (SPEC.md §4.5): `Q`, `16s`. */
  readonly signature: string;
  /** The value a reader sees: slot `writeIndex ^ 1` if buffered, else the only slot. */
  readonly value: StatValue;
  /** 0 or 1 (the slot the writer will write next) for buffered records, 0xff for unbuffered ones. */
  readonly writeIndex: number;
  /** Every slot's value: two for buffered records, one for unbuffered ones. */
  readonly slots: readonly StatValue[];
  readonly layout: RecordLayout;
}

/** A DataView over exactly the bytes of `bytes`. */
export function toDataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function hexByte(n: number): string {
  return '0x' + n.toString(16).padStart(2, '0');
}

function printable(bytes: Uint8Array): string {
  const text = safeJsonString(decodeUtf8(bytes.subarray(0, 40)));
  return bytes.length > 40 ? `${text}… (${bytes.length} bytes)` : text;
}

/** A label for an error message: quoted, escaped and cut short, as labels come from other processes. */
function quoted(label: string): string {
  const text = safeJsonString(label.slice(0, 40));
  return label.length > 40 ? `${text}…` : text;
}

/** Throws the `DecodeError` of record `index` at byte `offset` (one function, not a closure per record). */
function failAt(reason: string, offset: number, index: number, path: string | undefined): never {
  throw new DecodeError(reason, { offset, recordIndex: index, path });
}

/** Whether `byte` is whitespace that Python's `struct` skips in a format: space, \t, \n, \v, \f, \r. */
function isSignatureSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/** Where the type code of the signature `bytes[start, end)` ends: before its trailing whitespace. */
function codeEnd(bytes: Uint8Array, start: number, end: number): number {
  while (end > start && isSignatureSpace(bytes[end - 1])) end--;
  return end;
}

/** Where the type code of the signature `bytes[start, end)` starts: after its leading whitespace. */
function codeStart(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && isSignatureSpace(bytes[start])) start++;
  return start;
}

/**
 * The type of the signature at `bytes[at, at + length)`, or undefined for anything unknown. A
 * signature is a type code with optional whitespace before and after it (SPEC.md §4, §4.5). The
 * signatures real files use are one letter, possibly followed by spaces, or a few digits and `s`:
 * they are looked up without building a string first.
 */
function signatureType(bytes: Uint8Array, at: number, length: number): TypeInfo | undefined {
  if (length === 1) return fixedTypeOfByte(bytes[at]);
  const end = codeEnd(bytes, at, at + length);
  at = codeStart(bytes, at, end);
  const code = end - at;
  if (code === 1) return fixedTypeOfByte(bytes[at]);
  if (code < 2 || code > 11 || bytes[end - 1] !== 0x73 /* s */) return undefined;
  const size = stringSizeOf(bytes, at, code - 1);
  return size === undefined ? undefined : stringType(size);
}

/**
 * Why an unknown signature is not one, when whitespace or a byte-order prefix suggests what its
 * writer meant (SPEC.md §4.3, §4.5): ` (…)` to end the message with, or nothing.
 */
function whyUnknown(signature: Uint8Array): string {
  const end = codeEnd(signature, 0, signature.length);
  const start = codeStart(signature, 0, end);
  if (start === end) return ' (no type code)';
  const first = signature[start];
  // Python's struct prefixes: @ = < > !
  if (first === 0x40 || first === 0x3d || first === 0x3c || first === 0x3e || first === 0x21) return ' (no byte-order prefix: values are always little-endian)';
  if (signature.subarray(start, end).some(isSignatureSpace)) return ' (whitespace is allowed only before and after the type code)';
  return '';
}

/**
 * Throws the `DecodeError` of a file that is empty or whose version byte is not 1 (SPEC.md §2): the
 * first check of every reading (SPEC.md §14.2, order of checks).
 */
export function checkVersion(bytes: Uint8Array, path?: string): void {
  if (bytes.length === 0) throw new DecodeError('empty file: not an mmstats file', { offset: 0, path });
  if (bytes[0] !== FORMAT_VERSION) {
    throw new DecodeError(`unsupported version byte ${hexByte(bytes[0])} (expected ${hexByte(FORMAT_VERSION)}): not an mmstats v1 file`, {
      offset: 0,
      path,
    });
  }
}

/**
 * Checks the version byte and walks the records (SPEC.md §3, §6), returning where each one lies.
 * Stops at a zero label length or at the end of the bytes. Any other problem, or a record beyond
 * `maxRecords`, is a `DecodeError` naming the record and offset: it never reads out of bounds,
 * loops or allocates more than a bounded multiple of the input's size, whatever the bytes.
 */
export function decodeLayout(bytes: Uint8Array, options: DecodeOptions = {}): RecordLayout[] {
  const path = options.path;
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  checkVersion(bytes, path);
  const size = bytes.length;
  const trailer = options.trailer === undefined ? decodeTrailer(bytes, size, path) : options.trailer;
  // Records stop at the trailer's records end as they stop at an end marker (SPEC.md §14.2).
  const recordsEnd = trailer ? Math.min(trailer.recordsEnd, size) : size;
  const records: RecordLayout[] = [];
  let offset = 1;
  while (offset < recordsEnd) {
    const index = records.length;
    if (offset + 1 === size) {
      // One byte left: a zero there is the end marker cut short by the end of the file.
      if (bytes[offset] === 0) break;
      failAt('label length cut off by the end of the file (1 byte left)', offset, index, path);
    }
    const labelLength = bytes[offset] | (bytes[offset + 1] << 8);
    if (labelLength === 0) break;
    if (index >= maxRecords) failAt(`more than ${maxRecords} records, the most this reader accepts`, offset, index, path);
    const labelOffset = offset + 2;
    if (labelLength > size - labelOffset) {
      failAt(`label length ${labelLength} runs past the end of the file (${size - labelOffset} bytes left)`, offset, index, path);
    }
    // An ASCII label (every real one) read before is the string made then (`asciiLabel`): nothing decoded or allocated.
    const label = asciiLabel(bytes, labelOffset, labelOffset + labelLength) ?? decodeUtf8(bytes.subarray(labelOffset, labelOffset + labelLength));
    const signatureLengthAt = labelOffset + labelLength;
    if (size - signatureLengthAt < 2) failAt(`record ${quoted(label)} is cut off before its type signature length`, signatureLengthAt, index, path);
    const signatureLength = bytes[signatureLengthAt] | (bytes[signatureLengthAt + 1] << 8);
    const signatureOffset = signatureLengthAt + 2;
    if (signatureLength > size - signatureOffset) {
      failAt(
        `record ${quoted(label)}: type signature length ${signatureLength} runs past the end of the file (${size - signatureOffset} bytes left)`,
        signatureLengthAt,
        index,
        path,
      );
    }
    const type = signatureType(bytes, signatureOffset, signatureLength);
    if (!type) {
      const signatureBytes = bytes.subarray(signatureOffset, signatureOffset + signatureLength);
      failAt(`record ${quoted(label)}: unknown type signature ${printable(signatureBytes)}${whyUnknown(signatureBytes)}`, signatureOffset, index, path);
    }
    const writeIndexOffset = signatureOffset + signatureLength;
    if (writeIndexOffset >= size) failAt(`record ${quoted(label)} is cut off before its write-buffer byte`, writeIndexOffset, index, path);
    const writeIndex = bytes[writeIndexOffset];
    if (writeIndex !== 0 && writeIndex !== 1 && writeIndex !== UNBUFFERED) {
      failAt(`record ${quoted(label)}: write-buffer byte is ${hexByte(writeIndex)}, expected 0x00, 0x01 or 0xff`, writeIndexOffset, index, path);
    }
    const buffered = writeIndex !== UNBUFFERED;
    const slot0 = writeIndexOffset + 1;
    const slotBytes = type.size * (buffered ? 2 : 1);
    if (slotBytes > size - slot0) {
      failAt(
        `record ${quoted(label)} is truncated: its ${buffered ? 'two slots need' : 'slot needs'} ${slotBytes} bytes, ${size - slot0} left`,
        slot0,
        index,
        path,
      );
    }
    const end = slot0 + slotBytes;
    if (end > recordsEnd) failAt(`record ${quoted(label)} runs past the records end ${recordsEnd} that the metadata trailer gives`, offset, index, path);
    records.push({
      index,
      offset,
      end,
      label,
      labelOffset,
      labelLength,
      signature: type.signature,
      signatureLength,
      type,
      writeIndexOffset,
      buffered,
      slotOffsets: [slot0, buffered ? slot0 + type.size : slot0],
    });
    offset = end;
  }
  return records;
}

/**
 * The current value of `record` in `view` (the same bytes, or newer bytes of the same file): the
 * only slot of an unbuffered record, else slot `writeIndex ^ 1` (SPEC.md §4).
 */
export function readValue(view: DataView, record: RecordLayout, options: DecodeOptions = {}): StatValue {
  if (record.end > view.byteLength) {
    // The bytes were re-read after the layout was decoded and the file has shrunk since.
    throw new DecodeError(`record ${quoted(record.label)} ends at ${record.end} but only ${view.byteLength} bytes were read: the file shrank`, {
      offset: record.offset,
      recordIndex: record.index,
      path: options.path,
    });
  }
  if (!record.buffered) return readSlot(view, record.slotOffsets[0], record.type);
  const writeIndex = view.getUint8(record.writeIndexOffset);
  if (writeIndex > 1) {
    throw new DecodeError(`record ${quoted(record.label)}: write-buffer byte is ${hexByte(writeIndex)}, expected 0x00 or 0x01`, {
      offset: record.writeIndexOffset,
      recordIndex: record.index,
      path: options.path,
    });
  }
  return readSlot(view, record.slotOffsets[writeIndex ^ 1], record.type);
}

/** Decodes a whole file: every record's label, signature, value and slots. */
export function decodeFile(bytes: Uint8Array, options: DecodeOptions = {}): DecodedRecord[] {
  const view = toDataView(bytes);
  return decodeLayout(bytes, options).map((layout) => {
    const writeIndex = bytes[layout.writeIndexOffset];
    const slots = layout.buffered
      ? [readSlot(view, layout.slotOffsets[0], layout.type), readSlot(view, layout.slotOffsets[1], layout.type)]
      : [readSlot(view, layout.slotOffsets[0], layout.type)];
    const value = layout.buffered ? slots[writeIndex ^ 1] : slots[0];
    return { label: layout.label, signature: layout.signature, value, writeIndex, slots, layout };
  });
}
