// A histogram series (SPEC.md §14.6): one counter record per bucket, a count and a sum. observe()
// finds the value's bucket and publishes three values: the bucket's count, the sum and the count.
import { BOUND_LABEL, LOG_BUCKETS_PER_OCTAVE, logScaleBound, parseBound, parseSeriesLabel, readValue, type RecordLayout } from '@mmstats/format';
import { storeUInt64 } from './cells';
import type { Counter } from './counter';
import type { Bound, Memory } from './memory';

/** How a histogram's bucket of a value is found. */
export type BucketScheme =
  /** Any increasing bounds: a binary search. */
  | { readonly kind: 'explicit' }
  /** The log scale of SPEC.md §14.6: bound `k` is 2^(k/16) to 4 digits; `first` is the `k` of the first bound. */
  | { readonly kind: 'log'; readonly first: number };

// The bits of a double, read through a shared scratch word: a store and two loads, no allocation.
// Little-endian hosts (x86-64, ARM64): the high word, with sign, exponent and top mantissa bits, is [1].
const SCRATCH = new Float64Array(1);
const SCRATCH_WORDS = new Uint32Array(SCRATCH.buffer);

// For the top 8 mantissa bits t of a value m·2^e (1 ≤ m < 2), the smallest j with 2^(j/16) ≥ 1 + t/256:
// the value's bucket within its power of two is j or j + 1, before the rounding of the bounds.
const MANTISSA_STEP = new Int32Array(256);
for (let t = 0; t < 256; t++) MANTISSA_STEP[t] = Math.ceil(Math.log2(1 + t / 256) * LOG_BUCKETS_PER_OCTAVE - 1e-9);

function refusedValue(value: unknown, label: string): TypeError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new TypeError(`histogram ${label}: observe(value) takes a number, got ${typeof value} ${shown}; nothing was observed`);
}

/**
 * One histogram series: `observe(v)` adds `v`, `startTimer()` times something and observes its
 * seconds. Buckets are stored as separate counts (not cumulative), so an observation costs three
 * publications whatever the number of buckets: no syscall, no allocation.
 *
 * Fields are `declare`d for the reason given in cells.ts.
 */
export class Histogram implements Bound {
  private declare view: DataView;
  private declare readonly label: string;
  /** Upper bounds of the buckets, the last one +Infinity. */
  private declare readonly upper: Float64Array;
  private declare readonly logFirst: number;
  private declare readonly isLog: boolean;
  // Per bucket: where slot 0 and the write index are, the next slot, and the count (shadowed, so
  // observe() never reads the mapping).
  private declare readonly slot0s: Int32Array;
  private declare readonly wbAts: Int32Array;
  private declare readonly wbs: Uint8Array;
  private declare readonly counts: Float64Array;
  private declare readonly countSlot0: number;
  private declare readonly countWbAt: number;
  private declare countWb: number;
  private declare total: number;
  private declare readonly sumSlot0: number;
  private declare readonly sumWbAt: number;
  private declare sumWb: number;
  private declare sumValue: number;
  private declare readonly refused: Counter | undefined;

