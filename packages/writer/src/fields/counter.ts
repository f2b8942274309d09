import type { RecordLayout } from '@mmstats/format';
import { UInt64Cell } from './cells';
import type { Bound, Memory } from './memory';

/**
 * A monotonically increasing count (`Q`, buffered). `inc()` adds to a JS-side shadow of the count
 * and publishes it: two 32-bit stores and a one-byte flip, no syscall, no allocation.
 */
export class Counter implements Bound {
  private readonly cell: UInt64Cell;
  // The count as a number: exact to 2^53, and wraps modulo 2^64 in the file like a C uint64.
  private count: number;

  /** @internal Created by the stats object; not constructed by users. */
  constructor(memory: Memory, record: RecordLayout) {
    this.cell = new UInt64Cell(memory, record);
    this.count = Number(this.cell.get());
  }

  /** Adds `n` (default 1; may be negative) and publishes the new count. */
  inc(n: number = 1): void {
    this.count += n;
    this.cell.setNumber(this.count);
  }

  /** The published count: a number, or a bigint once it is beyond 2^53 (read back from the file). */
  get value(): number | bigint {
    return this.cell.get() as number | bigint;
  }

  /** Sets the count. A bigint is stored exactly; later `inc()` calls continue from its number value. */
  set value(value: number | bigint) {
    this.count = Number(typeof value === 'bigint' ? BigInt.asUintN(64, value) : value);
    this.cell.set(value);
  }

  /** @internal */
  rebind(memory: Memory): void {
    this.cell.rebind(memory);
  }
}
