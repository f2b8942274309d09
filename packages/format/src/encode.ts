import { signaturePadding, type SlotLayout } from './align';
import { FORMAT_VERSION, MAX_LABEL_BYTES, UNBUFFERED } from './constants';
import { EncodeError } from './errors';
import { fileSize, recordSize, type RecordLayout } from './layout';
import { encodeFamilyMeta, METADATA_MAGIC, TRAILER_METADATA_START, TRAILER_RECORDS_END, TRAILER_SIZE, type FamilyMeta } from './meta';
import { decodeUtf8, parseTypeSignature, writeSlot, type StatValue } from './types';

/** One record to lay out: what the writer declares for each field. */
export interface RecordSpec {
  /** The full label (any prefix included), 1 to 65,535 bytes of UTF-8. */
  readonly label: string;
  /** A type signature that `parseTypeSignature` accepts, without padding (`layout` adds it). */
  readonly signature: string;
  /** Two slots and a write index 0/1 (true), or one slot and 0xff (false). */
  readonly buffered: boolean;
  /**
   * Value to store at creation. Unbuffered: written into the slot. Buffered: written into slot 0
   * with the write index left at 1, as if written once. Defaults to zeros and write index 0.
   */
  readonly initial?: StatValue;
}

/** Options of `layoutRecords` and `encodeFile`. */
export interface EncodeOptions {
  /** Page size the file is rounded up to. Defaults to 4096. */
  readonly pageSize?: number;
  /**
   * Allow the legacy signatures `L` and `l`, to reproduce files of mmstats before 0.3.8 (test
   * vectors, converters). Defaults to false: writers must not produce them (SPEC.md §4.1).
   */
  readonly allowLegacySignatures?: boolean;
  /**
   * `original` (the default) packs records exactly as the original mmstats did. `aligned` pads each
   * signature with trailing spaces so that every slot of a 2-, 4- or 8-byte number starts at a
   * multiple of its size (SPEC.md §4.5); every v1 reader, the original's included, reads it.
   */
  readonly layout?: SlotLayout;
  /**
   * Families to describe in a metadata block at the end of the file (SPEC.md §14). Without it
   * (the default) the file has no metadata block, exactly as the original wrote files.
   */
  readonly metadata?: readonly FamilyMeta[];
  /**
   * Bytes of zeros to keep between the records and the metadata, for records and families added
   * while the file is live (SPEC.md §14.5). Only with `metadata`. Defaults to 0; the page rounding
   * leaves some room anyway.
   */
  readonly reserve?: number;
}

/** The planned file: every record's offsets, the bytes they take and the file size. */
export interface FilePlan {
  readonly records: readonly RecordLayout[];
  /** Bytes used by the version byte and the records. */
  readonly contentSize: number;
  /** The file's size: the content, and any reserve and metadata block, rounded up to whole pages. */
  readonly fileSize: number;
  /** The metadata block's entries, when the file has one (SPEC.md §14.3), in file order. */
  readonly metadataEntries?: readonly Uint8Array[];
  /** Where the metadata entries start (`M`), when the file has them. */
  readonly metadataStart?: number;
}

const utf8 = new TextEncoder();

// Read for old files only (SPEC.md §4.1): their width depended on the writer's platform.
const LEGACY_SIGNATURES = new Set(['L', 'l']);

/**
 * Where record `index` of `spec` goes when it starts at `offset` (SPEC.md §3), its signature padded
 * when `options.layout` is `aligned` (SPEC.md §4.5): the record's size depends on its offset then.
 * Throws `EncodeError` for an empty or oversized label, an unknown type signature or layout.
 */
export function layoutRecord(spec: RecordSpec, index: number, offset: number, options: EncodeOptions = {}): RecordLayout {
  if (options.layout !== undefined && options.layout !== 'original' && options.layout !== 'aligned') {
    throw new EncodeError(`layout must be 'original' or 'aligned', got ${JSON.stringify(options.layout)}`);
  }
  const labelLength = utf8.encode(spec.label).length;
  if (labelLength === 0) throw new EncodeError(`record ${index}: a label cannot be empty`);
  if (labelLength > MAX_LABEL_BYTES) {
    throw new EncodeError(`label ${JSON.stringify(spec.label.slice(0, 40))}… is ${labelLength} bytes; at most ${MAX_LABEL_BYTES} fit`);
  }
  const type = parseTypeSignature(spec.signature);
  if (type && !options.allowLegacySignatures && LEGACY_SIGNATURES.has(spec.signature)) {
    throw new EncodeError(`label ${JSON.stringify(spec.label)}: ${spec.signature} is a legacy signature readers accept; write Q or q instead`);
  }
  if (!type) {
    const code = spec.signature.trim();
    if (code !== spec.signature && parseTypeSignature(code)) {
      throw new EncodeError(`label ${JSON.stringify(spec.label)}: give the type code ${JSON.stringify(code)} without whitespace; layout: 'aligned' pads it where the record lies`);
    }
    throw new EncodeError(`label ${JSON.stringify(spec.label)}: unknown type signature ${JSON.stringify(spec.signature)}`);
  }
  const labelOffset = offset + 2;
  const unpaddedSlot0 = labelOffset + labelLength + 2 + spec.signature.length + 1;
  const signatureLength = spec.signature.length + (options.layout === 'aligned' ? signaturePadding(type, unpaddedSlot0) : 0);
  const writeIndexOffset = labelOffset + labelLength + 2 + signatureLength;
  const slot0 = writeIndexOffset + 1;
  return {
    index,
    offset,
    end: offset + recordSize(labelLength, signatureLength, type.size, spec.buffered),
    label: spec.label,
    labelOffset,
    labelLength,
    signature: spec.signature,
    signatureLength,
    type,
    writeIndexOffset,
    buffered: spec.buffered,
    slotOffsets: [slot0, spec.buffered ? slot0 + type.size : slot0],
  };
}

