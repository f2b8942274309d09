// The read protocol of SPEC.md §8.3: a value is returned only once two copies of its slot, made by
// separate reads, hold the same bytes. A single copy can be torn (§8.1), and a 1-bit write index
// cannot tell a reader overtaken by two publications from one overtaken by none.
import { UNBUFFERED } from './constants';
import { checkVersion, decodeLayout, toDataView, type DecodedRecord, type DecodeOptions } from './decode';
import { DecodeError } from './errors';
import type { RecordLayout } from './layout';
import { decodeMetadata, decodeTrailer, TRAILER_SIZE, type FileMetadata, type Trailer } from './meta';
import { readSlot, type StatValue, type TypeInfo } from './types';

/**
 * Copies `length` bytes of the file starting at byte `offset` into new memory and returns them
 * (fewer only at the end of the file). Every call must make a fresh copy: a view of live memory
 * would compare equal to itself and defeat the protocol.
 */
export type ReadAt = (offset: number, length: number) => Uint8Array;

/** Default of `StableReadOptions.maxCopies`. */
export const DEFAULT_MAX_COPIES = 16;

/** Default of `StableReadOptions.patientCopies`. */
export const DEFAULT_PATIENT_COPIES = 4096;

/** Options of `readStableRecords` and `readStableFile`. */
export interface StableReadOptions extends DecodeOptions {
  /**
   * Most copies of a record's value to make, the first included, before reporting it unstable.
   * At least 2. Defaults to 16.
   */
  readonly maxCopies?: number;
  /**
   * Copies made afterwards of each record still unstable, that record alone (its write-buffer
   * byte and slots, a few bytes), until two successive copies agree, at most this many for the
   * whole read. A value written in a tight loop can only be confirmed while its writer is not
   * running between two copies (descheduled, or taken by an interrupt): many small copies spread
   * over a few milliseconds catch such a moment on most reads. 0 turns this off. Defaults to
   * `DEFAULT_PATIENT_COPIES`.
   */
  readonly patientCopies?: number;
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
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly base: number,
  ) {
    this.view = toDataView(bytes);
  }

  /** The write-buffer byte of `record` in this copy. */
  writeIndexOf(record: RecordLayout): number {
    return this.bytes[record.writeIndexOffset - this.base];
  }
}

/**
 * A record whose value two copies confirmed. Readers of a snapshot want only `value`, so `slots`
 * (the raw double-buffer state) is decoded from the same copy only when asked for: decoding both
 * slots of every record was a seventh of a warm snapshot's CPU profile.
 */
class ConfirmedRecord implements DecodedRecord {
  readonly label: string;
  readonly signature: string;
  // Not enumerable: a record compares and serialises like `decodeFile`'s, without its copy.
  #copy: Copy;
  #slots: readonly StatValue[] | undefined;

  constructor(
    readonly layout: RecordLayout,
    readonly value: StatValue,
    readonly writeIndex: number,
    copy: Copy,
  ) {
    this.label = layout.label;
    this.signature = layout.signature;
    this.#copy = copy;
  }