  /**
   * @internal Built by the stats object or a family over a series' records (buckets by increasing
   * bound, then count, then sum: `histogramRecordSpecs`); `refused` counts NaNs.
   */
  constructor(memory: Memory, records: readonly RecordLayout[], scheme: BucketScheme, refused: Counter | undefined) {
    const buckets = records.slice(0, -2);
    const count = records[records.length - 2];
    const sum = records[records.length - 1];
    this.view = memory.view;
    this.label = count.label.replace(/\.count(\{.*)?$/, '');
    this.upper = Float64Array.from(buckets, (record) => parseBound(parseSeriesLabel(record.label)!.labels[BOUND_LABEL])!);
    this.isLog = scheme.kind === 'log';
    this.logFirst = scheme.kind === 'log' ? scheme.first : 0;
    this.slot0s = Int32Array.from(buckets, (record) => record.slotOffsets[0]);
    this.wbAts = Int32Array.from(buckets, (record) => record.writeIndexOffset);
    this.wbs = Uint8Array.from(buckets, (record) => memory.bytes[record.writeIndexOffset]);
    this.counts = Float64Array.from(buckets, (record) => Number(readValue(memory.view, record)));
    this.countSlot0 = count.slotOffsets[0];
    this.countWbAt = count.writeIndexOffset;
    this.countWb = memory.bytes[count.writeIndexOffset];
    this.total = Number(readValue(memory.view, count));
    this.sumSlot0 = sum.slotOffsets[0];
    this.sumWbAt = sum.writeIndexOffset;
    this.sumWb = memory.bytes[sum.writeIndexOffset];
    this.sumValue = readValue(memory.view, sum) as number;
    this.refused = refused;
  }

  /**
   * Observes `value`: adds 1 to its bucket (the first bucket whose bound is at least `value`;
   * values above the last bound go to `+Inf`), `value` to the sum and 1 to the count. A NaN is
   * counted by the file's `sys.observations_refused` and changes nothing else; a value that is not
   * a number (such as the string "3") is a `TypeError` and is not observed.
   */
  observe(value: number): void {
    if (typeof value !== 'number') throw refusedValue(value, this.label);
    if (value !== value) {
      this.refused?.inc();
      return;
    }
    const i = this.isLog ? this.logBucket(value) : this.searchBucket(value);
    const c = this.counts[i] + 1;
    this.counts[i] = c;
    const total = this.total + 1;
    this.total = total;
    const sum = this.sumValue + value;
    this.sumValue = sum;
    const wbs = this.wbs;
    const wb = wbs[i];
    wbs[i] = wb ^ 1;
    const sumWb = this.sumWb;
    this.sumWb = sumWb ^ 1;
    const countWb = this.countWb;
    this.countWb = countWb ^ 1;
    // The stores into the mapping come last, each value before its write index (SPEC.md §7.2):
    // the bucket, then the sum, then the count.
    const view = this.view;
    storeUInt64(view, this.slot0s[i] + (wb << 3), c);
    view.setUint8(this.wbAts[i], wb ^ 1);
    view.setFloat64(this.sumSlot0 + (sumWb << 3), sum, true);
    view.setUint8(this.sumWbAt, sumWb ^ 1);
    storeUInt64(view, this.countSlot0 + (countWb << 3), total);
    view.setUint8(this.countWbAt, countWb ^ 1);
  }

  /** The first bucket whose bound is at least `value`: a binary search over the bounds. */
  private searchBucket(value: number): number {
    const upper = this.upper;
    let low = 0;
    let high = upper.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (value <= upper[middle]) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /**
   * The bucket of `value` on the log scale: from the exponent and top mantissa bits of the double,
   * then corrected against the bounds themselves (at most a step or two), so the bounds in the
   * labels are exactly those values are compared with.
   */
  private logBucket(value: number): number {
    const upper = this.upper;
    const last = upper.length - 2;
    if (!(value > upper[0])) return 0;
    if (value > upper[last]) return last + 1;
    SCRATCH[0] = value;
    const high = SCRATCH_WORDS[1];
    let i = ((high >>> 20) - 1023) * LOG_BUCKETS_PER_OCTAVE + MANTISSA_STEP[(high >>> 12) & 0xff] - this.logFirst;
    if (i < 1) i = 1;
    else if (i > last) i = last;
    while (value > upper[i]) i++;
    while (value <= upper[i - 1]) i--;
    return i;
  }

  /**
   * Starts timing; the function returned stops it, observes the elapsed seconds and returns them.
   * (The returned function is a new closure: keep `observe()` for allocation-free code.)
   */
  startTimer(): () => number {
    const startedAt = performance.now();
    return () => {
      const seconds = (performance.now() - startedAt) / 1000;
      this.observe(seconds);
      return seconds;
    };
  }

  /** Observations so far (NaNs not included). */
  get count(): number {
    return this.total;
  }

  /** Sum of the values observed so far. */
  get sum(): number {
    return this.sumValue;
  }

  /** The finite bucket bounds, increasing (the `+Inf` bucket follows the last). */
  get bounds(): number[] {
    return Array.from(this.upper.subarray(0, this.upper.length - 1));
  }

  /** Observations per bucket, the `+Inf` bucket last (a copy). */
  get buckets(): number[] {
    return Array.from(this.counts);
  }

  /** @internal */
  rebind(memory: Memory): void {
    this.view = memory.view;
  }
}

/** The scheme of a log-scale histogram whose first bound is `bounds[0]`. */
export function logScheme(firstBound: number): BucketScheme {
  let k = Math.round(Math.log2(firstBound) * LOG_BUCKETS_PER_OCTAVE);
  while (logScaleBound(k) < firstBound) k++;
  while (logScaleBound(k) > firstBound) k--;
  return { kind: 'log', first: k };
}
