import type { RecordLayout } from '@mmstats/format';
import { MovingAverage } from './average';
import { DoubleCell } from './cells';
import type { Histogram } from './histogram';
import type { Bound, Memory } from './memory';

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Durations in seconds, as the original TimerField: the published `value` is the mean of the last
 * `size` durations (its record, `d`, buffered, is what the original's tools showed), and `last` is
 * the latest duration, published in its own record `<label>.last` (files of layout 'original' do
 * not have it: there it lives only in the program, as in the original). With a histogram, every
 * duration is observed into it as well. Clock reads use `performance.now()` (monotonic, served
 * without a syscall on Linux).
 */
export class Timer implements Bound {
  private declare readonly mean: MovingAverage;
  private declare readonly lastCell: DoubleCell | undefined;
  private declare readonly histogramSeries: Histogram | undefined;
  private declare latest: number;
  private startedAt = -1;

  /** @internal Created by the stats object; not constructed by users. */
  constructor(memory: Memory, record: RecordLayout, size: number, last: RecordLayout | undefined, histogram: Histogram | undefined) {
    this.mean = new MovingAverage(memory, record, size);
    this.lastCell = last && new DoubleCell(memory, last);
    this.histogramSeries = histogram;
    this.latest = NaN; // a double from the start: the field then holds doubles in place
    this.latest = 0;
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
    this.latest = (performance.now() - this.startedAt) / 1000;
    this.startedAt = -1;
    this.publishLatest();
    return this.latest;
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
      this.latest = (performance.now() - startedAt) / 1000;
      this.publishLatest();
      throw error;
    }
    if (isPromiseLike(result)) {
      const publish = (): void => {
        this.latest = (performance.now() - startedAt) / 1000;
        this.publishLatest();
      };
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
    this.latest = (performance.now() - startedAt) / 1000;
    this.publishLatest();
    return result;
  }

  // The duration goes through a field, not an argument: a double handed to a call that V8 does
  // not inline is boxed into a new heap number, and this call is too big to be inlined everywhere.
  /** Publishes `latest`: the new mean, the latest duration, and into the histogram. */
  private publishLatest(): void {
    const seconds = this.latest;
    this.mean.add(seconds);
    if (this.lastCell !== undefined) this.lastCell.set(seconds);
    if (this.histogramSeries !== undefined) this.histogramSeries.observe(seconds);
  }

  /** The published mean of the last `size` durations, in seconds (0 before the first timing). */
  get value(): number {
    return this.mean.value;
  }

  /** The latest duration in seconds (0 before the first timing). */
  get last(): number {
    return this.latest;
  }

  /** How many durations the mean covers at most. */
  get size(): number {
    return this.mean.size;
  }

  /** The histogram every duration is observed into, if the timer was declared with one. */
  get histogram(): Histogram | undefined {
    return this.histogramSeries;
  }

  /** @internal */
  rebind(memory: Memory): void {
    this.mean.rebind(memory);
    this.lastCell?.rebind(memory);
    this.histogramSeries?.rebind(memory);
  }
}
