// Moves what perf_hooks.monitorEventLoopDelay recorded into a histogram field. The monitor is a
// native timer that records the time between its ticks. Node keeps the ticks in an HdrHistogram
// and exposes its queries (count, mean, the value at a percentile), and reset() forgets the last
// tick, so the span from the last tick before a reset to the first after it is never recorded.
// That span is the one a long block at sampling time falls into, so it is measured from the clock.
import { performance, type IntervalHistogram } from 'node:perf_hooks';
import type { Histogram } from '../fields/histogram';

/** Drains a delay monitor into a histogram of delays in seconds, at each `drain()`. */
export class EventLoopDelayDrain {
  private lastDrain = performance.now();

  /** `periodNs` is the monitor's resolution: a tick on time is a delay of 0. */
  constructor(
    private readonly source: IntervalHistogram,
    private readonly target: Histogram,
    private readonly periodNs: number,
  ) {}

  /**
   * Observes each tick the monitor recorded since the last drain, then resets it, and observes one
   * tick more: the time since the last drain that no recorded tick covers.
   *
   * Recorded ticks are read back by rank: the value at percentile 100·k/n is the k-th smallest of
   * n ticks (to the histogram's 3 significant digits). That is one query per tick, each a scan of
   * the counts (about 2 µs), cheaper than Node's `percentiles` map (about 100 µs).
   *
   * The span no tick covers is the time from the last drain to the first tick after it, plus the
   * time from the last tick to this drain: each at most a period when the loop runs freely, so a
   * block of the loop anywhere in it shows as that span less two periods. So every moment between
   * two drains is in exactly one observation, and a block shows whole, to within a period, in one
   * observation, wherever it falls.
   */
  drain(): void {
    const now = performance.now();
    const source = this.source;
    const count = source.count;
    const covered = count > 0 ? source.mean * count : 0;
    for (let k = 1; k <= count; k++) this.observeLateness(source.percentile((100 * k) / count), this.periodNs);
    source.reset();
    this.observeLateness((now - this.lastDrain) * 1e6 - covered, 2 * this.periodNs);
    this.lastDrain = now;
  }

  /** Observes a span of `ns` expected to last `expectedNs`: how much longer it took, in seconds. */
  private observeLateness(ns: number, expectedNs: number): void {
    this.target.observe(Math.max(0, ns - expectedNs) / 1e9);
  }
}
