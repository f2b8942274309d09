import { FORMAT_VERSION, MAX_LABEL_BYTES, UNBUFFERED } from './constants';
import { EncodeError } from './errors';
import { fileSize, recordSize, type RecordLayout } from './layout';
import { decodeUtf8, parseTypeSignature, writeSlot, type StatValue } from './types';

/** One record to lay out: what the writer declares for each field. */
export interface RecordSpec {
  /** The full label (any prefix included), 1 to 65,535 bytes of UTF-8. */
  readonly label: string;
  /** A type signature that `parseTypeSignature` accepts. */
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
}

/** The planned file: every record's offsets, the bytes they take and the file size. */
export interface FilePlan {
  readonly records: readonly RecordLayout[];
  /** Bytes used by the version byte and the records. */
  readonly contentSize: number;
  /** The file's size: `contentSize` rounded up to whole pages, at least one page. */
  readonly fileSize: number;
}

const utf8 = new TextEncoder();

// Read for old files only (SPEC.md §4.1): their width depended on the writer's platform.
const LEGACY_SIGNATURES = new Set(['L', 'l']);

/**
 * Works out where each record goes (SPEC.md §3) without writing anything. Throws `EncodeError`
 * for an empty or oversized label, a duplicate label or an unknown type signature.
 */
export function layoutRecords(specs: readonly RecordSpec[], options: EncodeOptions = {}): FilePlan {
  const records: RecordLayout[] = [];
  const seen = new Set<string>();
  let offset = 1;
  specs.forEach((spec, index) => {
    const labelBytes = utf8.encode(spec.label);
    const labelLength = labelBytes.length;
    if (labelLength === 0) throw new EncodeError(`record ${index}: a label cannot be empty`);
    if (labelLength > MAX_LABEL_BYTES) {
      throw new EncodeError(
        `label ${JSON.stringify(spec.label.slice(0, 40))}… is ${labelLength} bytes; at most ${MAX_LABEL_BYTES} fit`,
      );
    }
    // Compare labels as stored: strings differing only in lone surrogates encode to the same bytes.
    const stored = decodeUtf8(labelBytes);
    if (seen.has(stored)) throw new EncodeError(`duplicate label ${JSON.stringify(spec.label)}`);
    seen.add(stored);
    const type = parseTypeSignature(spec.signature);
    if (type && !options.allowLegacySignatures && LEGACY_SIGNATURES.has(spec.signature)) {
      throw new EncodeError(`label ${JSON.stringify(spec.label)}: ${spec.signature} is a legacy signature readers accept; write Q or q instead`);
    }
    if (!type) throw new EncodeError(`label ${JSON.stringify(spec.label)}: unknown type signature ${JSON.stringify(spec.signature)}`);
    const signatureLength = spec.signature.length;
    const labelOffset = offset + 2;
    const writeIndexOffset = labelOffset + labelLength + 2 + signatureLength;
    const slot0 = writeIndexOffset + 1;
    const end = offset + recordSize(labelLength, signatureLength, type.size, spec.buffered);
    records.push({
      index,
      offset,
      end,
      label: spec.label,
      labelOffset,
      labelLength,
      signature: spec.signature,
      type,
      writeIndexOffset,
      buffered: spec.buffered,
      slotOffsets: [slot0, spec.buffered ? slot0 + type.size : slot0],
    });
    offset = end;
  });
  return { records, contentSize: offset, fileSize: fileSize(offset, options.pageSize) };
}

/**
 * Writes the version byte and every record of `plan` into `target` (at least `plan.fileSize`
 * bytes, zero-filled): labels, signatures, write-buffer bytes and initial values.
 */
export function writeRecords(target: Uint8Array, plan: FilePlan, specs: readonly RecordSpec[]): void {
  if (target.length < plan.fileSize) {
    throw new EncodeError(`target holds ${target.length} bytes; the file needs ${plan.fileSize}`);
  }
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  target.fill(0, 0, plan.fileSize); // padding and untouched slots must be zero (SPEC.md §5)
  target[0] = FORMAT_VERSION;
  plan.records.forEach((record, i) => {
    const spec = specs[i];
    view.setUint16(record.offset, record.labelLength, true);
    utf8.encodeInto(record.label, target.subarray(record.labelOffset, record.labelOffset + record.labelLength));
    const signatureAt = record.labelOffset + record.labelLength;
    view.setUint16(signatureAt, record.signature.length, true);
    for (let k = 0; k < record.signature.length; k++) target[signatureAt + 2 + k] = record.signature.charCodeAt(k);
    let writeIndex = record.buffered ? 0 : UNBUFFERED;
    if (spec.initial !== undefined) {
      writeSlot(view, record.slotOffsets[0], record.type, spec.initial);
      if (record.buffered) writeIndex = 1;
    }
    target[record.writeIndexOffset] = writeIndex;
  });
}

/** Lays out `specs` and returns a complete new file image with its plan. */
export function encodeFile(specs: readonly RecordSpec[], options: EncodeOptions = {}): { bytes: Uint8Array; plan: FilePlan } {
  const plan = layoutRecords(specs, options);
  const bytes = new Uint8Array(plan.fileSize);
  writeRecords(bytes, plan, specs);
  return { bytes, plan };
}
