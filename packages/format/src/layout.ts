import { DEFAULT_PAGE_SIZE } from './constants';
import type { TypeInfo } from './types';

/**
 * Where everything of one record lies in a file (SPEC.md §3). Offsets are absolute byte offsets
 * from the start of the file. An unbuffered record has one slot: `slotOffsets[0] === slotOffsets[1]`.
 */
export interface RecordLayout {
  /** Zero-based position of the record in the file. */
  readonly index: number;
  /** Offset of the record's first byte (its label length). */
  readonly offset: number;
  /** Offset just past the record's last byte. */
  readonly end: number;
  readonly label: string;
  readonly labelOffset: number;
  readonly labelLength: number;
  /** The type signature without its padding, such as `Q` or `16s`. */
  readonly signature: string;
  /**
   * Bytes the signature takes in the file: the signature, plus the whitespace a writer padded it
   * with to align the slots (SPEC.md §4.5).
   */
  readonly signatureLength: number;
  readonly type: TypeInfo;
  /** Offset of the write-buffer byte: 0 or 1 for buffered records, 0xff for unbuffered ones. */
  readonly writeIndexOffset: number;
  readonly buffered: boolean;
  /** Offsets of slot 0 and slot 1 (the same offset twice when unbuffered). */
  readonly slotOffsets: readonly [number, number];
}

/** Bytes taken by one record: 2 + label + 2 + signature + 1 + slot size × (2 if buffered, else 1). */
export function recordSize(labelBytes: number, signatureBytes: number, slotSize: number, buffered: boolean): number {
  return 2 + labelBytes + 2 + signatureBytes + 1 + slotSize * (buffered ? 2 : 1);
}

/**
 * Size of a file whose version byte and records take `contentBytes`: one page if they fit in one,
 * else rounded up to whole pages, as the original mmstats sized its files (SPEC.md §5).
 */
export function fileSize(contentBytes: number, pageSize: number = DEFAULT_PAGE_SIZE): number {
  if (contentBytes <= pageSize) return pageSize;
  return Math.ceil(contentBytes / pageSize) * pageSize;
}