  get slots(): readonly StatValue[] {
    return (this.#slots ??= decodeSlots(this.#copy, this.layout));
  }
}

function decodeSlots(copy: Copy, record: RecordLayout): StatValue[] {
  const first = readSlot(copy.view, record.slotOffsets[0] - copy.base, record.type);
  return record.buffered ? [first, readSlot(copy.view, record.slotOffsets[1] - copy.base, record.type)] : [first];
}

/**
 * Reads the current values of `records` (layouts decoded earlier from the same file) through
 * `readAt`, by the stable read protocol of SPEC.md §8.3: each record's current slot is accepted
 * only when a later copy holds the same bytes at the same place; records that still differ are
 * copied again (only they), up to `maxCopies` copies, then each one still changing alone, up to
 * `patientCopies` more copies in all. Records that never agree are returned in `unstable`, never
 * with a value. `first` is an earlier copy of the whole file, when the caller
 * has one (it counts as the first copy). A returned record decodes its `slots` on first use,
 * from the copy its value came from.
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
  const patientCopies = checkPatientCopies(options.patientCopies);
  const count = records.length;
  const accepted = new Array<DecodedRecord | undefined>(count);
  // Indices of the records not yet accepted; undefined while that is all of them.
  let pending: number[] | undefined;
  // Every pending record's candidate lies in the latest copy: each copy covers all pending records.
  let previous: Copy | undefined;
  let copies = 0;
  if (first !== undefined) {
    previous = new Copy(first, 0);
    copies = 1;
    checkWriteIndexes(previous, records, undefined, options);
  }
  while ((pending === undefined ? count : pending.length) > 0 && copies < maxCopies) {
    const copy = copySpan(readAt, records, pending, options);
    copies++;
    if (previous === undefined) checkWriteIndexes(copy, records, pending, options);
    else pending = confirm(previous, copy, records, pending, accepted, options);
    previous = copy;
  }
  if (pending !== undefined && pending.length > 0 && previous !== undefined) {
    const patient = confirmPatiently(readAt, records, pending, accepted, patientCopies, options);
    pending = patient.pending;
    copies += patient.copies;
  }
  const unstable = pending === undefined ? records.slice() : pending.map((i) => records[i]);
  const acceptedCount = count - unstable.length;
  return { records: acceptedCount === count ? (accepted as DecodedRecord[]) : confirmedOnly(accepted, acceptedCount), unstable, copies };
}

/** Checks the write-buffer byte of every pending record (all when `pending` is undefined) in `copy`. */
function checkWriteIndexes(copy: Copy, records: readonly RecordLayout[], pending: readonly number[] | undefined, options: DecodeOptions): void {
  const n = pending === undefined ? records.length : pending.length;
  for (let p = 0; p < n; p++) currentSlotAt(copy, records[pending === undefined ? p : pending[p]], options);
}

/**
 * Step 3 of SPEC.md §8.3 for the `pending` records (indices into `records`) with the newest copy
 * `later` and the copy before it: puts each record whose value bytes agree into `accepted`,
 * with its value decoded from `earlier`, and returns the others.
 */
function confirm(
  earlier: Copy,
  later: Copy,
  records: readonly RecordLayout[],
  pending: readonly number[] | undefined,
  accepted: Array<DecodedRecord | undefined>,
  options: DecodeOptions,
): number[] {
  const changed: number[] = [];
  const earlierBytes = earlier.bytes;
  const earlierBase = earlier.base;
  const laterBase = later.base;
  const n = pending === undefined ? records.length : pending.length;
  for (let p = 0; p < n; p++) {
    const i = pending === undefined ? p : pending[p];
    const record = records[i];
    currentSlotAt(later, record, options); // checks the write-buffer byte of every copy
    // `earlier`'s write-buffer byte was checked when it was the newest copy.
    const writeIndex = earlierBytes[record.writeIndexOffset - earlierBase];
    const slotAt = record.buffered ? record.slotOffsets[writeIndex ^ 1] : record.slotOffsets[0];
    if (sameValueBytes(earlier, slotAt - earlierBase, later, slotAt - laterBase, record.type)) {
      const value = readSlot(earlier.view, slotAt - earlierBase, record.type);
      accepted[i] = new ConfirmedRecord(record, value, writeIndex, earlier);
    } else {
      changed.push(i);
    }
  }
  return changed;
}

/**
 * Step 5 of SPEC.md §8.3: copies each `pending` record alone, again and again, until two
 * successive copies agree (then it goes into `accepted`) or `budget` copies were made in all.
 * Returns the records still pending and the copies made.
 */
function confirmPatiently(
  readAt: ReadAt,
  records: readonly RecordLayout[],
  pending: readonly number[],
  accepted: Array<DecodedRecord | undefined>,
  budget: number,
  options: DecodeOptions,
): { pending: number[]; copies: number } {
  const still: number[] = [];
  let copies = 0;
  for (const i of pending) {
    const alone = [i];
    let earlier: Copy | undefined;
    let confirmed = false;
    while (!confirmed && copies < budget) {
      const later = copySpan(readAt, records, alone, options);
      copies++;
      if (earlier === undefined) checkWriteIndexes(later, records, alone, options);
      else confirmed = confirm(earlier, later, records, alone, accepted, options).length === 0;
      earlier = later;
    }
    if (!confirmed) still.push(i);
  }
  return { pending: still, copies };
}

function confirmedOnly(accepted: ReadonlyArray<DecodedRecord | undefined>, acceptedCount: number): DecodedRecord[] {
  const confirmed = new Array<DecodedRecord>(acceptedCount);
  let k = 0;
  for (const record of accepted) if (record !== undefined) confirmed[k++] = record;
  return confirmed;
}

/**
 * Reads a whole file of `size` bytes by the stable read protocol (SPEC.md §8.3): the metadata
 * trailer first, with its own read (SPEC.md §14.5), then one copy of the file gives the layout
 * (`decodeLayout`) and the metadata (`decodeMetadata`), then `readStableRecords` confirms every
 * value. This is how our tools read a file that a writer may be updating.
 */
export function readStableFile(readAt: ReadAt, size: number, options: StableReadOptions = {}): StableRead & { layout: RecordLayout[]; metadata: FileMetadata | undefined } {
  checkMaxCopies(options.maxCopies);
  checkPatientCopies(options.patientCopies);
  const tail = readTrailerBytes(readAt, size);
  const first = readAt(0, size);
  const { layout, metadata } = decodeCopy(first, trailerForCopy(tail, first, size, options.path), options);
  return { ...readStableRecords(readAt, layout, options, first), layout, metadata };
}

/** What `decodeCopy` finds in a copy of a whole file. */
export interface DecodedCopy {
  readonly layout: RecordLayout[];
  readonly metadata: FileMetadata | undefined;
}

/**
 * Decodes `first`, a copy of a whole file, by its `trailer` (`trailerForCopy`, which checked the
 * version byte and the trailer first): the records up to the trailer's records end, then the
 * metadata entries, in the order of checks of SPEC.md §14.2. Throws `DecodeError`.
 */
export function decodeCopy(first: Uint8Array, trailer: Trailer | null, options: DecodeOptions = {}): DecodedCopy {
  return { layout: decodeLayout(first, { ...options, trailer }), metadata: decodeMetadata(first, options.path, trailer) };
}

/**
 * The last `TRAILER_SIZE` bytes of a file of `size` bytes, read on their own (SPEC.md §14.5: a
 * reader of copies reads the trailer before the records), or undefined for a file too small to
 * have one. Pass them to `decodeTrailer(bytes, size)`.
 */
export function readTrailerBytes(readAt: ReadAt, size: number): Uint8Array | undefined {
  if (size <= TRAILER_SIZE) return undefined;
  const tail = readAt(size - TRAILER_SIZE, TRAILER_SIZE);
  return tail.length === TRAILER_SIZE ? tail : undefined;
}

/**
 * The trailer to walk `first`, a copy of a whole file of `size` bytes made after `tail` was read
 * (`readTrailerBytes`), by: the one of `tail`, or null for a file without metadata. A file that
 * changed size between the two reads is judged by its copy alone. Checks the version byte first,
 * then the trailer (SPEC.md §14.2, order of checks): throws `DecodeError` for either.
 */
export function trailerForCopy(tail: Uint8Array | undefined, first: Uint8Array, size: number, path?: string): Trailer | null {
  checkVersion(first, path);
  const trailer = tail !== undefined && first.length === size ? decodeTrailer(tail, size, path) : decodeTrailer(first, first.length, path);
  return trailer ?? null;
}

function checkPatientCopies(value: number | undefined): number {
  if (value === undefined) return DEFAULT_PATIENT_COPIES;
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`patientCopies must be a whole number of at least 0, got ${String(value)}`);
  return value;
}

