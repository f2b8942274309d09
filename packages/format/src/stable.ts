// The read protocol of SPEC.md §8.3: a value is returned only once two copies of its slot, made by
// separate reads, hold the same bytes. A single copy can be torn (§8.1), and a 1-bit write index
// cannot tell a reader overtaken by two publications from one overtaken by none.
import { UNBUFFERED } from './constants';
import { decodeLayout, toDataView, type DecodedRecord, type DecodeOptions } from './decode';
import { DecodeError } from './errors';
import type { RecordLayout } from './layout';
import { readSlot, type StatValue } from './types';

/**
 * Copies `length` bytes of the file starting at byte `offset` into new memory and returns them
 * (fewer only at the end of the file). Every call must make a fresh copy: a view of live memory
 * would compare equal to itself and defeat the protocol.
 */
export type ReadAt = (offset: number, length: number) => Uint8Array;

/** Default of `StableReadOptions.maxCopies`. */
export const DEFAULT_MAX_COPIES = 16;

/** Options of `readStableRecords` and `readStableFile`. */
export interface StableReadOptions extends DecodeOptions {
  /**
   * Most copies of a record's value to make, the first included, before reporting it unstable.
   * At least 2. Defaults to 16.
   */
  readonly maxCopies?: number;
}

/** What a stable read found. */
export interface StableRead {
  /** The records whose value was confirmed by two identical copies, in the order asked for. */
  readonly records: DecodedRecord[];
  /** The records whose value differed between every two successive copies: no value is given for them. */
  readonly unstable: RecordLayout[];
  /** How many reads were made, the first whole-file copy included. */
  readonly copies: number;
}

/** Bytes read from `base` on: one copy of part of the file. */
interface Copy {
  readonly bytes: Uint8Array;
  readonly base: number;
}

/** Where a record's current value lay in the latest copy that held it. */
interface Candidate {
  readonly copy: Copy;
  readonly writeIndex: number;
  /** Absolute offset of the slot that holds the value. */
  readonly slotAt: number;
}

/**
 * Reads the current values of `records` (layouts decoded earlier from the same file) through
 * `readAt`, by the stable read protocol of SPEC.md §8.3: each record's current slot is accepted
 * only when a later copy holds the same bytes at the same place; records that still differ are
 * copied again (only they), up to `maxCopies` copies. Records that never agree are returned in
 * `unstable`, never with a value. `first` is an earlier copy of the whole file, when the caller
 * has one (it counts as the first copy).
 *
 * Throws `DecodeError` when the file shrank below a record or a write-buffer byte is invalid.
 */
export function readStableRecords(
  readAt: ReadAt,
  records: readonly RecordLayout[],
  options: StableReadOptions = {},
  first?: Uint8Array,
): StableRead {
  const maxCopies = checkMaxCopies(options.maxCopies);
  const candidates = new Array<Candidate | undefined>(records.length);
  const accepted = new Array<DecodedRecord | undefined>(records.length);
  let pending = records.map((_, i) => i);
  let copies = 0;
  if (first) {
    const copy = { bytes: first, base: 0 };
    copies = 1;
    for (const i of pending) candidates[i] = locate(copy, records[i], options);
  }
  while (pending.length > 0 && copies < maxCopies) {
    const copy = copySpan(readAt, records, pending, options);
    copies++;
    const changed: number[] = [];
    for (const i of pending) {
      const record = records[i];
      const candidate = candidates[i];
      const located = locate(copy, record, options); // checks the write-buffer byte of every copy
      if (candidate && sameValueBytes(candidate, copy, record)) {
        accepted[i] = decodeCandidate(candidate, record);
      } else {
        candidates[i] = located;
        changed.push(i);
      }
    }
    pending = changed;
  }
  return {
    records: accepted.filter((record): record is DecodedRecord => record !== undefined),
    unstable: pending.map((i) => records[i]),
    copies,
  };
}

