// Adding records and families to a live file with metadata, in the store order of SPEC.md §14.5.
// Only the file's one writer calls these, on its own mapping: plain stores, no syscall.
import { EncodeError } from './errors';
import { layoutRecord, writeRecord, type EncodeOptions, type RecordSpec } from './encode';
import type { RecordLayout } from './layout';
import { decodeTrailer, encodeFamilyMeta, MAX_APPENDED_LABEL_BYTES, TRAILER_METADATA_START, TRAILER_RECORDS_END, TRAILER_SIZE, type FamilyMeta, type Trailer } from './meta';

function trailerOf(bytes: Uint8Array): Trailer {
  const trailer = decodeTrailer(bytes);
  if (trailer === undefined) throw new EncodeError('this file has no metadata block: records and families cannot be added to it');
  return trailer;
}

/** Free bytes of the reserve of a file with metadata: what records and entries may still take. */
export function reserveLeft(bytes: Uint8Array): number {
  const { recordsEnd, metadataStart } = trailerOf(bytes);
  return metadataStart - (recordsEnd + 2);
}

/**
 * Adds the record of `spec` after the last record of the live file `bytes` (SPEC.md §14.5) and
 * returns its layout, or undefined when the reserve cannot hold it with `keepFree` bytes to spare.
 * `index` is the record's position in the file; `options.layout: 'aligned'` pads its signature as
 * `encodeFile` does (SPEC.md §4.5). Throws `EncodeError` for a label over 255 bytes or any problem
 * `layoutRecord` finds. The two steps are `prepareRecord` and `publishRecord`.
 */
export function appendRecord(bytes: Uint8Array, spec: RecordSpec, index: number, keepFree = 0, options: EncodeOptions = {}): RecordLayout | undefined {
  return appendRecords(bytes, [spec], index, keepFree, options)?.[0];
}

/**
 * Adds the records of `specs` as one group (SPEC.md §14.5, §14.6): readers see all of them or
 * none. Returns their layouts, or undefined (writing nothing) when the reserve cannot hold them
 * all with `keepFree` bytes to spare.
 */
export function appendRecords(bytes: Uint8Array, specs: readonly RecordSpec[], index: number, keepFree = 0, options: EncodeOptions = {}): RecordLayout[] | undefined {
  const records = prepareRecords(bytes, specs, index, keepFree, options);
  if (records !== undefined) publishRecords(bytes, records);
  return records;
}

/**
 * Step 1 of adding a record (SPEC.md §14.5): writes every byte of it but the low byte of its label
 * length, where readers still find the end marker, and returns its layout (undefined, writing
 * nothing, when there is no room). Nothing is visible to readers until `publishRecord`.
 */
export function prepareRecord(bytes: Uint8Array, spec: RecordSpec, index: number, keepFree = 0, options: EncodeOptions = {}): RecordLayout | undefined {
  return prepareRecords(bytes, [spec], index, keepFree, options)?.[0];
}

/**
 * Step 1 of adding a group of records: writes every byte of all of them but the low byte of the
 * first one's label length. Readers walking the records stop at that zero byte, so the records
 * after it are complete before any reader looks at them. Undefined, writing nothing, without room.
 */
export function prepareRecords(
  bytes: Uint8Array,
  specs: readonly RecordSpec[],
  index: number,
  keepFree = 0,
  options: EncodeOptions = {},
): RecordLayout[] | undefined {
  if (specs.length === 0) throw new EncodeError('a group of records to add needs at least one record');
  const { recordsEnd, metadataStart } = trailerOf(bytes);
  const records: RecordLayout[] = [];
  let at = recordsEnd;
  for (const spec of specs) {
    const record = layoutRecord(spec, index + records.length, at, options);
    if (record.labelLength > MAX_APPENDED_LABEL_BYTES) {
      throw new EncodeError(`label ${JSON.stringify(spec.label.slice(0, 40))}… is ${record.labelLength} bytes; a record added to a live file has at most ${MAX_APPENDED_LABEL_BYTES}`);
    }
    records.push(record);
    at = record.end;
  }
  if (at + 2 + keepFree > metadataStart) return undefined;
  // Built aside, then copied in without its first two bytes: the first label length's high byte is
  // 0 (label < 256 bytes), like the end marker's, and stays as it is.
  const image = new Uint8Array(at - recordsEnd);
  const view = new DataView(image.buffer);
  const shift = (offset: number) => offset - recordsEnd;
  records.forEach((record, i) => {
    const local: RecordLayout = {
      ...record,
      offset: shift(record.offset),
      end: shift(record.end),
      labelOffset: shift(record.labelOffset),
      writeIndexOffset: shift(record.writeIndexOffset),
      slotOffsets: [shift(record.slotOffsets[0]), shift(record.slotOffsets[1])],
    };
    writeRecord(image, view, local, specs[i]);
  });
  bytes.set(image.subarray(2), recordsEnd + 2);
  return records;
}

/**
 * Steps 2 and 3 of adding a record (SPEC.md §14.5): one byte store makes the prepared `record`
 * visible to every reader, then one aligned store moves the trailer's records end past it.
 */
export function publishRecord(bytes: Uint8Array, record: RecordLayout): void {
  publishRecords(bytes, [record]);
}

/** Steps 2 and 3 for a group prepared by `prepareRecords`: one byte store, then the trailer. */
export function publishRecords(bytes: Uint8Array, records: readonly RecordLayout[]): void {
  bytes[records[0].offset] = records[0].labelLength;
  storeU32(bytes, bytes.length - TRAILER_SIZE + TRAILER_RECORDS_END, records[records.length - 1].end);
}

/**
 * Adds a metadata entry describing `meta` below the others (SPEC.md §14.5). Returns false, and
 * changes nothing, when the reserve cannot hold it with `keepFree` bytes to spare.
 */
export function appendFamily(bytes: Uint8Array, meta: FamilyMeta, keepFree = 0): boolean {
  const { recordsEnd, metadataStart } = trailerOf(bytes);
  const entry = encodeFamilyMeta(meta);
  const at = metadataStart - entry.length;
  if (recordsEnd + 2 + keepFree > at) return false;
  bytes.set(entry, at);
  storeU32(bytes, bytes.length - TRAILER_SIZE + TRAILER_METADATA_START, at);
  return true;
}

// One aligned 4-byte store through a Uint32Array (the trailer starts on a multiple of 8, and the
// format is little-endian like every host this runs on): readers see the old or the new offset.
function storeU32(bytes: Uint8Array, at: number, value: number): void {
  const address = bytes.byteOffset + at;
  if (address % 4 !== 0) throw new EncodeError(`trailer field at ${at} is not 4-byte aligned`);
  new Uint32Array(bytes.buffer, address, 1)[0] = value;
}
