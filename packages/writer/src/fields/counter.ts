import { readValue, type RecordLayout } from '@mmstats/format';
import type { Bound, Memory } from './memory';

const LOW_32_BITS = 0xffffffffn;

/**
 * A step or a value for a counter as an exact bigint: integers as they are, other finite numbers
 * truncated toward zero (as a C conversion to uint64 does). Anything else is a `TypeError`
 * naming the counter: a string would otherwise be concatenated and a NaN would stick for good.
 */
function exactInteger(value: unknown, label: string, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new TypeError(`counter ${label}: ${what} must be a finite number or a bigint, got ${typeof value} ${shown}; the count is unchanged`);
}

/**
 * A monotonically increasing count (`Q`, buffered), exact to 2^64 and wrapping modulo 2^64 like
 * the original's C uint64. `inc()` adds to a JS-side shadow of the count and publishes it: a 32-bit
 * store (two after a carry or a set) and a one-byte flip, no syscall, no allocation.
 *
 * The count is shadowed as two 32-bit halves held as numbers: `low` takes every step, and only a
 * carry out of it (every 2^32 increments), a negative result, a fraction or a value that is not a
 * number leave the fast case for `incSlow`, which does exact bigint arithmetic. So a count past
 * 2^53 keeps moving, and a wrong argument can neither be concatenated ("5" then "51") nor stick
 * (NaN).
 *
 * The counter is its own cell rather than an object holding a `UInt64Cell`: `stats.hits.inc()`
 * then reaches the slot offsets and the view with one object load fewer and one map check fewer,
 * which is most of what separates it from a held counter. Fields are `declare`d for the reason
 * given in cells.ts (above all, `low` stays an unboxed double past 2^31 instead of allocating
 * a heap number on every `inc()`).
 */
export class Counter implements Bound {
  private declare view: DataView;
  private declare readonly record: RecordLayout;
  private declare readonly slot0: number;
  private declare readonly wbAt: number;
  // Which slot the next publication goes to: the file's write index, shadowed so `inc()` never reads the mapping.
  private declare wb: number;
  // The count is high × 2^32 + low, both whole numbers from 0 to 2^32 - 1.
  private declare low: number;
  private declare high: number;
  // 1 while the slot to be written next may hold a high word other than `high` (at creation and
  // after a carry or a set): the next publication then writes both words. Otherwise both slots
  // hold `high` already and `inc()` stores the low word alone, one store into the mapping fewer.
  private declare highStale: number;

  /** @internal Created by the stats object; not constructed by users. */
  constructor(memory: Memory, record: RecordLayout) {
    this.view = memory.view;
    this.record = record;
    this.slot0 = record.slotOffsets[0];
    this.wbAt = record.writeIndexOffset;
    this.wb = memory.bytes[record.writeIndexOffset];
    const count = BigInt(readValue(memory.view, record) as number | bigint);
    this.low = Number(count & LOW_32_BITS);
    this.high = Number(count >> 32n);
    this.highStale = 1;
  }

  /**
   * Adds `n` (default 1; a number or a bigint, may be negative, a fraction is truncated toward
   * zero) and publishes the new count, modulo 2^64. A NaN, an infinity or a value of another type
   * (such as the string "5") is a `TypeError` and leaves the count as it was.
   */
  inc(n: number = 1): void {
    // The fast case: a number step that keeps `low` a whole number below 2^32. The typeof test is
    // folded away by V8 where the call site only ever passes numbers, and `(x >>> 0) === x` is
    // false for NaN, fractions, negatives and carries alike. Measured with `npm run bench -- --quick
    // write` on the 2-core machine: counter.inc() 1.23 ns/op with the former single-double count
    // (no checks), 1.29 ns/op with this one (raw Float64Array increment: 0.70 ns/op both times);
    // the proofs in test/proofs still see no syscall and no allocation. Storing the low word alone
    // (issue 14) took counter.inc() from 1.80× to 1.62× the raw increment, and from 3.34× to 2.67×
    // with the stats object a function parameter (`npm run bench -- write`, back to back): each store into a DataView makes V8 check the
    // view's and this object's maps and reload the view's length and data pointer again.
    if (typeof n === 'number') {
      const low = this.low + n;
      if (low >>> 0 === low && this.highStale === 0) {
        this.low = low;
        // The JS-side stores come before the store into the mapping: after a store into a DataView,
        // V8 checks this object's map again before storing to one of its fields.
        const wb = this.wb;
        this.wb = wb ^ 1;
        const view = this.view;
        // Only the low word: the slot's high word already holds `high` (see `highStale`).
        view.setUint32(this.slot0 + (wb << 3), low, true);
        view.setUint8(this.wbAt, wb ^ 1); // after the value (SPEC.md §7.2)
        return;
      }
    }
    this.incSlow(n);
  }

  // Kept out of `inc()` so that the fast case stays small enough to inline and never sees a bigint.
  private incSlow(n: unknown): void {
    if (typeof n === 'number') {
      const low = this.low + n;
      if (low >>> 0 === low) return this.publishWords(low);
    }
    const step = exactInteger(n, this.record.label, 'inc(n): n');
    this.publish((BigInt(this.high) << 32n) + BigInt(this.low) + step);
  }

  // Both words of the count with `low` as its low word: the slot written now gets the high word
  // the other slot has had since the last `publish`, so from here on both slots agree on it.
  private publishWords(low: number): void {
    this.low = low;
    this.highStale = 0;
    const wb = this.wb;
    this.wb = wb ^ 1;
    const at = this.slot0 + (wb << 3);
    this.view.setUint32(at, low, true);
    this.view.setUint32(at + 4, this.high, true);
    this.view.setUint8(this.wbAt, wb ^ 1);
  }

  private publish(value: bigint): void {
    const exact = BigInt.asUintN(64, value);
    this.low = Number(exact & LOW_32_BITS);
    this.high = Number(exact >> 32n);
    // The other slot may hold another high word: the next publication writes both words.
    this.highStale = 1;
    const wb = this.wb;
    this.wb = wb ^ 1;
    this.view.setBigUint64(this.slot0 + (wb << 3), exact, true);
    this.view.setUint8(this.wbAt, wb ^ 1);
  }

  /** The published count: a number, or a bigint once it is beyond 2^53 (read back from the file). */
  get value(): number | bigint {
    return readValue(this.view, this.record) as number | bigint;
  }

  /**
   * Sets the count, modulo 2^64 (a fraction is truncated toward zero). A NaN, an infinity or a
   * value of another type is a `TypeError` and leaves the count as it was.
   */
  set value(value: number | bigint) {
    this.publish(exactInteger(value, this.record.label, 'value'));
  }

  /** @internal */
  rebind(memory: Memory): void {
    this.view = memory.view;
  }
}
