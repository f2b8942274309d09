// Storage cells: one class per way of storing a value, so that every call site that writes a
// field sees a single hidden class (monomorphic) and the JIT can inline the store.
//
// Buffered cells follow the write protocol of SPEC.md §7: store the value into slot[wb], then flip
// the write-buffer byte. `wb` is shadowed in a JS field so a write never reads the mapping. Reads
// of a cell's own value (`get`) are not on the hot path and go through the format codec.
import { readValue, type RecordLayout, type StatValue } from '@mmstats/format';
import type { Bound, Memory } from './memory';

const TWO_32 = 4294967296;

/** @internal Shared by every cell: the memory it writes and the record it serves. */
export abstract class Cell implements Bound {
  protected view: DataView;
  protected bytes: Uint8Array;
  protected readonly record: RecordLayout;

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
}

abstract class BufferedCell extends Cell {
  protected readonly slot0: number;
  protected readonly slot1: number;
  protected readonly wbAt: number;
  protected wb: number;

  constructor(memory: Memory, record: RecordLayout) {
    super(memory, record);
    this.slot0 = record.slotOffsets[0];
    this.slot1 = record.slotOffsets[1];
    this.wbAt = record.writeIndexOffset;
    this.wb = memory.bytes[record.writeIndexOffset];
  }
}

/** `d`, buffered: doubles, and the published value of averages and timers. */
export class DoubleCell extends BufferedCell {
  set(value: number): void {
    this.view.setFloat64(this.wb === 0 ? this.slot0 : this.slot1, value, true);
    this.wb ^= 1;
    this.bytes[this.wbAt] = this.wb; // after the value: a reader switches slots only once it is whole
  }
}

/** `f`, buffered. */
export class FloatCell extends BufferedCell {
  set(value: number): void {
    this.view.setFloat32(this.wb === 0 ? this.slot0 : this.slot1, value, true);
    this.wb ^= 1;
    this.bytes[this.wbAt] = this.wb;
  }
}

/** `I` and `i`, buffered: both store the same 32 bits (DataView wraps modulo 2^32; NaN stores 0). */
export class Int32Cell extends BufferedCell {
  set(value: number): void {
    this.view.setInt32(this.wb === 0 ? this.slot0 : this.slot1, value, true);
    this.wb ^= 1;
    this.bytes[this.wbAt] = this.wb;
  }
}

/** `H` and `h`, buffered: both store the same 16 bits. */
export class Int16Cell extends BufferedCell {
  set(value: number): void {
    this.view.setInt16(this.wb === 0 ? this.slot0 : this.slot1, value, true);
    this.wb ^= 1;
    this.bytes[this.wbAt] = this.wb;
  }
}

/**
 * `Q`, buffered: counters and uint64 fields. Numbers are stored as two 32-bit halves (no BigInt
 * on the hot path); they are exact up to 2^53 and wrap modulo 2^64 (so -1 stores 2^64 - 1).
 */
export class UInt64Cell extends BufferedCell {
  setNumber(value: number): void {
    const at = this.wb === 0 ? this.slot0 : this.slot1;
    this.view.setUint32(at, value >>> 0, true); // ToUint32: the low half, modulo 2^32
    this.view.setUint32(at + 4, Math.floor(value / TWO_32), true); // floor keeps negatives wrapping
    this.wb ^= 1;
    this.bytes[this.wbAt] = this.wb;
  }

  /** Exact store of any bigint, wrapped modulo 2^64. Not the hot path. */
  setBigInt(value: bigint): void {
    this.view.setBigUint64(this.wb === 0 ? this.slot0 : this.slot1, BigInt.asUintN(64, value), true);
    this.wb ^= 1;
    this.bytes[this.wbAt] = this.wb;
  }

  set(value: number | bigint): void {
    if (typeof value === 'number') this.setNumber(value);
    else this.setBigInt(value);
  }
}

/** `b`, unbuffered: a single byte is written atomically. */
export class ByteCell extends Cell {
  private readonly at: number;

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
  private readonly at: number;

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
