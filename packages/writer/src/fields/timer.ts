import type { RecordLayout } from '@mmstats/format';
import { DoubleCell } from './cells';
import type { Bound, Memory } from './memory';

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * The duration of the last timed operation, in seconds (`d`, buffered). Clock reads use
 * `performance.now()` (monotonic, served without a syscall on Linux).
 */
export class Timer implements Bound {
  private declare readonly cell: DoubleCell;
  private startedAt = -1;

  /** @internal Created by the stats object; not constructed by users. */
  constructor(memory: Memory, record: RecordLayout) {
    this.cell = new DoubleCell(memory, record);
  }

  /** Starts (or restarts) timing. */
  start(): void {
    this.startedAt = performance.now();
  }

  /**
   * Stops timing, publishes the elapsed seconds since `start()` and returns them. Without a
   * running `start()`, publishes nothing and returns NaN.
   */
  stop(): number {
    if (this.startedAt < 0) return NaN;
    const seconds = (performance.now() - this.startedAt) / 1000;
    this.startedAt = -1;
    this.cell.set(seconds);
    return seconds;
  }

  /**
   * Runs `fn` and publishes how long it took, also when it throws. When `fn` returns a promise,
   * the time runs until the promise settles, and that promise's outcome is returned. Timings may
   * overlap: each call keeps its own start time.
   */
  time<T>(fn: () => T): T {
    const startedAt = performance.now();
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.cell.set((performance.now() - startedAt) / 1000);
      throw error;
    }
    if (isPromiseLike(result)) {
      const publish = (): void => this.cell.set((performance.now() - startedAt) / 1000);
      return Promise.resolve(result).then(
        (value) => {
          publish();
          return value;
        },
        (error: unknown) => {
          publish();
          throw error;
        },
      ) as T;
    }
    this.cell.set((performance.now() - startedAt) / 1000);
    return result;
  }

  /** The last published duration in seconds (0 before the first timing). */
  get value(): number {
    return this.cell.get() as number;
  }

  /** @internal */
  rebind(memory: Memory): void {
    this.cell.rebind(memory);
  }
}
