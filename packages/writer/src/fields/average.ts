import type { RecordLayout } from '@mmstats/format';
import { DoubleCell } from './cells';
import type { Bound, Memory } from './memory';

/** The running mean of every value added (`d`, buffered), as the original AverageField. */
export class Average implements Bound {
  private declare readonly cell: DoubleCell;
  private total = 0;
  private samples = 0;

  /** @internal Created by the stats object; not constructed by users. */
  constructor(memory: Memory, record: RecordLayout) {
    this.cell = new DoubleCell(memory, record);
  }

  /** Adds a value and publishes the new mean. */
  add(value: number): void {
    this.total += value;
    this.samples += 1;
    this.cell.set(this.total / this.samples);
  }

  /** The published mean (0 before the first `add`). */
  get value(): number {
    return this.cell.get() as number;
  }

  /** How many values have been added since creation. */
  get count(): number {
    return this.samples;
  }

  /** @internal */
  rebind(memory: Memory): void {
    this.cell.rebind(memory);
  }
}

/**
 * The mean of the last `size` values added (`d`, buffered), as the original MovingAverageField.
 * Keeps the window in a preallocated Float64Array and a running sum, so `add()` is O(1). Each time
 * the window wraps, the running sum is replaced by the plain sum of the window, so rounding error
 * never outlives one lap; while the running sum is not finite it is recomputed from the window, so
 * a NaN or infinity stops counting once it has left.
 */
export class MovingAverage implements Bound {
  private declare readonly cell: DoubleCell;
  private declare readonly window: Float64Array;
  private next = 0;
  private filled = 0;
  private sum = 0;
  // The values added since the window last wrapped, summed in window order: when it wraps again
  // they are exactly the window, so this is the sum a loop over the window would give, bit for
  // bit, without the loop (a loop that ran once per lap cost 2.5 ns per add() amortised: V8 left
  // it unoptimised).
  private lap = 0;

  /** @internal Created by the stats object; not constructed by users. */
  constructor(memory: Memory, record: RecordLayout, size: number) {
    this.cell = new DoubleCell(memory, record);
    this.window = new Float64Array(size);
  }

  /** Adds a value, dropping the oldest once the window is full, and publishes the new mean. */
  add(value: number): void {
    const window = this.window;
    this.sum += value - window[this.next];
    this.lap += value;
    window[this.next] = value;
    this.next += 1;
    if (this.filled < window.length) this.filled += 1;
    if (this.next === window.length) {
      this.next = 0;
      this.sum = this.lap;
      this.lap = 0;
    }
    // The loop lives in its own method so that add() stays small enough for V8 to inline (a call
    // that is not inlined boxes its double argument into a new heap number), and that method
    // stores the sum rather than returning it, for the same reason.
    if (!Number.isFinite(this.sum)) this.resum();
    this.cell.set(this.sum / this.filled);
  }

  private resum(): void {
    const window = this.window;
    let exact = 0;
    for (let i = 0; i < this.filled; i++) exact += window[i];
    this.sum = exact;
  }

  /** The published mean of the window (0 before the first `add`). */
  get value(): number {
    return this.cell.get() as number;
  }

  /** The window's size. */
  get size(): number {
    return this.window.length;
  }

  /** @internal */
  rebind(memory: Memory): void {
    this.cell.rebind(memory);
  }
}