function checkMaxCopies(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_COPIES;
  if (!Number.isInteger(value) || value < 2) throw new RangeError(`maxCopies must be a whole number of at least 2, got ${String(value)}`);
  return value;
}

/** One read covering the value bytes (write-buffer byte and slots) of every pending record. */
function copySpan(readAt: ReadAt, records: readonly RecordLayout[], pending: readonly number[] | undefined, options: DecodeOptions): Copy {
  let start = Infinity;
  let end = 0;
  const n = pending === undefined ? records.length : pending.length;
  for (let p = 0; p < n; p++) {
    const record = records[pending === undefined ? p : pending[p]];
    if (record.writeIndexOffset < start) start = record.writeIndexOffset;
    if (record.end > end) end = record.end;
  }
  const bytes = readAt(start, end - start);
  if (bytes.length < end - start) {
    const copied = pending === undefined ? records : pending.map((i) => records[i]);
    const short = copied.find((record) => record.end > start + bytes.length)!;
    throw new DecodeError(`record ${JSON.stringify(short.label)} ends at ${short.end} but the file now ends at ${start + bytes.length}: the file shrank`, {
      offset: short.offset,
      recordIndex: short.index,
      path: options.path,
    });
  }
  return new Copy(bytes, start);
}

/**
 * Where `record`'s current value lies in `copy` (SPEC.md §4.4): its absolute offset, after
 * checking the write-buffer byte.
 */
