import type { RecordLayout } from '@mmstats/format';
import { DoubleCell } from './cells';
import type { Bound, Memory } from './memory';

/**
 * The error for a value an average cannot take: a string would be concatenated into the sum
 * ("3" then 1 gave 15.5), and a NaN or an infinity would stay in a running total for good.
 */
function refusedValue(value: unknown, label: string, accepts: string): TypeError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new TypeError(`average ${label}: add(value) takes ${accepts}, got ${typeof value} ${shown}; nothing was added`);
}

/** The running mean of every value added (`d`, buffered), as the original AverageField. */
export class Average implements Bound {
  private declare readonly cell: DoubleCell;
  private total = 0;
  private samples = 0;

  /** @internal Created by the stats object; not constructed by users. */
  constructor(memory: Memory, record: RecordLayout) {
    this.cell = new DoubleCell(memory, record);
  }

  /**
   * Adds a value and publishes the new mean. A value that is not a finite number (a string, a
   * NaN, an infinity) is a `TypeError` and is not added.
   */
  add(value: number): void {
    // Number.isFinite is inlined by V8 and is false for every non-number: one test in the fast case.
    if (!Number.isFinite(value)) throw refusedValue(value, this.cell.label, 'a finite number');
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
  private incoming = 0.5;

  /** @internal Created by the stats object; not constructed by users. */
  constructor(memory: Memory, record: RecordLayout, size: number) {
    this.cell = new DoubleCell(memory, record);
    this.window = new Float64Array(size);
  }

  /**
   * Adds a value, dropping the oldest once the window is full, and publishes the new mean. A value
   * that is not a number (such as the string "3") is a `TypeError` and is not added; a NaN or an
   * infinity counts until it leaves the window.
   */
  add(value: number): void {
    if (typeof value !== 'number') throw refusedValue(value, this.cell.label, 'a number');
    // Handed over in a field: add() stays small enough to be inlined wherever it is called, and
    // push(), which may not be, takes no double argument to box (see resum()).
    this.incoming = value;
    this.push();
  }

  private push(): void {
    const value = this.incoming;
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
    // The loop lives in its own method so that push() stays small enough for V8 to inline (a call
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
