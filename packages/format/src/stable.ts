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
class Copy {
  private dataView: DataView | undefined;

  constructor(
    readonly bytes: Uint8Array,
    readonly base: number,
  ) {}

  /** One DataView per copy, made when a value is first decoded from it. */
  get view(): DataView {
    return (this.dataView ??= toDataView(this.bytes));
  }
}

/**
 * Where each record's current value lay in the latest copy that held it, kept in parallel arrays
 * indexed like `records`: one object per record would cost more than the comparison itself.
 */
interface Candidates {
  readonly copy: Copy[];
  readonly writeIndex: Uint8Array;
  /** Absolute offset of the slot that holds the value (a file may be up to 2^53 bytes). */
  readonly slotAt: Float64Array;
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
  const count = records.length;
  const candidates: Candidates = { copy: new Array<Copy>(count), writeIndex: new Uint8Array(count), slotAt: new Float64Array(count) };
  const accepted = new Array<DecodedRecord | undefined>(count);
  let pending: number[] = new Array<number>(count);
  for (let i = 0; i < count; i++) pending[i] = i;
  let copies = 0;
  if (first) {
    const copy = new Copy(first, 0);
    copies = 1;
    for (let i = 0; i < count; i++) locate(candidates, i, copy, records[i], options);
  }
  let acceptedCount = 0;
  while (pending.length > 0 && copies < maxCopies) {
    const copy = copySpan(readAt, records, pending, options);
    const firstOfRecords = copies === 0;
    copies++;
    const changed: number[] = [];
    for (let p = 0; p < pending.length; p++) {
      const i = pending[p];
      const record = records[i];
      const earlier = candidates.copy[i];
      const earlierSlotAt = candidates.slotAt[i];
      const earlierWriteIndex = candidates.writeIndex[i];
      locate(candidates, i, copy, record, options); // checks the write-buffer byte of every copy
      if (!firstOfRecords && sameValueBytes(earlier, earlierSlotAt, copy, record)) {
        accepted[i] = decodeCandidate(earlier, earlierWriteIndex, earlierSlotAt, record);
        acceptedCount++;
      } else {
        changed.push(i);
      }
    }
    pending = changed;
  }
  const stable: DecodedRecord[] = new Array<DecodedRecord>(acceptedCount);
  let k = 0;
  for (let i = 0; i < count; i++) {
    const record = accepted[i];
    if (record !== undefined) stable[k++] = record;
  }
  return { records: stable, unstable: pending.map((i) => records[i]), copies };
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
  for (let p = 0; p < pending.length; p++) {
    const record = records[pending[p]];
    if (record.writeIndexOffset < start) start = record.writeIndexOffset;
    if (record.end > end) end = record.end;
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
  return new Copy(bytes, start);
}

/**
 * Makes the slot holding `record`'s current value in `copy` (SPEC.md §4.4) candidate `i`, after
 * checking its write-buffer byte.
 */
function locate(candidates: Candidates, i: number, copy: Copy, record: RecordLayout, options: DecodeOptions): void {
  const writeIndex = copy.bytes[record.writeIndexOffset - copy.base];
  let slotAt: number;
  if (record.buffered) {
    if (writeIndex > 1) badWriteIndex(record, writeIndex, options);
    slotAt = record.slotOffsets[writeIndex ^ 1];
  } else {
    if (writeIndex !== UNBUFFERED) badWriteIndex(record, writeIndex, options);
    slotAt = record.slotOffsets[0];
  }
  candidates.copy[i] = copy;
  candidates.writeIndex[i] = writeIndex;
  candidates.slotAt[i] = slotAt;
}

function badWriteIndex(record: RecordLayout, writeIndex: number, options: DecodeOptions): never {
  const hex = (n: number) => '0x' + n.toString(16).padStart(2, '0');
  throw new DecodeError(
    `record ${JSON.stringify(record.label)}: write-buffer byte is ${hex(writeIndex)}, expected ${record.buffered ? '0x00 or 0x01' : '0xff'}`,
    { offset: record.writeIndexOffset, recordIndex: record.index, path: options.path },
  );
}

/**
 * Whether `later` holds, at `slotAt`, the bytes that make the value `earlier` holds there: the
 * whole slot for numbers, the bytes up to and including the first NUL for strings (stale bytes
 * after it are not part of the value and may change freely, SPEC.md §8.2).
 */
function sameValueBytes(earlier: Copy, slotAt: number, later: Copy, record: RecordLayout): boolean {
  const a = earlier.bytes;
  const b = later.bytes;
  const from = slotAt - earlier.base;
  const to = slotAt - later.base;
  const length = record.type.size;
  if (record.type.kind === 'string') {
    for (let k = 0; k < length; k++) {
      const byte = a[from + k];
      if (byte !== b[to + k]) return false;
      if (byte === 0) return true;
    }
    return true;
  }
  for (let k = 0; k < length; k++) {
    if (a[from + k] !== b[to + k]) return false;
  }
  return true;
}

function decodeCandidate(copy: Copy, writeIndex: number, slotAt: number, record: RecordLayout): DecodedRecord {
  const view = copy.view;
  const base = copy.base;
  const value = readSlot(view, slotAt - base, record.type);
  let slots: StatValue[];
  if (!record.buffered) slots = [value];
  else if (slotAt === record.slotOffsets[0]) slots = [value, readSlot(view, record.slotOffsets[1] - base, record.type)];
  else slots = [readSlot(view, record.slotOffsets[0] - base, record.type), value];
  return { label: record.label, signature: record.signature, value, writeIndex, slots, layout: record };
}