function currentSlotAt(copy: Copy, record: RecordLayout, options: DecodeOptions): number {
  const writeIndex = copy.writeIndexOf(record);
  if (record.buffered) {
    if (writeIndex > 1) badWriteIndex(record, writeIndex, options);
    return record.slotOffsets[writeIndex ^ 1];
  }
  if (writeIndex !== UNBUFFERED) badWriteIndex(record, writeIndex, options);
  return record.slotOffsets[0];
}

function badWriteIndex(record: RecordLayout, writeIndex: number, options: DecodeOptions): never {
  const hex = (n: number) => '0x' + n.toString(16).padStart(2, '0');
  throw new DecodeError(
    `record ${JSON.stringify(record.label)}: write-buffer byte is ${hex(writeIndex)}, expected ${record.buffered ? '0x00 or 0x01' : '0xff'}`,
    { offset: record.writeIndexOffset, recordIndex: record.index, path: options.path },
  );
}

/**
 * Whether `b` holds at `to` the bytes that make the value `a` holds at `from`: the whole slot
 * for numbers, the bytes up to and including the first NUL for strings (stale bytes after it are
 * not part of the value and may change freely, SPEC.md §8.2).
 */
function sameValueBytes(a: Copy, from: number, b: Copy, to: number, type: TypeInfo): boolean {
  if (type.kind === 'string') return sameStringBytes(a.bytes, from, b.bytes, to, type.size);
  // Numbers are compared a word at a time: a fifth faster than byte by byte over 1,000 records.
  const x = a.view;
  const y = b.view;
  switch (type.size) {
    case 8:
      return x.getInt32(from, true) === y.getInt32(to, true) && x.getInt32(from + 4, true) === y.getInt32(to + 4, true);
    case 4:
      return x.getInt32(from, true) === y.getInt32(to, true);
    case 2:
      return x.getUint16(from, true) === y.getUint16(to, true);
    default:
      return x.getUint8(from) === y.getUint8(to);
  }
}

/** Whether two string slots agree up to and including the first NUL (all `size` bytes if none). */
function sameStringBytes(a: Uint8Array, from: number, b: Uint8Array, to: number, size: number): boolean {
  for (let k = 0; k < size; k++) {
    const byte = a[from + k];
    if (byte !== b[to + k]) return false;
    if (byte === 0) return true;
  }
  return true;
}
