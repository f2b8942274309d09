// Storage cells: one class per way of storing a value, so that every call site that writes a
// field sees a single hidden class (monomorphic) and the JIT can inline the store.
//
// Buffered cells follow the write protocol of SPEC.md §7: store the value into slot[wb], then flip
// the write-buffer byte. `wb` is shadowed in a JS field so a write never reads the mapping. Reads
// of a cell's own value (`get`) are not on the hot path and go through the format codec.
import { readValue, type RecordLayout, type StatValue } from '@mmstats/format';
import type { Bound, Memory } from './memory';

const TWO_TO_MINUS_32 = 2 ** -32;

// Instance fields on the write path are `declare`d and assigned in the constructor: a plain class
// field (`wb: number;`) is first defined as undefined, so V8 gives it the representation "any
// tagged value" and every write then checks that `wb` and `slot0` are small integers and that
// `view` and `bytes` still have their map; worse, a field that later holds a double is stored as a
// new heap number on every write. Declared this way, the first store fixes the representation
// (Smi, double, or an object of one map) and the optimised write has no such checks.

/** @internal Shared by every cell: the memory it writes and the record it serves. */
export abstract class Cell implements Bound {
  protected declare view: DataView;
  protected declare bytes: Uint8Array;
  protected declare readonly record: RecordLayout;

  constructor(memory: Memory, record: RecordLayout) {
    this.view = memory.view;
    this.bytes = memory.bytes;
    this.record = record;
  }

  rebind(memory: Memory): void {
    this.view = memory.view;
    this.bytes = memory.bytes;
  }

  get(): StatValue {
    return readValue(this.view, this.record);
  }

  /** The record's label, for error messages. */
  get label(): string {
    return this.record.label;
  }
}

/**
 * A buffered record's cell. The slot to write is `slot0 + wb × size`, computed without a branch:
 * with a conditional (`wb === 0 ? slot0 : slot1`) V8 boxed the stored double into a fresh heap
 * number on every write (measured: 8 ns and a garbage collection every few milliseconds, against
 * 2.5 ns and none), so each subclass shifts `wb` by its slot size instead.
 */
/** @internal A record with two slots and a write index (SPEC.md §7.2); slot 1 follows slot 0. */
export abstract class BufferedCell extends Cell {
  protected declare readonly slot0: number;
  protected declare readonly wbAt: number;
  protected declare wb: number;

  constructor(memory: Memory, record: RecordLayout) {
    super(memory, record);
    this.slot0 = record.slotOffsets[0];
    this.wbAt = record.writeIndexOffset;
    this.wb = memory.bytes[record.writeIndexOffset];
  }
}

/** `d`, buffered: doubles, and the published value of averages and timers. */
export class DoubleCell extends BufferedCell {
  set(value: number): void {
    const wb = this.wb;
    this.wb = wb ^ 1;
    const view = this.view;
    view.setFloat64(this.slot0 + (wb << 3), value, true);
    view.setUint8(this.wbAt, wb ^ 1); // after the value: a reader switches slots only once it is whole
  }
}

/** `f`, buffered. */
export class FloatCell extends BufferedCell {
  set(value: number): void {
    const wb = this.wb;
    this.wb = wb ^ 1;
    const view = this.view;
    view.setFloat32(this.slot0 + (wb << 2), value, true);
    view.setUint8(this.wbAt, wb ^ 1);
  }
}

/** `I` and `i`, buffered: both store the same 32 bits (DataView wraps modulo 2^32; NaN stores 0). */
export class Int32Cell extends BufferedCell {
  set(value: number): void {
    const wb = this.wb;
    this.wb = wb ^ 1;
    const view = this.view;
    view.setInt32(this.slot0 + (wb << 2), value, true);
    view.setUint8(this.wbAt, wb ^ 1);
  }
}

/** `H` and `h`, buffered: both store the same 16 bits. */
export class Int16Cell extends BufferedCell {
  set(value: number): void {
    const wb = this.wb;
    this.wb = wb ^ 1;
    const view = this.view;
    view.setInt16(this.slot0 + (wb << 1), value, true);
    view.setUint8(this.wbAt, wb ^ 1);
  }
}

/**
 * @internal Stores a number as a little-endian u64 at `at`, as two 32-bit halves (no BigInt on the
 * hot path): exact up to 2^53, wrapped modulo 2^64 (so -1 stores 2^64 - 1), the fraction dropped.
 * Small enough for V8 to inline into every caller.
 */
export function storeUInt64(view: DataView, at: number, value: number): void {
  const low = value >>> 0; // ToUint32: the integer part modulo 2^32
  view.setUint32(at, low, true);
  // (value - low) is a multiple of 2^32 up to the fraction; scaling by 2^-32 is exact, and setUint32
  // truncates and wraps it like C. Cheaper than Math.floor(value / 2^32), and right for -1 < value < 0.
  view.setUint32(at + 4, (value - low) * TWO_TO_MINUS_32, true);
}

/** `Q`, buffered: uint64 fields. Numbers go through `storeUInt64`; bigints are stored exactly. */
export class UInt64Cell extends BufferedCell {
  setNumber(value: number): void {
    const wb = this.wb;
    this.wb = wb ^ 1;
    const view = this.view;
    storeUInt64(view, this.slot0 + (wb << 3), value);
    view.setUint8(this.wbAt, wb ^ 1);
  }

  /** Exact store of any bigint, wrapped modulo 2^64. Not the hot path. */
  setBigInt(value: bigint): void {
    const wb = this.wb;
    this.view.setBigUint64(this.slot0 + (wb << 3), BigInt.asUintN(64, value), true);
    this.wb = wb ^ 1;
    this.bytes[this.wbAt] = wb ^ 1;
  }

  set(value: number | bigint): void {
    if (typeof value === 'number') this.setNumber(value);
    else this.setBigInt(value);
  }
}

/** `b`, unbuffered: a single byte is written atomically. */
export class ByteCell extends Cell {
  private declare readonly at: number;

  constructor(memory: Memory, record: RecordLayout) {
    super(memory, record);
    this.at = record.slotOffsets[0];
  }

  set(value: number): void {
    this.view.setInt8(this.at, value);
  }
}

/** `?`, unbuffered: stores 1 for truthy values, 0 otherwise. */
export class BoolCell extends Cell {
  private declare readonly at: number;

  constructor(memory: Memory, record: RecordLayout) {
    super(memory, record);
    this.at = record.slotOffsets[0];
  }

  set(value: boolean): void {
    this.bytes[this.at] = value ? 1 : 0;
  }
}

/** Any static field: written once at creation, read-only afterwards. */
export class StaticCell extends Cell {
  set(_value: unknown): void {
    throw new TypeError(`${this.record.label} is a static field: its value is fixed when the stats object is created`);
  }
}