/**
 * Reads a whole file of `size` bytes by the stable read protocol (SPEC.md §8.3): one copy of the
 * file gives the layout (`decodeLayout`), then `readStableRecords` confirms every value. This is
 * how our tools read a file that a writer may be updating.
 */
export function readStableFile(readAt: ReadAt, size: number, options: StableReadOptions = {}): StableRead & { layout: RecordLayout[] } {
  checkMaxCopies(options.maxCopies);
  const first = readAt(0, size);
  const layout = decodeLayout(first, options);
  return { ...readStableRecords(readAt, layout, options, first), layout };
}

function checkMaxCopies(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_COPIES;
  if (!Number.isInteger(value) || value < 2) throw new RangeError(`maxCopies must be a whole number of at least 2, got ${String(value)}`);
  return value;
}

/** One read covering the value bytes (write-buffer byte and slots) of every pending record. */
function copySpan(readAt: ReadAt, records: readonly RecordLayout[], pending: readonly number[], options: DecodeOptions): Copy {
  let start = Infinity;
  let end = 0;
  for (const i of pending) {
    start = Math.min(start, records[i].writeIndexOffset);
    end = Math.max(end, records[i].end);
  }
  const bytes = readAt(start, end - start);
  if (bytes.length < end - start) {
    const short = pending.map((i) => records[i]).find((record) => record.end > start + bytes.length)!;
    throw new DecodeError(`record ${JSON.stringify(short.label)} ends at ${short.end} but the file now ends at ${start + bytes.length}: the file shrank`, {
      offset: short.offset,
      recordIndex: short.index,
      path: options.path,
    });
  }
  return { bytes, base: start };
}

/** The slot holding `record`'s current value in `copy` (SPEC.md §4.4), after checking its write-buffer byte. */
function locate(copy: Copy, record: RecordLayout, options: DecodeOptions): Candidate {
  const writeIndex = copy.bytes[record.writeIndexOffset - copy.base];
  const expected = record.buffered ? writeIndex === 0 || writeIndex === 1 : writeIndex === UNBUFFERED;
  if (!expected) {
    const hex = (n: number) => '0x' + n.toString(16).padStart(2, '0');
    throw new DecodeError(
      `record ${JSON.stringify(record.label)}: write-buffer byte is ${hex(writeIndex)}, expected ${record.buffered ? '0x00 or 0x01' : '0xff'}`,
      { offset: record.writeIndexOffset, recordIndex: record.index, path: options.path },
    );
  }
  const slotAt = record.buffered ? record.slotOffsets[writeIndex ^ 1] : record.slotOffsets[0];
  return { copy, writeIndex, slotAt };
}

/**
 * Whether `later` holds, at the candidate's slot, the bytes that make its value: the whole slot
 * for numbers, the bytes up to and including the first NUL for strings (stale bytes after it are
 * not part of the value and may change freely, SPEC.md §8.2).
 */
function sameValueBytes(candidate: Candidate, later: Copy, record: RecordLayout): boolean {
  const earlier = candidate.copy;
  const from = candidate.slotAt - earlier.base;
  const to = candidate.slotAt - later.base;
  let length = record.type.size;
  if (record.type.kind === 'string') {
    const nul = earlier.bytes.subarray(from, from + length).indexOf(0);
    if (nul !== -1) length = nul + 1;
  }
  for (let k = 0; k < length; k++) {
    if (earlier.bytes[from + k] !== later.bytes[to + k]) return false;
  }
  return true;
}

function decodeCandidate(candidate: Candidate, record: RecordLayout): DecodedRecord {
  const { copy, writeIndex, slotAt } = candidate;
  const view = toDataView(copy.bytes);
  const value = readSlot(view, slotAt - copy.base, record.type);
  const slots: StatValue[] = record.buffered
    ? record.slotOffsets.map((at) => (at === slotAt ? value : readSlot(view, at - copy.base, record.type)))
    : [value];
  return { label: record.label, signature: record.signature, value, writeIndex, slots, layout: record };
}