/**
 * Works out where each record goes (SPEC.md §3), and with `options.metadata` the metadata block
 * (SPEC.md §14), without writing anything. Throws `EncodeError` for an empty or oversized label,
 * a duplicate label, an unknown type signature or a bad reserve.
 */
export function layoutRecords(specs: readonly RecordSpec[], options: EncodeOptions = {}): FilePlan {
  const records: RecordLayout[] = [];
  const seen = new Set<string>();
  let offset = 1;
  specs.forEach((spec, index) => {
    // Compare labels as stored: strings differing only in lone surrogates encode to the same bytes.
    const stored = decodeUtf8(utf8.encode(spec.label));
    if (seen.has(stored)) throw new EncodeError(`duplicate label ${JSON.stringify(spec.label)}`);
    seen.add(stored);
    const record = layoutRecord(spec, index, offset, options);
    records.push(record);
    offset = record.end;
  });
  if (options.metadata === undefined) {
    if (options.reserve !== undefined && options.reserve !== 0) throw new EncodeError('a reserve needs a metadata block (the metadata option)');
    return { records, contentSize: offset, fileSize: fileSize(offset, options.pageSize) };
  }
  const reserve = options.reserve ?? 0;
  if (!Number.isSafeInteger(reserve) || reserve < 0) throw new EncodeError(`reserve must be a whole number of bytes, got ${String(reserve)}`);
  const names = new Set<string>();
  const metadataEntries = options.metadata.map((meta) => {
    if (names.has(meta.name)) throw new EncodeError(`family ${JSON.stringify(meta.name)} is described twice`);
    names.add(meta.name);
    return encodeFamilyMeta(meta);
  });
  const metadataBytes = metadataEntries.reduce((sum, entry) => sum + entry.length, 0);
  // The end marker (2 bytes) after the records, then the reserve, the entries and the trailer.
  const size = fileSize(offset + 2 + reserve + metadataBytes + TRAILER_SIZE, options.pageSize);
  if (size > 0xffffffff) throw new EncodeError(`a file with metadata is at most 4 GiB (its offsets are u32); this one needs ${size} bytes`);
  return { records, contentSize: offset, fileSize: size, metadataEntries, metadataStart: size - TRAILER_SIZE - metadataBytes };
}

/** Writes `record`'s bytes for `spec` into `target`: lengths, label, signature, initial value and write-buffer byte. */
export function writeRecord(target: Uint8Array, view: DataView, record: RecordLayout, spec: RecordSpec): void {
  view.setUint16(record.offset, record.labelLength, true);
  utf8.encodeInto(record.label, target.subarray(record.labelOffset, record.labelOffset + record.labelLength));
  const signatureAt = record.labelOffset + record.labelLength;
  view.setUint16(signatureAt, record.signatureLength, true);
  for (let k = 0; k < record.signatureLength; k++) {
    // The signature, then the spaces that align the slots (SPEC.md §4.5), if any.
    target[signatureAt + 2 + k] = k < record.signature.length ? record.signature.charCodeAt(k) : 0x20;
  }
  let writeIndex = record.buffered ? 0 : UNBUFFERED;
  if (spec.initial !== undefined) {
    writeSlot(view, record.slotOffsets[0], record.type, spec.initial);
    if (record.buffered) writeIndex = 1;
  }
  target[record.writeIndexOffset] = writeIndex;
}

/**
 * Writes the version byte and every record of `plan` into `target` (at least `plan.fileSize`
 * bytes, zero-filled): labels, signatures, write-buffer bytes and initial values, and the metadata
 * block with its trailer when the plan has one.
 */
export function writeRecords(target: Uint8Array, plan: FilePlan, specs: readonly RecordSpec[]): void {
  if (target.length < plan.fileSize) {
    throw new EncodeError(`target holds ${target.length} bytes; the file needs ${plan.fileSize}`);
  }
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  target.fill(0, 0, plan.fileSize); // padding and untouched slots must be zero (SPEC.md §5)
  target[0] = FORMAT_VERSION;
  plan.records.forEach((record, i) => writeRecord(target, view, record, specs[i]));
  if (plan.metadataEntries === undefined || plan.metadataStart === undefined) return;
  let at = plan.metadataStart;
  for (const entry of plan.metadataEntries) {
    target.set(entry, at);
    at += entry.length;
  }
  writeTrailer(target, plan.fileSize, plan.contentSize, plan.metadataStart);
}

/** Writes the trailer of a file of `size` bytes (SPEC.md §14.2). */
function writeTrailer(target: Uint8Array, size: number, recordsEnd: number, metadataStart: number): void {
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  const base = size - TRAILER_SIZE;
  view.setUint32(base + TRAILER_RECORDS_END, recordsEnd, true);
  view.setUint32(base + TRAILER_METADATA_START, metadataStart, true);
  view.setUint32(base + 8, 0, true);
  target.set(METADATA_MAGIC, base + 12);
}

/** Lays out `specs` and returns a complete new file image with its plan. */
export function encodeFile(specs: readonly RecordSpec[], options: EncodeOptions = {}): { bytes: Uint8Array; plan: FilePlan } {
  const plan = layoutRecords(specs, options);
  const bytes = new Uint8Array(plan.fileSize);
  writeRecords(bytes, plan, specs);
  return { bytes, plan };
}
