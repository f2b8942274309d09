import { readValue, type RecordLayout } from '@mmstats/format';
import { storeUInt64 } from './cells';
import type { Bound, Memory } from './memory';

/**
 * A monotonically increasing count (`Q`, buffered). `inc()` adds to a JS-side shadow of the count
 * and publishes it: two 32-bit stores and a one-byte flip, no syscall, no allocation.
 *
 * The counter is its own cell rather than an object holding a `UInt64Cell`: `stats.hits.inc()`
 * then reaches the slot offsets and the view with one object load fewer and one map check fewer,
 * which is most of what separates it from a held counter. Fields are `declare`d for the reason
 * given in cells.ts (above all, `count` stays an unboxed double past 2^31 instead of allocating
 * a heap number on every `inc()`).
 */
export class Counter implements Bound {
  private declare view: DataView;
  private declare readonly record: RecordLayout;
  private declare readonly slot0: number;
  private declare readonly wbAt: number;
  // Which slot the next publication goes to: the file's write index, shadowed so `inc()` never reads the mapping.
  private declare wb: number;
  // The count as a number: exact to 2^53, and wraps modulo 2^64 in the file like a C uint64.
  private declare count: number;

  /** @internal Created by the stats object; not constructed by users. */
  constructor(memory: Memory, record: RecordLayout) {
    this.view = memory.view;
    this.record = record;
    this.slot0 = record.slotOffsets[0];
    this.wbAt = record.writeIndexOffset;
    this.wb = memory.bytes[record.writeIndexOffset];
    this.count = Number(readValue(memory.view, record));
  }

  /** Adds `n` (default 1; may be negative) and publishes the new count. */
  inc(n: number = 1): void {
    const count = this.count + n;
    this.count = count;
    // The JS-side stores come before the stores into the mapping: after a store into a DataView,
    // V8 checks this object's map again before storing to one of its fields.
    const wb = this.wb;
    this.wb = wb ^ 1;
    const view = this.view;
    storeUInt64(view, this.slot0 + (wb << 3), count);
    view.setUint8(this.wbAt, wb ^ 1); // after the value (SPEC.md §7.2)
  }

  /** The published count: a number, or a bigint once it is beyond 2^53 (read back from the file). */
  get value(): number | bigint {
    return readValue(this.view, this.record) as number | bigint;
  }

  /** Sets the count. A bigint is stored exactly; later `inc()` calls continue from its number value. */
  set value(value: number | bigint) {
    if (typeof value === 'number') {
      this.count = value;
      this.inc(0);
      return;
    }
    const exact = BigInt.asUintN(64, value);
    this.count = Number(exact);
    const wb = this.wb;
    this.wb = wb ^ 1;
    this.view.setBigUint64(this.slot0 + (wb << 3), exact, true);
    this.view.setUint8(this.wbAt, wb ^ 1);
  }

  /** @internal */
  rebind(memory: Memory): void {
    this.view = memory.view;
  }
}
